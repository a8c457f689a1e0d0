"""Evaluation: is a change on a questionnaire clinically important, and what does it mean for the treatment?

The numbers (MCIDs) and the decision rules are content (``content/data/evaluation/mcid.yaml`` and
``decisions.yaml``); this module holds their shapes and the pure logic, so each threshold exists once::

    baseline, follow-up  --change()-->  Change      (points, percent, direction, clinically important?)
    Change               --importance()-> Importance (improved / worsened importantly, not important, unknown)
    changes              --responder()-> Response   (pain improved? function improved? outcome)
    first and latest score per instrument  --judge_changes()-->  ChangeVerdicts (both of the above, for counting)
    outcome + region, profile, radicular, weeks  --decide()-->  Decision (first matching rule wins)

A decision rule applies from `min_weeks` onwards: a rule tied to a guideline moment ("after 3-4 weeks") uses the
earliest week the guideline names, so that insufficient progress is acted on as soon as the guideline allows. The
guidelines count those weeks from the onset of the complaint, so the caller passes weeks since the onset (or since
the start of treatment when the onset is unknown).

"Not measured" is never read as "not improved": when pain or function has no judgeable follow-up the outcome is
`incomplete` (or `unknown` when neither has), and the rules ask for the missing measurements first.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from rugpad.core.errors import InvalidInput
from rugpad.core.text import Text, listing, number, phrase
from rugpad.core.vocab import Evidence, Region

__all__ = [
    "MISSING_PLACEHOLDER",
    "PROFILES",
    "Change",
    "ChangeRule",
    "ChangeVerdicts",
    "Decision",
    "DecisionAction",
    "DecisionRule",
    "Direction",
    "Domain",
    "GlobalEffect",
    "GlobalRatingRule",
    "Importance",
    "Outcome",
    "Response",
    "change",
    "decide",
    "global_effect",
    "importance",
    "judge_changes",
    "matching_rule",
    "normalise_case",
    "responder",
]

PROFILES: dict[Region, frozenset[str]] = {
    Region.LOW_BACK: frozenset({"1", "2", "3"}),
    Region.NECK: frozenset({"A", "B", "C", "D"}),
}
"""Treatment profiles as triage reports them (CLI contract): KNGF low back 1-3, KNGF neck A-D."""

MISSING_PLACEHOLDER = "{missing}"
"""In a decision reason: replaced by the measurements still to take, in the reader's language."""

_NECK_RADICULAR_PROFILE = "D"
"""KNGF neck profile D is grade III, the cervical radicular syndrome: it always counts as radicular."""


class Direction(StrEnum):
    IMPROVED = "improved"
    UNCHANGED = "unchanged"
    WORSENED = "worsened"
    UNKNOWN = "unknown"
    """A value is missing."""


class Domain(StrEnum):
    """What an instrument measures; the responder rule needs pain and function separately."""

    PAIN = "pain"
    DISABILITY = "disability"
    """A standard function questionnaire (ODI, RMDQ, QBPDS, NDI)."""
    ACTIVITIES = "activities"
    """Activities the patient chose (PSK, PSFS); counts as function."""


class Outcome(StrEnum):
    """The overall result of a re-evaluation, which the decision rules match on."""

    RED_FLAG = "red_flag"
    """A new red flag; overrides every measurement."""
    WORSENED = "worsened"
    """At least one clinically important worsening."""
    IMPROVED = "improved"
    """Clinically important improvement on both pain and function."""
    PARTIAL = "partial"
    """Clinically important improvement on one of pain and function; the other was judged and did not improve."""
    NOT_IMPROVED = "not_improved"
    """Pain and function were both judged; neither improved importantly."""
    INCOMPLETE = "incomplete"
    """One of pain and function was judged, the other has no judgeable follow-up: not measured is not "not improved"."""
    UNKNOWN = "unknown"
    """Neither pain nor function could be judged: values or MCIDs are missing."""


class DecisionAction(StrEnum):
    CONTINUE = "continue"
    PROGRESS = "progress"
    """Build up towards the previous level of activity and towards discharge."""
    REEVALUATE_RISK_FACTORS = "reevaluate_risk_factors"
    """Ask again about factors for a chronic course (yellow flags)."""
    REFER = "refer"
    """Contact or refer back to the GP (or referrer)."""
    STOP = "stop"
    """Stop the treatment and discuss that with the patient (and the GP)."""
    MEASURE = "measure"
    """Measure first: the decision needs follow-up values that are missing."""


