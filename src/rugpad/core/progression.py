"""Exercise progression: go up, stay, or go down a step, from how the pain behaved and what the patient managed.

The settings (pain limit, steps, caps) and the rule texts are content (``content/data/evaluation/progression.yaml``);
this module holds the pure rules. The checks run in a fixed order and the first that fires decides::

    radicular high reactivity, any pain increase          -> (regress)   KNGF 2021
    radicular moderate reactivity, increase > 1 day-part  -> (regress)   KNGF 2021
    pain during exercise above the limit                  -> (regress)   practice setting
    pain not settled by the next morning                  -> (regress)   practice setting
    pain higher than last week                            -> (regress)   practice setting
    radicular moderate reactivity, short increase         -> (keep)      KNGF 2021 (acceptable; rugpad: no step up)
    otherwise                                             -> step up: hold/reps/minutes (`advise`) or load (ACSM,
                                                             `next_load`)

The action of each rule is data too; the loader refuses a pain rule whose action is "progress", so the load and the
dose never go up while a pain signal fires.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from enum import StrEnum

from rugpad.core.errors import InvalidInput
from rugpad.core.exercises import Dose, DoseKind, Exercise
from rugpad.core.text import Text
from rugpad.core.vocab import Evidence

__all__ = [
    "PAIN_RULES",
    "RULE_IDS",
    "ExerciseReport",
    "ProgressionAction",
    "ProgressionAdvice",
    "ProgressionModel",
    "ProgressionRule",
    "ProgressionSettings",
    "Reactivity",
    "SettingSource",
    "advise",
    "ladder_offer",
    "next_load",
]


class ProgressionAction(StrEnum):
    PROGRESS = "progress"
    KEEP = "keep"
    REGRESS = "regress"


class Reactivity(StrEnum):
    """KNGF 2021 reactivity of radicular pain: how strongly the pain reacts to load."""

    HIGH = "high"
    MODERATE = "moderate"


HIGH_REACTIVITY = "prog-radicular-high-reactivity"
MODERATE_TOO_LONG = "prog-radicular-moderate-too-long"
PAIN_ABOVE_LIMIT = "prog-pain-above-limit"
NOT_SETTLED = "prog-not-settled-next-morning"
RISING_WEEK = "prog-pain-rising-week-on-week"
MODERATE_SHORT = "prog-radicular-moderate-short-increase"
DOSE_AT_CAP = "prog-dose-at-cap"
DOSE_STEP_UP = "prog-dose-step-up"
LOAD_UP = "prog-acsm-load-up"
LOAD_NOT_YET = "prog-acsm-not-yet"

PAIN_RULES = (HIGH_REACTIVITY, MODERATE_TOO_LONG, PAIN_ABOVE_LIMIT, NOT_SETTLED, RISING_WEEK, MODERATE_SHORT)
"""Rules fired by a pain signal, in the order they are checked; none of them may step up."""
RULE_IDS = (*PAIN_RULES, DOSE_AT_CAP, DOSE_STEP_UP, LOAD_UP, LOAD_NOT_YET)
"""Every rule the data file must describe."""


@dataclass(frozen=True, slots=True)
class SettingSource:
    source_id: str
    evidence: Evidence


PRACTICE_OVERRIDE = SettingSource("practice-setting", Evidence.UNVERIFIED)
"""The provenance of a value a practice set itself."""


@dataclass(frozen=True, slots=True)
class ProgressionSettings:
    """Thresholds and steps, loaded with their defaults from the data file; override with `with_overrides`."""

    max_exercise_pain: int
    """Highest acceptable pain (NRS 0-10) during the exercise."""
    moderate_max_day_parts: int
    """Moderate reactivity: longest acceptable pain increase, in day-parts (dagdelen)."""
    reps_above_target: int
    """Repetitions above the target at the current load that earn a heavier load (ACSM: 1-2)."""
    load_step_percent: float
    """Load change per step, as a percentage of the current load (ACSM: 2-10 % up)."""
    load_increment_kg: float
    """Smallest usable load step (a plate or a dumbbell step); loads are rounded to it."""
    hold_step_seconds: int
    hold_min_seconds: int
    hold_max_seconds: int
    reps_step: int
    reps_min: int
    reps_max: int
    minutes_step: int
    minutes_min: int
    minutes_max: int
    sources: Mapping[str, SettingSource]
    """Where each value comes from, by field name."""

    def __post_init__(self) -> None:
        if not 0 <= self.max_exercise_pain <= 10:
            raise InvalidInput("settings: max_exercise_pain", f"{self.max_exercise_pain} is out of range 0..10")
        for name in _NUMBERS:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
                raise InvalidInput(f"settings: {name}", f"{value!r} is not a number of 0 or more")
        for low, high in (
            ("hold_min_seconds", "hold_max_seconds"),
            ("reps_min", "reps_max"),
            ("minutes_min", "minutes_max"),
        ):
            if not 1 <= getattr(self, low) <= getattr(self, high):
                raise InvalidInput(f"settings: {low}", f"must be at least 1 and at most {high}")
        if self.load_increment_kg <= 0:
            raise InvalidInput("settings: load_increment_kg", "must be more than 0")
        if missing := sorted(set(_NUMBERS) - set(self.sources)):
            raise InvalidInput("settings: sources", f"no source for {', '.join(missing)}")

    def with_overrides(self, **values: float) -> ProgressionSettings:
        """A copy with the practice's own values, each marked as a practice setting."""
        if unknown := sorted(set(values) - set(_NUMBERS)):
            raise InvalidInput("settings", f"unknown setting(s) {', '.join(unknown)}")
        return replace(self, **values, sources={**self.sources, **dict.fromkeys(values, PRACTICE_OVERRIDE)})  # type: ignore[arg-type]

    def values(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in _NUMBERS}


