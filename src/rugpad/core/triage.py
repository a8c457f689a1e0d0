"""Triage of one case: red flags first, then stratification, recommendations and the manipulation verdict.

    payload --parse_case--> Case --run_triage--> TriageResult --to_dict(lang)--> contract JSON

    1. red flags (region-specific rules); the most urgent decides `urgency`; a red flag stops the pathway unless
       its rule says `stops_pathway: false` (then it is reported, but profile and pathway are worked out as usual)
    2. STarT Back risk, radicular syndrome, profile (null when stopped; the clinician may override it)
    3. recommendations whose conditions hold (only the red-flag ones when stopped)
    4. manipulation: the strictest verdict of the rules that fire, with those rules listed

Whatever the case leaves unknown is reported in `undecided` with the fields that would decide it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

from rugpad.core._quick import quick_init
from rugpad.core.bounds import NumberBound
from rugpad.core.conditions import Facts
from rugpad.core.errors import InvalidInput
from rugpad.core.instruments import InstrumentDefinition
from rugpad.core.rules import PROFILES, ManipulationRule, Recommendation, RedFlag, Rulebook
from rugpad.core.scoring import InstrumentScore
from rugpad.core.stratify import decide_radicular, decide_region_profile, missing_facts, startback_risk
from rugpad.core.text import Text, listing, phrase
from rugpad.core.vocab import Course, Lang, ManipulationVerdict, Region, Risk, Sex, Urgency

__all__ = ["Case", "ProfileOverride", "TriageResult", "Undecided", "parse_case", "run_triage"]

MAX_AGE = 120
MAX_WEEKS = 52 * 100
_AGE = NumberBound(0, MAX_AGE, whole=True)
_WEEKS = NumberBound(0, MAX_WEEKS)


@dataclass(frozen=True, slots=True)
class ProfileOverride:
    """The clinician's profile instead of the computed one, with the reason (KNGF: never SBST alone)."""

    profile: str
    reason: str


@quick_init
@dataclass(frozen=True)
class Case:
    """One validated case; None means "not known"."""

    region: Region
    signs: frozenset[str] = frozenset()
    age: int | None = None
    sex: Sex | None = None
    duration_weeks: float | None = None
    course: Course | None = None
    startback: Mapping[str, object] | None = None
    psychosocial_dominant: bool | None = None
    work_absence_weeks: float | None = None
    profile_override: ProfileOverride | None = None


@quick_init
@dataclass(frozen=True)
class Undecided:
    """Something the triage could not decide, and the case fields that would decide it."""

    item: str
    needs: tuple[str, ...]
    reason: Text


@quick_init
@dataclass(frozen=True)
class TriageResult:
    region: Region
    urgency: Urgency
    red_flags: tuple[RedFlag, ...]
    risk: Risk | None
    startback: InstrumentScore | None
    profile: str | None
    profile_computed: str | None
    profile_rule: str | None
    profile_override: ProfileOverride | None
    radicular: bool | None
    manipulation: ManipulationVerdict
    manipulation_rules: tuple[ManipulationRule, ...]
    recommendations: tuple[Recommendation, ...]
    undecided: tuple[Undecided, ...]
    reevaluate_after_weeks: float | None
    cleared: tuple[RedFlag, ...] = ()
    """Rules that fire but whose red flag a doctor has assessed and excluded (see `core/flags.py`): reported, but
    they neither set the urgency nor stop the pathway. Always empty for a single case from the CLI."""

    @property
    def pathway_stopped(self) -> bool:
        """True when a raised red flag stops the pathway; a `stops_pathway: false` flag is reported only."""
        return any(flag.stops_pathway for flag in self.red_flags)

    def to_dict(self, lang: Lang = Lang.EN) -> dict[str, object]:
        """The CLI contract's JSON, plus the extra fields that say why."""
        lang = lang if type(lang) is Lang else Lang(lang)
        return {
            "urgency": str(self.urgency),
            "red_flags": [flag.as_json(lang) for flag in self.red_flags],
            "risk": None if self.risk is None else str(self.risk),
            "profile": self.profile,
            "radicular": self.radicular,
            "manipulation": str(self.manipulation),
            "recommendations": [rec.as_json(lang) for rec in self.recommendations],
            "region": str(self.region),
            "pathway_stopped": self.pathway_stopped,
            "profile_computed": self.profile_computed,
            "profile_rule": self.profile_rule,
            "profile_override": None
            if self.profile_override is None
            else {"profile": self.profile_override.profile, "reason": self.profile_override.reason},
            "manipulation_rules": [rule.as_json(lang) for rule in self.manipulation_rules],
            "startback": None if self.startback is None else self.startback.to_dict(lang),
            "reevaluate_after_weeks": self.reevaluate_after_weeks,
            "undecided": [
                {"item": item.item, "needs": list(item.needs), "reason": item.reason.get(lang)}
                for item in self.undecided
            ],
        }