@dataclass(frozen=True, slots=True)
class ChangeRule:
    """An instrument's range, direction and MCID, as loaded from ``mcid.yaml``."""

    instrument: str
    name: Text
    domain: Domain
    minimum: float
    maximum: float
    higher_is_worse: bool
    mcid_points: float | None
    """Absolute change that is clinically important; None when no MCID is known."""
    mcid_percent: float | None
    """Change as a percentage of the baseline that is also important (either rule suffices); None if not given."""
    source_id: str
    evidence: Evidence
    worsening_source_id: str
    worsening_evidence: Evidence
    """Sources give MCIDs for improvement; applying them to a worsening is rugpad's own, flagged choice."""
    note: Text | None = None


@dataclass(frozen=True, slots=True)
class Change:
    """The change from baseline to follow-up on one instrument."""

    instrument: str
    domain: Domain
    baseline: float | None
    follow_up: float | None
    points: float | None
    """Follow-up minus baseline, in the instrument's points; None when a value is missing."""
    percent: float | None
    """`points` as a percentage of the baseline (1 decimal); None when a value is missing or the baseline is 0."""
    direction: Direction
    clinically_important: bool | None
    """None when a value is missing or no MCID is known; `reason` says which."""
    reason: Text
    source_id: str
    evidence: Evidence


class Importance(StrEnum):
    """Whether a change is clinically important, and which way: what a group's share of important change counts."""

    IMPROVED = "improved"
    WORSENED = "worsened"
    NOT_IMPORTANT = "not_important"
    """Judged: no change, or a change smaller than the MCID."""
    UNKNOWN = "unknown"
    """Not judged: a value or the MCID is missing."""


@dataclass(frozen=True, slots=True)
class ChangeVerdicts:
    """An episode's changes as a group report counts them: the importance per instrument and the responder."""

    importance: Mapping[str, Importance]
    """Per instrument code; only the instruments that were given a pair of values."""
    responder: bool | None
    """`Response.responder`: True, False, or None when it cannot be judged yet."""


@dataclass(frozen=True, slots=True)
class GlobalRatingRule:
    """The Global Perceived Effect scale and which answers count as success."""

    instrument: str
    name: Text
    minimum: int
    maximum: int
    success: frozenset[int]
    source_id: str
    evidence: Evidence
    note: Text | None = None


@dataclass(frozen=True, slots=True)
class GlobalEffect:
    value: int
    success: bool
    source_id: str
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class Response:
    """Whether the patient responded: important improvement on pain and on function."""

    pain_improved: bool | None
    """True: an important improvement on a pain measure; None: nothing on pain could be judged."""
    function_improved: bool | None
    """The same over the disability and patient-chosen activity measures."""
    worsened: tuple[str, ...]
    """Instruments with a clinically important worsening."""
    outcome: Outcome

    @property
    def responder(self) -> bool | None:
        """True for important improvement on both; None when that cannot be judged yet."""
        if self.pain_improved is False or self.function_improved is False or self.worsened:
            return False
        if self.pain_improved and self.function_improved:
            return True
        return None


@dataclass(frozen=True, slots=True)
class DecisionRule:
    """One rule of ``decisions.yaml``; empty `regions`/`profiles` and `radicular` None mean "any"."""

    id: str
    action: DecisionAction
    outcomes: frozenset[Outcome]
    reason: Text
    source_id: str
    evidence: Evidence
    regions: frozenset[Region] = frozenset()
    radicular: bool | None = None
    profiles: frozenset[str] = frozenset()
    min_weeks: float = 0
    """Weeks since the onset of the complaint from which the rule applies."""

    def applies(self, region: Region, profile: str | None, radicular: bool, weeks: float, outcome: Outcome) -> bool:
        return (
            outcome in self.outcomes
            and weeks >= self.min_weeks
            and (not self.regions or region in self.regions)
            and (self.radicular is None or self.radicular is radicular)
            and (not self.profiles or profile in self.profiles)
        )


@dataclass(frozen=True, slots=True)
class Decision:
    action: DecisionAction
    rule_id: str
    outcome: Outcome
    reason: Text
    source_id: str
    evidence: Evidence
    response: Response
    missing: tuple[str, ...] = ()
    """Instrument codes still to measure when pain or function could not be judged (the reason names them, or the
    domain when no instrument for it is known)."""


