"""The shapes of the treatment-plan rules: causes, hands-on techniques, plan rules and practice settings.

The rules themselves are content (``content/data/plans/*.yaml``, loaded by `rugpad.content.plans`); this module
only types them and holds the one pure rule every caller shares: how suitable a technique is for a patient
(`technique_suitability`), so the plan generator and the clinician's editor can never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from rugpad.core.errors import InvalidInput
from rugpad.core.exercises import Purpose, Suitability
from rugpad.core.rules import PROFILES
from rugpad.core.text import Text, phrase
from rugpad.core.vocab import Evidence, ManipulationVerdict, Region

__all__ = [
    "FIXED_RULE_IDS",
    "PRACTICE_SETTING",
    "SUITABILITY_ORDER",
    "UNDECIDED",
    "Cause",
    "FixedRule",
    "PlanRule",
    "PlanRulebook",
    "PlanSettings",
    "Technique",
    "TechniqueKind",
    "profile_key",
    "strictest",
    "technique_suitability",
]

UNDECIDED = "undecided"
"""Profile key for a plan without a decided profile (the triage could not decide one and no red flag is open)."""

PRACTICE_SETTING = "practice-setting"
"""Source id of every number the practice chooses itself; shown as unverified, never as guideline fact."""

SUITABILITY_ORDER: tuple[Suitability, ...] = ("allowed", "caution", "contraindicated")
"""Least to most strict; the strictest finding wins."""


class Cause(StrEnum):
    """The clinician's judgement of what drives the complaint; decides which hands-on techniques fit."""

    POSTURE = "posture"
    FACET = "facet"
    DISC = "disc"
    RADICULAR = "radicular"
    ARTHROSIS = "arthrosis"
    MYOFASCIAL = "myofascial"
    COMPLEX_OR_NOT_RESPONDING = "complex_or_not_responding"


class TechniqueKind(StrEnum):
    """hands_on: mobilisation, soft tissue, neural gliding by the therapist; manipulation: a thrust technique
    (only with an `allowed` manipulation verdict); referral: care by someone else."""

    HANDS_ON = "hands_on"
    MANIPULATION = "manipulation"
    REFERRAL = "referral"


def strictest(*levels: Suitability) -> Suitability:
    return max(levels, key=SUITABILITY_ORDER.index, default="allowed")


@dataclass(frozen=True, slots=True)
class Technique:
    """A treatment the therapist gives (or a referral), with when it must not be given or needs a second look."""

    id: str
    name: Text
    kind: TechniqueKind
    on_verdict: Mapping[ManipulationVerdict, Suitability]
    """How suitable the technique is under each manipulation verdict of the triage."""
    verdict_text: Text | None
    """Why the verdict limits the technique; shown with a caution or a refusal."""
    cautions: frozenset[str]
    contraindications: frozenset[str]
    caution_text: Text | None
    """Why the condition tags limit the technique."""
    source_id: str
    evidence: Evidence


def technique_suitability(
    technique: Technique, verdict: ManipulationVerdict, tags: frozenset[str]
) -> tuple[Suitability, tuple[Text, ...]]:
    """The strictest of what the manipulation verdict and the condition tags say, with the reasons that limit it."""
    by_verdict = technique.on_verdict[verdict]
    by_tags: Suitability = (
        "contraindicated"
        if tags & technique.contraindications
        else "caution"
        if tags & technique.cautions
        else "allowed"
    )
    reasons = tuple(
        text
        for level, text in ((by_verdict, technique.verdict_text), (by_tags, technique.caution_text))
        if level != "allowed" and text is not None
    )
    return strictest(by_verdict, by_tags), reasons