_NUMBERS = tuple(f.name for f in fields(ProgressionSettings) if f.name != "sources")


@dataclass(frozen=True, slots=True)
class ProgressionRule:
    """The action, explanation and source of one rule; `reason` may name settings, e.g. ``{max_exercise_pain}``."""

    id: str
    action: ProgressionAction
    reason: Text
    source_id: str
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class ProgressionModel:
    """Settings plus rule descriptions: everything `advise` and `next_load` need."""

    settings: ProgressionSettings
    rules: Mapping[str, ProgressionRule]

    def __post_init__(self) -> None:
        if missing := sorted(set(RULE_IDS) - set(self.rules)):
            raise InvalidInput("progression rules", f"missing {', '.join(missing)}")
        if stepping := [r for r in PAIN_RULES if self.rules[r].action is ProgressionAction.PROGRESS]:
            raise InvalidInput("progression rules", f"a pain rule may not progress: {', '.join(stepping)}")

    def with_settings(self, **values: float) -> ProgressionModel:
        return replace(self, settings=self.settings.with_overrides(**values))


@dataclass(frozen=True, slots=True)
class ExerciseReport:
    """What the patient reports about an exercise since the last advice."""

    pain_during: int
    """Highest pain during the exercise, NRS 0-10."""
    settled_by_next_morning: bool
    """Any pain the exercise provoked was back to its usual level the next morning."""
    pain_higher_than_last_week: bool = False
    """The usual pain level is higher than a week ago."""
    increase_day_parts: int = 0
    """How many day-parts (morning, afternoon, evening, night) a pain increase after the exercise lasted; 0 = none."""
    reactivity: Reactivity | None = None
    """For radicular pain only: the therapist's judgement of its reactivity."""

    def __post_init__(self) -> None:
        if (
            isinstance(self.pain_during, bool)
            or not isinstance(self.pain_during, int)
            or not 0 <= self.pain_during <= 10
        ):
            raise InvalidInput("pain_during", f"{self.pain_during!r} is out of range 0..10")
        if (
            isinstance(self.increase_day_parts, bool)
            or not isinstance(self.increase_day_parts, int)
            or (self.increase_day_parts < 0)
        ):
            raise InvalidInput("increase_day_parts", f"{self.increase_day_parts!r} is not a whole number of 0 or more")


@dataclass(frozen=True, slots=True)
class ProgressionAdvice:
    action: ProgressionAction
    rule_id: str
    reason: Text
    source_id: str
    evidence: Evidence
    dose: Dose | None = None
    """The new dose (from `advise`)."""
    load_kg: float | None = None
    """The new load (from `next_load`)."""


def advise(model: ProgressionModel, dose: Dose, report: ExerciseReport) -> ProgressionAdvice:
    """The next dose of an exercise counted in seconds held, repetitions or minutes."""
    rule = _pain_rule(model.settings, report)
    if rule is None:
        stepped = _step(model.settings, dose, up=True)
        rule = DOSE_AT_CAP if stepped == dose else DOSE_STEP_UP
    action = model.rules[rule].action
    new = (
        dose
        if action is ProgressionAction.KEEP
        else _step(model.settings, dose, up=action is ProgressionAction.PROGRESS)
    )
    return _advice(model, rule, dose=new)


