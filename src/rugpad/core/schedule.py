"""The measurement schedule: which questionnaires to take at which moment of a treatment.

The moments are content (``content/data/evaluation/schedule.yaml``); this module turns them into dates for one
patient. The clock is always a parameter (`start`, `today`), never read here, so the schedule is reproducible and
tests drive it::

    intake (day 0)  ->  re-evaluation(s) at the guideline moments  ->  end of treatment (with GPE)

A moment is *due* from its `due` date until it is completed; after `window_end` it is also *overdue*, but it stays
due: a late measurement is better than none.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from rugpad.core.errors import InvalidInput
from rugpad.core.evaluation import normalise_case
from rugpad.core.text import Text
from rugpad.core.vocab import Evidence, Region

__all__ = ["FUNCTION", "Moment", "MomentRule", "Schedule", "due_moments", "measurement_moments"]

FUNCTION = "function"
"""Placeholder in a moment's instruments for the region's function questionnaire the practice chose."""


@dataclass(frozen=True, slots=True)
class MomentRule:
    """One moment of ``schedule.yaml``; empty `regions`/`profiles` and `radicular` None mean "any"."""

    key: str
    day: int
    """Days after the start of treatment on which the moment falls due."""
    window_days: int
    """Days after `day` by which it should be done (the guideline's range, e.g. 3-4 weeks = day 21 + 7)."""
    instruments: tuple[str, ...]
    reason: Text
    source_id: str
    evidence: Evidence
    regions: frozenset[Region] = frozenset()
    radicular: bool | None = None
    profiles: frozenset[str] = frozenset()
    end_of_treatment: bool = False
    """The last-session moment: its `day` is only a default, replaced by the planned end date when known."""

    def applies(self, region: Region, profile: str | None, radicular: bool) -> bool:
        return (
            (not self.regions or region in self.regions)
            and (self.radicular is None or self.radicular is radicular)
            and (not self.profiles or profile in self.profiles)
        )


@dataclass(frozen=True, slots=True)
class Schedule:
    """All moment rules plus, per region, the function questionnaires a practice may choose (first = default)."""

    moments: tuple[MomentRule, ...]
    function_instruments: Mapping[Region, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Moment:
    """One measurement moment for one patient."""

    key: str
    due: date
    window_end: date
    instruments: tuple[str, ...]
    reason: Text
    source_id: str
    evidence: Evidence
    end_of_treatment: bool = False
    """The measurement at the end of treatment (discharge needs it, or a recorded reason)."""

    def overdue(self, today: date) -> bool:
        return today > self.window_end


def measurement_moments(
    schedule: Schedule,
    region: Region | str,
    profile: str | None,
    radicular: bool,
    start: date,
    *,
    end: date | None = None,
    function_instrument: str | None = None,
) -> tuple[Moment, ...]:
    """The patient's moments in date order; `end` is the planned last session, `function_instrument` the
    practice's choice of function questionnaire (default: the first listed for the region)."""
    region, profile, radicular = normalise_case(region, profile, radicular)
    if end is not None and end < start:
        raise InvalidInput("end", f"{end.isoformat()} is before the start {start.isoformat()}")
    choices = schedule.function_instruments[region]
    function = choices[0] if function_instrument is None else function_instrument
    if function not in choices:
        raise InvalidInput("function_instrument", f"{function!r} is not one of {', '.join(choices)} for {region}")
    moments = []
    for rule in schedule.moments:
        if not rule.applies(region, profile, radicular):
            continue
        due = end if rule.end_of_treatment and end is not None else start + timedelta(days=rule.day)
        instruments = tuple(function if code == FUNCTION else code for code in rule.instruments)
        moments.append(
            Moment(
                rule.key,
                due,
                due + timedelta(days=rule.window_days),
                instruments,
                rule.reason,
                rule.source_id,
                rule.evidence,
                rule.end_of_treatment,
            )
        )
    return tuple(sorted(moments, key=lambda moment: moment.due))


def due_moments(moments: Iterable[Moment], completed_keys: Iterable[str], today: date) -> tuple[Moment, ...]:
    """The moments that have fallen due by `today` and are not completed, oldest first."""
    done = frozenset(completed_keys)
    return tuple(m for m in sorted(moments, key=lambda m: m.due) if m.due <= today and m.key not in done)