# --- parsing --------------------------------------------------------------------------------------------------

_FIELDS = frozenset(
    {
        "region",
        "age",
        "sex",
        "duration_weeks",
        "course",
        "signs",
        "startback",
        "psychosocial_dominant",
        "work_absence_weeks",
        "profile_override",
    }
)


def parse_case(payload: Mapping[str, object], rulebook: Rulebook) -> Case:
    """Validate every field; an unknown field is an error too (a misspelt 'signs' must not hide a red flag).

    Each check is a look-up or a comparison while the input is valid; the error text is built only on failure."""
    if not _FIELDS.issuperset(payload):
        for key in payload:
            if key not in _FIELDS:
                raise InvalidInput(str(key), f"unknown field; known: {', '.join(sorted(_FIELDS))}")
    get = payload.get
    raw_region = get("region")
    if raw_region is None:
        raise InvalidInput("region", "is required (low_back or neck)")
    region = _choice(Region, raw_region, "region")
    signs, age, sex, duration, course, startback, psychosocial, absence, override = (
        get("signs"),
        get("age"),
        get("sex"),
        get("duration_weeks"),
        get("course"),
        get("startback"),
        get("psychosocial_dominant"),
        get("work_absence_weeks"),
        get("profile_override"),
    )
    # An absent field costs one test: the checks (and their error texts) run only for what the case gives.
    return Case(
        region,
        _NO_SIGNS if signs is None else _signs(signs, rulebook),
        None if age is None else _age(age),
        None if sex is None else _choice(Sex, sex, "sex"),
        None if duration is None else _weeks(duration, "duration_weeks"),
        None if course is None else _choice(Course, course, "course"),
        None if startback is None else _startback(startback),
        None if psychosocial is None else _bool(psychosocial, "psychosocial_dominant"),
        None if absence is None else _weeks(absence, "work_absence_weeks"),
        None if override is None else _override(override, region),
    )


_NO_SIGNS: frozenset[str] = frozenset()


_E = TypeVar("_E", Region, Sex, Course)

_MEMBERS: Mapping[type, Mapping[str, Region | Sex | Course]] = {
    kind: {member.value: member for member in kind} for kind in (Region, Sex, Course)
}
"""Each vocabulary by value: a dictionary look-up instead of the enum's own (slower) constructor."""


def _choice(kind: type[_E], raw: object, field: str) -> _E:
    if type(raw) is str:
        member = _MEMBERS[kind].get(raw)
        if member is not None:
            return member  # type: ignore[return-value]
    try:
        return kind(raw) if isinstance(raw, str) else kind("\0")
    except ValueError:
        choices = " | ".join(member.value for member in kind)
        raise InvalidInput(field, f"{raw!r} is not one of {choices}") from None


def _signs(raw: object, rulebook: Rulebook) -> frozenset[str]:
    if raw is None:
        return frozenset()
    if not isinstance(raw, list):
        raise InvalidInput("signs", "must be a list of sign ids")
    try:
        found = frozenset(raw)
    except TypeError:  # an unhashable item (a list, an object): the loop below names it
        pass
    else:
        if found.issubset(rulebook.sign_ids):  # only texts are sign ids, so every item is a known sign
            return found
    for index, sign in enumerate(raw):
        if not isinstance(sign, str) or sign not in rulebook.signs:
            raise InvalidInput(f"signs[{index}]", f"unknown sign {sign!r}")
    return frozenset(raw)


