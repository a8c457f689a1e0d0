"""Worsening trends in a patient's diary: the soft signals a clinician should look at before the next visit.

Two rules, each with its numbers in ``content/data/portal/trends.yaml`` (source and evidence there):

    pain rising       mean "pain now" of the last `window_days` days  minus  the mean of the window before it
                      >= `pain_rise_points`, with at least `min_entries` entries in each window
    exercises skipped days in the last `window_days` on which the patient recorded "not done" (and nothing
                      better that day) >= `skipped_days`

A red-flag answer is not a trend: it is handled at once by the triage (see ``rugpad.core.diary``). The date is
always a parameter (``today``), so the rules are testable and never read a clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from rugpad.core.errors import InvalidInput
from rugpad.core.text import Text
from rugpad.core.vocab import Evidence

__all__ = [
    "EXERCISES_SKIPPED",
    "PAIN_MAX",
    "PAIN_RISING",
    "DiaryPoint",
    "ExercisesDone",
    "TrendAlert",
    "TrendRule",
    "TrendSettings",
    "detect_trends",
]

PAIN_MAX = 10
"""NRS pain runs 0..10 (facts file 3.5)."""

PAIN_RISING = "trend.pain_rising"
EXERCISES_SKIPPED = "trend.exercises_skipped"


class ExercisesDone(StrEnum):
    """How much of the home programme the patient did, in their own estimate."""

    YES = "yes"
    PARTLY = "partly"
    NO = "no"


@dataclass(frozen=True, slots=True)
class DiaryPoint:
    """The part of one diary entry the trend rules read."""

    day: dt.date
    pain: int | None = None
    exercises: ExercisesDone | None = None

    def __post_init__(self) -> None:
        if self.pain is not None and not 0 <= self.pain <= PAIN_MAX:
            raise InvalidInput("pain", f"{self.pain} is out of range 0..{PAIN_MAX}")


@dataclass(frozen=True, slots=True)
class TrendSettings:
    """The numbers of the trend rules; defaults mirror the data file, which a practice may change."""

    window_days: int = 7
    pain_rise_points: float = 2.0
    min_entries: int = 3
    skipped_days: int = 3

    def __post_init__(self) -> None:
        if self.window_days < 1:
            raise InvalidInput("window_days", f"{self.window_days} must be at least 1")
        if not 0 < self.pain_rise_points <= PAIN_MAX:
            raise InvalidInput("pain_rise_points", f"{self.pain_rise_points} is out of range 0..{PAIN_MAX}")
        if self.min_entries < 1:
            raise InvalidInput("min_entries", f"{self.min_entries} must be at least 1")
        if not 1 <= self.skipped_days <= self.window_days:
            raise InvalidInput("skipped_days", f"{self.skipped_days} is out of range 1..{self.window_days}")


@dataclass(frozen=True, slots=True)
class TrendAlert:
    """One rule that fired, with the numbers that made it fire (shown to the clinician)."""

    rule_id: str
    value: float
    """The rise in mean pain (points), or the number of skipped days."""
    threshold: float
    since: dt.date
    """First day of the window the rule looked at."""


@dataclass(frozen=True, slots=True)
class TrendRule:
    """What a clinician reads about a trend rule; `text` may use ``{value}`` and ``{threshold}``."""

    id: str
    name: Text
    text: Text
    source: str
    evidence: Evidence


def _mean(values: list[int]) -> float:
    return sum(values) / len(values)


def _pain_rising(points: list[DiaryPoint], today: dt.date, settings: TrendSettings) -> TrendAlert | None:
    window = dt.timedelta(days=settings.window_days)
    recent_start = today - window + dt.timedelta(days=1)
    earlier_start = recent_start - window
    recent = [p.pain for p in points if p.pain is not None and recent_start <= p.day <= today]
    earlier = [p.pain for p in points if p.pain is not None and earlier_start <= p.day < recent_start]
    if len(recent) < settings.min_entries or len(earlier) < settings.min_entries:
        return None
    rise = round(_mean(recent) - _mean(earlier), 2)
    if rise < settings.pain_rise_points:
        return None
    return TrendAlert(PAIN_RISING, rise, settings.pain_rise_points, earlier_start)


def _exercises_skipped(points: list[DiaryPoint], today: dt.date, settings: TrendSettings) -> TrendAlert | None:
    start = today - dt.timedelta(days=settings.window_days - 1)
    best: dict[dt.date, ExercisesDone] = {}
    order = (ExercisesDone.NO, ExercisesDone.PARTLY, ExercisesDone.YES)
    for point in points:
        if point.exercises is None or not start <= point.day <= today:
            continue
        seen = best.get(point.day)
        if seen is None or order.index(point.exercises) > order.index(seen):
            best[point.day] = point.exercises
    skipped = sum(1 for done in best.values() if done is ExercisesDone.NO)
    if skipped < settings.skipped_days:
        return None
    return TrendAlert(EXERCISES_SKIPPED, float(skipped), float(settings.skipped_days), start)


def detect_trends(
    points: Iterable[DiaryPoint], today: dt.date, settings: TrendSettings | None = None
) -> tuple[TrendAlert, ...]:
    """The trend rules that fire on `today`; entries after `today` are ignored (they cannot exist yet)."""
    settings = settings or TrendSettings()
    known = [p for p in points if p.day <= today]
    fired = (_pain_rising(known, today, settings), _exercises_skipped(known, today, settings))
    return tuple(alert for alert in fired if alert is not None)