def next_load(
    model: ProgressionModel,
    current_kg: float,
    target_reps: int,
    reps_done: int,
    report: ExerciseReport | None = None,
) -> ProgressionAdvice:
    """The next load of a resistance exercise: ACSM 2009 step up when `reps_done` >= target + `reps_above_target`,
    unless a pain signal in `report` says otherwise."""
    if (
        isinstance(current_kg, bool)
        or not isinstance(current_kg, int | float)
        or not (math.isfinite(current_kg) and current_kg > 0)
    ):
        raise InvalidInput("current_kg", f"{current_kg!r} must be a load of more than 0 kg")
    for name, value in (("target_reps", target_reps), ("reps_done", reps_done)):
        if isinstance(value, bool) or not isinstance(value, int) or value < (1 if name == "target_reps" else 0):
            raise InvalidInput(name, f"{value!r} is not a valid number of repetitions")
    settings = model.settings
    rule = _pain_rule(settings, report) if report is not None else None
    if rule is None:
        rule = LOAD_UP if reps_done >= target_reps + settings.reps_above_target else LOAD_NOT_YET
    action = model.rules[rule].action
    load = float(current_kg)
    if action is not ProgressionAction.KEEP:
        load = _load_step(settings, load, up=action is ProgressionAction.PROGRESS)
    return _advice(model, rule, load_kg=load)


def _pain_rule(settings: ProgressionSettings, report: ExerciseReport) -> str | None:
    """The first pain rule that fires, in the order of `PAIN_RULES`; None when the pain allows a step up."""
    increase = report.increase_day_parts
    if report.reactivity is Reactivity.HIGH and increase > 0:
        return HIGH_REACTIVITY
    if report.reactivity is Reactivity.MODERATE and increase > settings.moderate_max_day_parts:
        return MODERATE_TOO_LONG
    if report.pain_during > settings.max_exercise_pain:
        return PAIN_ABOVE_LIMIT
    if not report.settled_by_next_morning:
        return NOT_SETTLED
    if report.pain_higher_than_last_week:
        return RISING_WEEK
    if report.reactivity is Reactivity.MODERATE and increase > 0:
        return MODERATE_SHORT
    return None


def _step(settings: ProgressionSettings, dose: Dose, *, up: bool) -> Dose:
    """One step up (to the cap) or down (to the minimum); a value already beyond the cap is never lowered by a step
    up, nor raised by a step down."""
    if dose.kind is DoseKind.HOLD:
        s = settings
        return replace(
            dose,
            hold_seconds=_stepped(dose.hold_seconds, s.hold_step_seconds, s.hold_min_seconds, s.hold_max_seconds, up),
        )
    if dose.kind is DoseKind.REPS:
        return replace(
            dose, repetitions=_stepped(dose.repetitions, settings.reps_step, settings.reps_min, settings.reps_max, up)
        )
    return replace(
        dose, minutes=_stepped(dose.minutes, settings.minutes_step, settings.minutes_min, settings.minutes_max, up)
    )


def _stepped(value: int | None, step: int, low: int, high: int, up: bool) -> int:
    assert value is not None, "Dose guarantees the amount of its kind"
    return max(value, min(high, value + step)) if up else min(value, max(low, value - step))


def _load_step(settings: ProgressionSettings, load: float, *, up: bool) -> float:
    """`load_step_percent` up or down, rounded to the increment; at least one increment, never below 0 kg."""
    increment = settings.load_increment_kg
    factor = 1 + settings.load_step_percent / 100 * (1 if up else -1)
    new = _round_to(load * factor, increment)
    if up and new <= load:
        new = _round_to(load + increment, increment)
    if not up and new >= load:
        new = _round_to(load - increment, increment)
    return max(0.0, new)


def _round_to(value: float, increment: float) -> float:
    """Nearest multiple of `increment` (halves up), cleaned of floating-point noise."""
    return round(math.floor(value / increment + 0.5) * increment, 6)


def _advice(
    model: ProgressionModel, rule_id: str, *, dose: Dose | None = None, load_kg: float | None = None
) -> ProgressionAdvice:
    rule = model.rules[rule_id]
    values = model.settings.values()
    reason = rule.reason.map(lambda template: template.format_map(values))
    return ProgressionAdvice(rule.action, rule.id, reason, rule.source_id, rule.evidence, dose, load_kg)


def ladder_offer(exercise: Exercise, advice: ProgressionAdvice | None) -> tuple[str, str] | None:
    """Which rung of the exercise's ladder the progression advice points to, as ("easier" | "harder", exercise id):
    a step back (`regress`) points to the easier exercise; the advice that the dose is at its cap says, in its own
    words, to consider the harder exercise. None when the advice points nowhere or the ladder ends there. Whether
    the rung suits this patient is the caller's check (the plan's contra-indications and cautions)."""
    if advice is None:
        return None
    if advice.action is ProgressionAction.REGRESS and exercise.regression is not None:
        return ("easier", exercise.regression)
    if advice.rule_id == DOSE_AT_CAP and exercise.progression is not None:
        return ("harder", exercise.progression)
    return None
