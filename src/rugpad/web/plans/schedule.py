"""Which weekdays an exercise falls on, and the plan as a calendar file (.ics).

A dose says how often (times a day, days a week), not which days; spreading the days evenly over the week is a
layout choice of rugpad, not a clinical rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from icalendar import Calendar, Event, vRecur

from rugpad.core.exercises import Dose

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def training_days(dose: Dose | None) -> tuple[int, ...]:
    """Weekdays (0 = Monday) of a dose: every day unless it names fewer days a week, spread evenly."""
    if dose is None or dose.days_per_week is None or dose.days_per_week >= 7:
        return tuple(range(7))
    count = dose.days_per_week
    return tuple(sorted({round(index * 7 / count) % 7 for index in range(count)}))


def _days_after(day: dt.date, days: int) -> dt.date:
    """`day` plus `days`, stopping at the calendar's last day: a start stored as 9999-12-31 (before the plan form
    refused it) still gives a calendar rather than an OverflowError."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max


def programme_calendar(
    entries: Iterable[tuple[str, str, Dose | None]], starts_on: dt.date, weeks: int, title: str
) -> bytes:
    """One weekly recurring event per group of exercises sharing the same days, for the plan's weeks.

    `entries` are (name, dose text, dose)."""
    groups: dict[tuple[int, ...], list[tuple[str, str]]] = {}
    for name, dose_text, dose in entries:
        groups.setdefault(training_days(dose), []).append((name, dose_text))
    calendar = Calendar()
    calendar.add("prodid", "-//rugpad//home exercise programme//NL")
    calendar.add("version", "2.0")
    until = _days_after(starts_on, weeks * 7)
    for days, exercises in sorted(groups.items()):
        first = next(_days_after(starts_on, n) for n in range(7) if (starts_on.weekday() + n) % 7 in days)
        event = Event()
        event.add("uid", f"rugpad-{starts_on:%Y%m%d}-{'-'.join(WEEKDAY_CODES[d] for d in days)}@rugpad")
        event.add("summary", f"{title}: {', '.join(name for name, _ in exercises)}")
        event.add("description", "\n".join(f"{name}: {text}" for name, text in exercises))
        event.add("dtstart", dt.datetime.combine(first, dt.time(9, 0)))
        event.add("dtend", dt.datetime.combine(first, dt.time(9, 30)))
        event.add("dtstamp", dt.datetime.combine(starts_on, dt.time(0, 0), tzinfo=dt.UTC))
        event.add("rrule", vRecur(freq="WEEKLY", byday=[WEEKDAY_CODES[d] for d in days], until=until))
        calendar.add_component(event)
    return bytes(calendar.to_ical())