def change(rule: ChangeRule, baseline: float | None, follow_up: float | None) -> Change:
    """The change on one instrument; raises InvalidInput for a value outside the instrument's range."""
    base = _checked(rule, "baseline", baseline)
    follow = _checked(rule, "follow-up", follow_up)
    if base is None or follow is None:
        reason = phrase("evaluation.no_baseline") if base is None else phrase("evaluation.no_follow_up")
        return Change(rule.instrument, rule.domain, base, follow, points=None, percent=None,
                      direction=Direction.UNKNOWN, clinically_important=None, reason=reason,
                      source_id=rule.source_id, evidence=rule.evidence)  # fmt: skip
    points = follow - base
    percent = None if base == 0 else round(points / base * 100, 1)
    if points == 0:
        direction = Direction.UNCHANGED
    else:
        direction = Direction.WORSENED if (points > 0) is rule.higher_is_worse else Direction.IMPROVED
    important: bool | None = None
    if rule.mcid_points is not None:
        important = direction is not Direction.UNCHANGED and (
            abs(points) >= rule.mcid_points
            # Compared without dividing, so that exactly 30 % is not lost to floating-point rounding.
            or (rule.mcid_percent is not None and base != 0 and abs(points) * 100 >= rule.mcid_percent * abs(base))
        )
    worse = direction is Direction.WORSENED
    return Change(rule.instrument, rule.domain, base, follow, points=points, percent=percent, direction=direction,
                  clinically_important=important, reason=_change_reason(rule, points, percent, direction, important),
                  source_id=rule.worsening_source_id if worse else rule.source_id,
                  evidence=rule.worsening_evidence if worse else rule.evidence)  # fmt: skip


def importance(found: Change) -> Importance:
    """Is this change clinically important, and which way: the one reading of `change()` that counts are made of."""
    if found.clinically_important is None:
        return Importance.UNKNOWN
    if not found.clinically_important:
        return Importance.NOT_IMPORTANT
    return Importance.WORSENED if found.direction is Direction.WORSENED else Importance.IMPROVED


def judge_changes(rules: Mapping[str, ChangeRule], pairs: Mapping[str, tuple[float, float]]) -> ChangeVerdicts:
    """The importance of each instrument's change from its first to its latest value, and the responder over them
    all. An instrument without a rule is left out; a value outside its range raises InvalidInput (as `change()`)."""
    changes = [change(rules[code], first, latest) for code, (first, latest) in pairs.items() if code in rules]
    return ChangeVerdicts({c.instrument: importance(c) for c in changes}, responder(changes).responder)


def global_effect(rule: GlobalRatingRule, value: int) -> GlobalEffect:
    """Whether a Global Perceived Effect answer counts as success."""
    if isinstance(value, bool) or not isinstance(value, int) or not rule.minimum <= value <= rule.maximum:
        raise InvalidInput(rule.instrument, f"{value!r} is out of range {rule.minimum}..{rule.maximum}")
    return GlobalEffect(value, value in rule.success, rule.source_id, rule.evidence)


def responder(changes: Iterable[Change]) -> Response:
    """Summarise changes per domain: pain, and function (disability and patient-chosen activities together)."""
    changes = tuple(changes)
    pain = _domain_improved(c for c in changes if c.domain is Domain.PAIN)
    function = _domain_improved(c for c in changes if c.domain is not Domain.PAIN)
    worsened = tuple(c.instrument for c in changes if c.clinically_important and c.direction is Direction.WORSENED)
    if worsened:
        outcome = Outcome.WORSENED
    elif pain is None and function is None:
        outcome = Outcome.UNKNOWN
    elif pain is None or function is None:
        outcome = Outcome.INCOMPLETE
    elif pain and function:
        outcome = Outcome.IMPROVED
    elif pain or function:
        outcome = Outcome.PARTIAL
    else:
        outcome = Outcome.NOT_IMPROVED
    return Response(pain, function, worsened, outcome)


def decide(
    rules: Sequence[DecisionRule],
    region: Region | str,
    profile: str | None,
    radicular: bool,
    weeks_since_onset: float,
    changes: Iterable[Change],
    red_flag_now: bool,
    *,
    required: Iterable[ChangeRule] = (),
) -> Decision:
    """What to do now: the first rule (in file order) that matches the case and its outcome.

    `weeks_since_onset` counts from the onset of the complaint, as the guidelines do (from the start of treatment
    when the onset is unknown). `required` are the instruments the measurement schedule asks for; when pain or
    function could not be judged they name what to measure, also when it was never measured at all.
    """
    region, profile, radicular = normalise_case(region, profile, radicular)
    if (
        isinstance(weeks_since_onset, bool)
        or not isinstance(weeks_since_onset, int | float)
        or not math.isfinite(weeks_since_onset)
        or weeks_since_onset < 0
    ):
        raise InvalidInput("weeks_since_onset", f"{weeks_since_onset!r} must be a number of 0 or more")
    changes = tuple(changes)
    response = responder(changes)
    outcome = Outcome.RED_FLAG if red_flag_now else response.outcome
    rule = matching_rule(rules, region, profile, radicular, weeks_since_onset, outcome)
    missing, words = _missing(response, changes, tuple(required))
    # Every language the rule's reason has; `words` names instrument codes and catalogue phrases, in every language.
    reason = Text.build(
        lambda lang: rule.reason.get(lang).replace(MISSING_PLACEHOLDER, words.get(lang)), over=(rule.reason,)
    )
    return Decision(rule.action, rule.id, outcome, reason, rule.source_id, rule.evidence, response, missing)