@dataclass(frozen=True, slots=True)
class PlanRule:
    """When it applies (every filter given must hold), what it adds to the plan, and why.

    A *base* rule (one with an `approach`) sets the programme for a region and profile; exactly one applies to each.
    Other rules add techniques and exercise purposes for radicular pain or a judged cause.
    """

    id: str
    regions: frozenset[Region]
    """Empty: any region."""
    profiles: frozenset[str]
    """Profile codes and/or `UNDECIDED`; empty: any profile."""
    radicular: bool | None
    cause: Cause | None
    techniques: tuple[str, ...]
    purposes: tuple[Purpose, ...]
    """Exercise purposes for the home programme, in order of preference."""
    prefer: tuple[str, ...]
    """Exercise ids chosen first when several fit a purpose equally well."""
    approach: Text | None
    reason: Text
    source_id: str
    evidence: Evidence

    @property
    def is_base(self) -> bool:
        return self.approach is not None

    def applies(self, region: Region, profile: str | None, radicular: bool, causes: frozenset[Cause]) -> bool:
        return (
            (not self.regions or region in self.regions)
            and (not self.profiles or profile_key(profile) in self.profiles)
            and (self.radicular is None or self.radicular is radicular)
            and (self.cause is None or self.cause in causes)
        )


@dataclass(frozen=True, slots=True)
class FixedRule:
    """A rule every plan follows (exercise always, education always, goals, sessions); `text` may hold a template."""

    id: str
    reason: Text
    source_id: str
    evidence: Evidence
    template: Text | None = None


def profile_key(profile: str | None) -> str:
    return UNDECIDED if profile is None else profile


def _profile_keys() -> frozenset[str]:
    return frozenset({UNDECIDED}.union(*PROFILES.values()))


@dataclass(frozen=True, slots=True)
class PlanSettings:
    """Practice settings: not guideline facts. The defaults come from ``plans/settings.yaml``; an administrator
    may change them. Per-profile values are keyed by profile code, plus `UNDECIDED`."""

    sessions_per_week: Mapping[str, int]
    treatment_weeks: Mapping[str, int]
    max_home_exercises: Mapping[str, int]
    session_minutes: int
    psk_goal_points: int
    """How many points less difficulty (PSK, 0-10) a goal aims at."""
    source_id: str = PRACTICE_SETTING
    evidence: Evidence = Evidence.UNVERIFIED
    reason: Text = field(default=phrase("plan.practice_setting"))

    def __post_init__(self) -> None:
        for name, low, high in (
            ("sessions_per_week", 1, 7),
            ("treatment_weeks", 1, 52),
            ("max_home_exercises", 1, 12),
        ):
            values: Mapping[str, int] = getattr(self, name)
            if missing := sorted(_profile_keys() - set(values)):
                raise InvalidInput(f"settings: {name}", f"no value for profile(s) {', '.join(missing)}")
            if unknown := sorted(set(values) - _profile_keys()):
                raise InvalidInput(f"settings: {name}", f"unknown profile(s) {', '.join(unknown)}")
            for key, value in values.items():
                _check_int(f"settings: {name}: {key}", value, low, high)
        _check_int("settings: session_minutes", self.session_minutes, 5, 180)
        _check_int("settings: psk_goal_points", self.psk_goal_points, 1, 10)


def _check_int(where: str, value: object, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(where, f"{value!r} is not a whole number")
    if not low <= value <= high:
        raise InvalidInput(where, f"{value} is out of range {low}..{high}")


@dataclass(frozen=True, slots=True)
class PlanRulebook:
    """Everything ``plans/*.yaml`` says: causes' labels, techniques, rules in priority order, fixed rules and
    the default settings."""

    causes: Mapping[Cause, Text]
    techniques: Mapping[str, Technique]
    rules: tuple[PlanRule, ...]
    fixed: Mapping[str, FixedRule]
    settings: PlanSettings


FIXED_RULE_IDS = (
    "plan.package",
    "plan.education",
    "plan.goal.psk",
    "plan.goal.psk-no-baseline",
    "plan.goal.patient",
    "plan.sessions",
    "plan.dose",
)
"""The fixed rules the data file must define; the generator uses each of them."""