def _age(raw: object) -> int | None:
    if raw is None:
        return None
    if type(raw) is int and 0 <= raw <= MAX_AGE:  # the usual answer, without the bound's own checks
        return raw
    return int(_AGE.check("age", raw))


def _weeks(raw: object, field: str) -> float | None:
    if raw is None:
        return None
    if (type(raw) is int or type(raw) is float) and 0 <= raw <= MAX_WEEKS:  # NaN and infinity fail this test
        return float(raw)
    return float(_WEEKS.check(field, raw))


def _bool(raw: object, field: str) -> bool | None:
    if raw is None or isinstance(raw, bool):
        return raw
    raise InvalidInput(field, f"{raw!r} is not true or false")


def _startback(raw: object) -> Mapping[str, object] | None:
    if raw is None:
        return None
    if type(raw) is dict:
        return raw.copy()
    if not isinstance(raw, Mapping):
        raise InvalidInput("startback", 'must be an object of item number to answer, e.g. {"1": 0, ...}')
    return dict(raw)


def _override(raw: object, region: Region) -> ProfileOverride | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise InvalidInput("profile_override", 'must be an object {"profile": ..., "reason": ...}')
    profile, reason = raw.get("profile"), raw.get("reason")
    if set(raw) - {"profile", "reason"}:
        raise InvalidInput("profile_override", "only 'profile' and 'reason' are allowed")
    if not isinstance(profile, str) or profile not in PROFILES[region]:
        choices = " | ".join(PROFILES[region])
        raise InvalidInput("profile_override.profile", f"{profile!r} is not one of {choices} for {region}")
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidInput("profile_override.reason", "a reason is required when overriding the profile")
    return ProfileOverride(profile, reason.strip())


# --- the triage -----------------------------------------------------------------------------------------------

_NOT_DECIDED = phrase("triage.not_decided")
_NO_PROFILE_RULE = phrase("triage.no_profile_rule")
_NEEDS_JOINED = phrase("text.list_more")


_NEED_WORDS: Mapping[str, Text] = {
    "startback": phrase("triage.need.startback"),
    "signs": phrase("triage.need.signs"),
    "age": phrase("triage.need.age"),
    "sex": phrase("triage.need.sex"),
    "duration_weeks": phrase("triage.need.duration_weeks"),
    "course": phrase("triage.need.course"),
    "psychosocial_dominant": phrase("triage.need.psychosocial_dominant"),
    "work_absence_weeks": phrase("triage.need.work_absence_weeks"),
    "profile": phrase("triage.need.profile"),
}
"""The words a reader is shown for each missing case field (`needs` keeps the field names for machines)."""


@lru_cache(maxsize=1024)  # the same few items and needs come up again and again; an Undecided is immutable
def _undecided(item: str, needs: tuple[str, ...]) -> Undecided:
    if not needs:
        return Undecided(item, needs, _NO_PROFILE_RULE)
    words = [_NEED_WORDS.get(need) or Text.verbatim(need) for need in needs]
    return Undecided(item, needs, _NOT_DECIDED.format(needs=listing(words, _NEEDS_JOINED, _NEEDS_JOINED)))


_RANK: Mapping[Urgency, int] = {urgency: urgency.rank for urgency in Urgency}
_STRICTNESS: Mapping[ManipulationVerdict, int] = {verdict: verdict.rank for verdict in ManipulationVerdict}


def _urgency_rank(flag: RedFlag) -> int:
    return _RANK[flag.urgency]