def matching_rule(
    rules: Sequence[DecisionRule], region: Region, profile: str | None, radicular: bool, weeks: float, outcome: Outcome
) -> DecisionRule:
    """The first rule that applies; the loader guarantees one always does."""
    for rule in rules:
        if rule.applies(region, profile, radicular, weeks, outcome):
            return rule
    raise LookupError(f"no decision rule for {region}, profile {profile}, radicular {radicular}, {outcome}")


def normalise_case(region: Region | str, profile: str | None, radicular: bool) -> tuple[Region, str | None, bool]:
    """Validated region and profile; neck profile D makes the case radicular."""
    try:
        region = Region(region)
    except ValueError:
        raise InvalidInput("region", f"{region!r} is not one of low_back, neck") from None
    if profile is not None:
        profile = str(profile).upper()
        if profile not in PROFILES[region]:
            known = ", ".join(sorted(PROFILES[region]))
            raise InvalidInput("profile", f"{profile!r} is not a {region} profile ({known})")
    radicular = bool(radicular) or (region is Region.NECK and profile == _NECK_RADICULAR_PROFILE)
    return region, profile, radicular


def _checked(rule: ChangeRule, which: str, value: float | None) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidInput(f"{rule.instrument}: {which}", f"{value!r} is not a number")
    if not rule.minimum <= value <= rule.maximum:
        raise InvalidInput(
            f"{rule.instrument}: {which}", f"{value:g} is out of range {rule.minimum:g}..{rule.maximum:g}"
        )
    return float(value)


def _missing(
    response: Response, changes: Sequence[Change], required: Sequence[ChangeRule]
) -> tuple[tuple[str, ...], Text]:
    """The instruments to measure for the domains (pain; function) that could not be judged, and their names.

    Named are: instruments of such a domain that lack a value, and required instruments of a kind (disability,
    activities, pain) not measured at all. A domain with nothing to name is named in words.
    """
    codes: list[str] = []
    unnamed: list[Text] = []
    for is_pain, judged in ((True, response.pain_improved), (False, response.function_improved)):
        if judged is not None:
            continue
        mine = [c for c in changes if (c.domain is Domain.PAIN) is is_pain]
        measured = {c.domain for c in mine}
        named = [c.instrument for c in mine if c.direction is Direction.UNKNOWN]
        named += [r.instrument for r in required if (r.domain is Domain.PAIN) is is_pain and r.domain not in measured]
        named = list(dict.fromkeys(named))
        codes += named
        if not named:
            unnamed.append(_PAIN_WORDS if is_pain else _FUNCTION_WORDS)
    return tuple(codes), listing([Text.verbatim(code.upper()) for code in codes] + unnamed)  # "A, B and C"


_PAIN_WORDS = phrase("evaluation.missing.pain")
_FUNCTION_WORDS = phrase("evaluation.missing.function")


def _domain_improved(changes: Iterable[Change]) -> bool | None:
    judged = [c for c in changes if c.clinically_important is not None]
    if any(c.clinically_important and c.direction is Direction.IMPROVED for c in judged):
        return True
    return False if judged else None


def _change_reason(
    rule: ChangeRule, points: float, percent: float | None, direction: Direction, important: bool | None
) -> Text:
    if important is None:
        return phrase("evaluation.no_threshold")
    if direction is Direction.UNCHANGED:
        return phrase("evaluation.unchanged")
    if rule.mcid_percent is None:
        threshold = phrase("evaluation.threshold").format(points=number(rule.mcid_points or 0))
    else:
        threshold = phrase("evaluation.threshold_with_percent").format(
            points=number(rule.mcid_points or 0), percent=number(rule.mcid_percent)
        )
    direction_words = (
        phrase("evaluation.improvement") if direction is Direction.IMPROVED else phrase("evaluation.worsening")
    )
    verdict = phrase("evaluation.important") if important else phrase("evaluation.not_important")
    if percent is None:
        return phrase("evaluation.change").format(
            direction=direction_words, points=number(abs(points)), verdict=verdict, threshold=threshold
        )
    return phrase("evaluation.change_with_percent").format(
        direction=direction_words,
        points=number(abs(points)),
        percent=number(abs(percent)),
        verdict=verdict,
        threshold=threshold,
    )
