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
from typing import TypeVar

from rugpad.core.bounds import NumberBound
from rugpad.core.conditions import Facts
from rugpad.core.errors import InvalidInput
from rugpad.core.instruments import InstrumentDefinition
from rugpad.core.rules import PROFILES, ManipulationRule, Recommendation, RedFlag, Rulebook
from rugpad.core.scoring import InstrumentScore
from rugpad.core.stratify import decide_profile, decide_radicular, missing_facts, startback_risk
from rugpad.core.text import Text
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


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class Undecided:
    """Something the triage could not decide, and the case fields that would decide it."""

    item: str
    needs: tuple[str, ...]
    reason: Text


@dataclass(frozen=True, slots=True)
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
        en = Lang(lang) is Lang.EN

        def say(text: Text) -> str:
            return text.en if en else text.nl

        return {
            "urgency": str(self.urgency),
            "red_flags": [
                {
                    "id": flag.id,
                    "urgency": str(flag.urgency),
                    "action": say(flag.action),
                    "source": flag.source,
                    "name": say(flag.name),
                    "evidence": str(flag.evidence),
                    "stops_pathway": flag.stops_pathway,
                }
                for flag in self.red_flags
            ],
            "risk": None if self.risk is None else str(self.risk),
            "profile": self.profile,
            "radicular": self.radicular,
            "manipulation": str(self.manipulation),
            "recommendations": [
                {
                    "id": rec.id,
                    "strength": str(rec.strength),
                    "text": say(rec.text),
                    "source": rec.source,
                    "evidence": str(rec.evidence),
                }
                for rec in self.recommendations
            ],
            "region": str(self.region),
            "pathway_stopped": self.pathway_stopped,
            "profile_computed": self.profile_computed,
            "profile_rule": self.profile_rule,
            "profile_override": None
            if self.profile_override is None
            else {"profile": self.profile_override.profile, "reason": self.profile_override.reason},
            "manipulation_rules": [
                {
                    "id": rule.id,
                    "verdict": str(rule.verdict),
                    "reason": say(rule.name),
                    "source": rule.source,
                    "evidence": str(rule.evidence),
                }
                for rule in self.manipulation_rules
            ],
            "startback": None if self.startback is None else self.startback.to_dict(lang),
            "reevaluate_after_weeks": self.reevaluate_after_weeks,
            "undecided": [
                {"item": item.item, "needs": list(item.needs), "reason": say(item.reason)} for item in self.undecided
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
    """Validate every field; an unknown field is an error too (a misspelt 'signs' must not hide a red flag)."""
    for key in payload:
        if key not in _FIELDS:
            raise InvalidInput(str(key), f"unknown field; known: {', '.join(sorted(_FIELDS))}")
    if payload.get("region") is None:
        raise InvalidInput("region", "is required (low_back or neck)")
    region = _choice(Region, payload["region"], "region")
    return Case(
        region=region,
        signs=_signs(payload.get("signs"), rulebook),
        age=_age(payload.get("age")),
        sex=None if payload.get("sex") is None else _choice(Sex, payload["sex"], "sex"),
        duration_weeks=_weeks(payload.get("duration_weeks"), "duration_weeks"),
        course=None if payload.get("course") is None else _choice(Course, payload["course"], "course"),
        startback=_startback(payload.get("startback")),
        psychosocial_dominant=_bool(payload.get("psychosocial_dominant"), "psychosocial_dominant"),
        work_absence_weeks=_weeks(payload.get("work_absence_weeks"), "work_absence_weeks"),
        profile_override=_override(payload.get("profile_override"), region),
    )


_E = TypeVar("_E", Region, Sex, Course)


def _choice(kind: type[_E], raw: object, field: str) -> _E:
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
    for index, sign in enumerate(raw):
        if not isinstance(sign, str) or sign not in rulebook.signs:
            raise InvalidInput(f"signs[{index}]", f"unknown sign {sign!r}")
    return frozenset(raw)


def _age(raw: object) -> int | None:
    if raw is None:
        return None
    return int(_AGE.check("age", raw))


def _weeks(raw: object, field: str) -> float | None:
    if raw is None:
        return None
    return float(_WEEKS.check(field, raw))


def _bool(raw: object, field: str) -> bool | None:
    if raw is None or isinstance(raw, bool):
        return raw
    raise InvalidInput(field, f"{raw!r} is not true or false")


def _startback(raw: object) -> Mapping[str, object] | None:
    if raw is None:
        return None
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

_NOT_DECIDED = Text("Kon niet worden beoordeeld; vul aan:", "Could not be decided; please supply:")
_NO_PROFILE_RULE = Text(
    "Geen profielregel past bij dit beloop (bijv. niet verbeterend binnen 6 weken); de clinicus kiest het profiel.",
    "No profile rule fits this course (e.g. not improving within 6 weeks); the clinician chooses the profile.",
)


def _undecided(item: str, needs: tuple[str, ...]) -> Undecided:
    if not needs:
        return Undecided(item, needs, _NO_PROFILE_RULE)
    shown = ", ".join(needs)
    return Undecided(item, needs, Text(f"{_NOT_DECIDED.nl} {shown}", f"{_NOT_DECIDED.en} {shown}"))


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
    risk, startback = startback_risk(startback_definition, case.startback)
    facts = Facts(
        region=case.region,
        signs=case.signs,
        age=case.age,
        sex=case.sex,
        duration_weeks=case.duration_weeks,
        course=case.course,
        psychosocial_dominant=case.psychosocial_dominant,
        work_absence_weeks=case.work_absence_weeks,
        risk=risk,
    )
    undecided: list[Undecided] = []
    if startback is not None and risk is None:
        undecided.append(_undecided("risk", ("startback",)))

    raised: list[RedFlag] = []
    for flag in rules.red_flags:
        hit = flag.condition.evaluate(facts)
        if hit:
            raised.append(flag)
        elif hit is None:
            undecided.append(_undecided(flag.id, missing_facts(facts, flag.condition.facts)))
    raised.sort(key=lambda flag: flag.urgency.rank)
    assessed = tuple(flag for flag in raised if flag.id in cleared)
    raised = [flag for flag in raised if flag.id not in cleared]
    raised += [flag for flag in raised_elsewhere if flag.id not in {f.id for f in raised}]
    raised.sort(key=lambda flag: flag.urgency.rank)
    urgency = raised[0].urgency if raised else Urgency.NONE
    stopped = any(flag.stops_pathway for flag in raised)

    facts.radicular, _ = decide_radicular(facts, rules.radicular_rules)
    facts.red_flags = frozenset(flag.id for flag in raised)
    profile_computed: str | None = None
    profile_rule: str | None = None
    if not stopped:
        decision = decide_profile(facts, rules.profile_rules)
        profile_computed = decision.profile
        profile_rule = decision.rule.id if decision.rule else None
        if decision.profile is None and case.profile_override is None:
            undecided.append(_undecided("profile", decision.needs))
        facts.profile = case.profile_override.profile if case.profile_override else profile_computed

    candidates = rules.on_red_flag if stopped else rules.pathway
    recommendations = tuple(rec for rec in candidates if rec.condition.evaluate(facts))
    fired = tuple(rule for rule in rules.manipulation_rules if rule.condition.evaluate(facts))
    verdict = max((rule.verdict for rule in fired), key=lambda v: v.rank, default=ManipulationVerdict.ALLOWED)
    weeks = [rec.reevaluate_after_weeks for rec in recommendations if rec.reevaluate_after_weeks is not None]
    return TriageResult(
        region=case.region,
        urgency=urgency,
        red_flags=tuple(raised),
        risk=risk,
        startback=startback,
        profile=facts.profile,
        profile_computed=profile_computed,
        profile_rule=profile_rule,
        profile_override=case.profile_override,
        radicular=facts.radicular,
        manipulation=verdict,
        manipulation_rules=fired,
        recommendations=recommendations,
        undecided=tuple(undecided),
        reevaluate_after_weeks=min(weeks, default=None),
        cleared=assessed,
    )