def run_triage(
    case: Case,
    rulebook: Rulebook,
    startback_definition: InstrumentDefinition,
    *,
    cleared: frozenset[str] = frozenset(),
    raised_elsewhere: tuple[RedFlag, ...] = (),
) -> TriageResult:
    """Red flags, stratification, recommendations and manipulation verdict for one validated case.

    `cleared`: ids of red-flag rules a doctor has assessed and excluded for this episode (the episode state decides
    which, from the red-flag life cycle); they are reported apart and leave the pathway open. `raised_elsewhere`:
    red flags that are open for this episode from outside the case (a diary answer, a message): they count like the
    case's own, so urgency, profile, recommendations and manipulation agree with the episode."""
    rules = rulebook.for_region(case.region)
    signs = case.signs
    if case.startback is None:
        risk: Risk | None = None
        startback: InstrumentScore | None = None
    else:
        risk, startback = startback_risk(startback_definition, case.startback)
    facts = Facts(
        case.region,
        signs,
        case.age,
        case.sex,
        case.duration_weeks,
        case.course,
        case.psychosocial_dominant,
        case.work_absence_weeks,
        risk,
    )
    undecided: list[Undecided] = []
    if startback is not None and risk is None:
        undecided.append(_undecided("risk", ("startback",)))

    raised: list[RedFlag] = []
    for flag, check in rules.red_flag_index.pick(signs):
        hit = True if check is None else check(facts)
        if hit:
            raised.append(flag)
        elif hit is None:
            undecided.append(_undecided(flag.id, missing_facts(facts, flag.condition.facts)))
    if cleared:
        assessed = tuple(sorted((flag for flag in raised if flag.id in cleared), key=_urgency_rank))
        raised = [flag for flag in raised if flag.id not in cleared]
    else:
        assessed = ()
    if raised_elsewhere:
        raised += [flag for flag in raised_elsewhere if flag.id not in {f.id for f in raised}]
    if len(raised) > 1:
        raised.sort(key=_urgency_rank)
    urgency = raised[0].urgency if raised else Urgency.NONE
    stopped = False
    for flag in raised:
        if flag.stops_pathway:
            stopped = True
            break

    gate = rules.radicular_gate
    if gate is not None and gate.isdisjoint(signs):
        facts.radicular = False  # every radicular rule of the region needs one of these signs
    else:
        facts.radicular, _ = decide_radicular(facts, rules.radicular_rules, rules.radicular_checks)
    if raised:
        facts.red_flags = frozenset(flag.id for flag in raised)
    profile_computed: str | None = None
    profile_rule: str | None = None
    if not stopped:
        decision = decide_region_profile(facts, rules)
        profile_computed = decision.profile
        profile_rule = decision.rule.id if decision.rule else None
        if decision.profile is None and case.profile_override is None:
            undecided.append(_undecided("profile", decision.needs))
        facts.profile = case.profile_override.profile if case.profile_override else profile_computed

    # Only rules that hold count here, so the indexes may also leave out the rules of other profiles.
    index = rules.on_red_flag_index if stopped else rules.pathway_index
    any_raised = bool(raised)
    candidates = index.pick(signs, any_raised, facts.profile)
    recommendations = tuple([rec for rec, check in candidates if check is None or check(facts)])
    possible = rules.manipulation_index.pick(signs, any_raised, facts.profile)
    fired = tuple([rule for rule, check in possible if check is None or check(facts)])
    verdict = ManipulationVerdict.ALLOWED
    for rule in fired:
        if _STRICTNESS[rule.verdict] > _STRICTNESS[verdict]:
            verdict = rule.verdict
    reevaluate: float | None = None  # the earliest re-evaluation any recommendation asks for
    for rec in recommendations:
        weeks = rec.reevaluate_after_weeks
        if weeks is not None and (reevaluate is None or weeks < reevaluate):
            reevaluate = weeks
    return TriageResult(
        case.region,
        urgency,
        tuple(raised),
        risk,
        startback,
        facts.profile,
        profile_computed,
        profile_rule,
        case.profile_override,
        facts.radicular,
        verdict,
        fired,
        recommendations,
        tuple(undecided),
        reevaluate,
        assessed,
    )
