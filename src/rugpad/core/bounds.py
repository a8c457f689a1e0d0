"""Input bounds, in one place for every kind of field: dates, texts, whole numbers and measured numbers.

The core's parsers (the triage case, an episode's facts) check their input with these bounds, so the CLI and the
JSON API, which call them, refuse the same things; the web forms take the same bounds through `rugpad.web.fields`,
which turns a refusal into a translated message next to the field.

    field kind          what passes
    birth date          1900-01-01 .. today
    clinical date       1900-01-01 .. today + 366 days   (first contact, a plan start, a red-flag step, ...)
    single-line text    no control character at all; at most the kind's length (NAME 100, LINE 200, ...)
    multi-line text     newline, carriage return and tab allowed, no other control character (NOTE 2,000,
                        RECORD 10,000 characters)
    whole number        an int (or a float without a fraction), or ASCII digits "0"-"9" -- never "٣" --, in range
    measured number     finite: NaN, infinity and 1e999 (which JSON reads as infinity) are refused, in range

A refusal is the core's `InvalidInput`, naming the field, never an OverflowError or a ValueError of Python's own.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass
from typing import TypeVar

from rugpad.core.errors import InvalidInput

__all__ = [
    "ACTIVITY",
    "BIRTH_DATE",
    "CLINICAL_DATE",
    "DAYS_AHEAD",
    "EARLIEST_DATE",
    "LABEL",
    "LINE",
    "NAME",
    "NOTE",
    "RECORD",
    "SEARCH",
    "WHOLE_NUMBER_TEXT",
    "DateBound",
    "NumberBound",
    "TextBound",
]

EARLIEST_DATE = dt.date(1900, 1, 1)
"""No patient was born, and nothing clinical happened, before this day: an earlier year is a typo (0001-01-01 is
what an empty or mangled date picker sends)."""
DAYS_AHEAD = 366
"""How far ahead a clinical date may lie: an appointment, a plan start or a planned step within about a year. Later
is a typo (9999-12-31), and such a date breaks the calendar arithmetic of the programme and its .ics."""

WHOLE_NUMBER_TEXT = re.compile(r"[+-]?[0-9]+(?:\.0*)?")
"""A whole number as typed: ASCII digits only (Python's `int` also reads Arabic-Indic "٣" and other scripts'
digits, which a clinician's screen shows but a colleague cannot check), optionally with a sign or a ``.0`` tail."""

_ALLOWED_IN_MULTILINE = frozenset("\n\r\t")
_REFUSED_CATEGORIES = frozenset({"Cc", "Cs"})  # control characters (NUL, ESC, DEL, C1) and lone surrogates

_D = TypeVar("_D", dt.date, dt.datetime)


@dataclass(frozen=True, slots=True)
class TextBound:
    """One kind of text: how long it may be and whether it may span lines."""

    max_length: int
    multiline: bool

    def bad_character(self, value: str) -> str | None:
        """The first character this kind of text may not hold (a NUL, an escape, a lone surrogate; a newline in a
        single-line text), or None when there is none."""
        for char in value:
            if unicodedata.category(char) in _REFUSED_CATEGORIES:
                if self.multiline and char in _ALLOWED_IN_MULTILINE:
                    continue
                return char
        return None

    def check(self, field: str, value: object) -> str:
        """`value` when it is a text of this kind; InvalidInput naming `field` otherwise."""
        if not isinstance(value, str):
            raise InvalidInput(field, "must be text")
        if len(value) > self.max_length:
            raise InvalidInput(field, f"is {len(value)} characters long; at most {self.max_length} allowed")
        bad = self.bad_character(value)
        if bad is not None:
            raise InvalidInput(field, f"contains the control character U+{ord(bad):04X}")
        return value


NAME = TextBound(100, multiline=False)
"""A first or last name (as the patient record stores it)."""
LABEL = TextBound(40, multiline=False)
"""A short label, e.g. a questionnaire's measurement moment ("intake", "re-evaluation")."""
SEARCH = TextBound(80, multiline=False)
"""A search box, an identifier typed or posted by a page."""
ACTIVITY = TextBound(120, multiline=False)
"""One of the patient's own PSK activities."""
LINE = TextBound(200, multiline=False)
"""Any other one-line text: a GP's name, who assessed a red flag, who gave consent."""
NOTE = TextBound(2_000, multiline=True)
"""A note or a message: a red-flag step, a diary note, a reason, a message to the patient."""
RECORD = TextBound(10_000, multiline=True)
"""A section of the record or of a letter: the intake's complaint and history, examination findings, the treatment
and advice of the GP report. About four printed pages; 100,000 characters is not an intake but a paste accident."""


@dataclass(frozen=True, slots=True)
class DateBound:
    """The days a kind of date may fall on: from `earliest` to `days_ahead` days after today."""

    earliest: dt.date
    days_ahead: int

    def window(self, today: dt.date) -> tuple[dt.date, dt.date]:
        try:
            return self.earliest, today + dt.timedelta(days=self.days_ahead)
        except OverflowError:  # a "today" at the end of the calendar (a test's, never the clock's)
            return self.earliest, dt.date.max

    def holds(self, value: dt.date | dt.datetime, today: dt.date) -> bool:
        """Whether the day of `value` (a datetime's own, local day: no time-zone arithmetic, which overflows at the
        ends of the calendar) falls in the window."""
        day = value.date() if isinstance(value, dt.datetime) else value
        low, high = self.window(today)
        return low <= day <= high

    def check(self, field: str, value: _D, today: dt.date) -> _D:
        """`value` when its day falls in the window; InvalidInput naming `field` otherwise."""
        if not self.holds(value, today):
            low, high = self.window(today)
            day = value.date() if isinstance(value, dt.datetime) else value
            raise InvalidInput(field, f"{day.isoformat()} is outside {low.isoformat()}..{high.isoformat()}")
        return value


BIRTH_DATE = DateBound(EARLIEST_DATE, days_ahead=0)
"""A date of birth: 1900-01-01 up to today."""
CLINICAL_DATE = DateBound(EARLIEST_DATE, days_ahead=DAYS_AHEAD)
"""Any other date or time of care: from 1900 up to about a year ahead. Forms add their own, narrower rules (a first
contact not in the future, a diary day within the last week) on top of this."""


@dataclass(frozen=True, slots=True)
class NumberBound:
    """A number within `low`..`high`; `whole` when it counts something (years, items) rather than measures it."""

    low: float
    high: float
    whole: bool = False

    def check(self, field: str, raw: object) -> int | float:
        """The number `raw` (as JSON gives it), or InvalidInput naming `field`: a text or a boolean, NaN, an
        infinity, a fraction where a whole number is asked for, or a number out of range."""
        # The common case first: exactly an int or a float (a bool, an int subclass, takes the careful path below)
        # within range (NaN and the infinities fail the comparison), so valid input never builds an error text.
        if (type(raw) is int or type(raw) is float) and self.low <= raw <= self.high:
            if not self.whole:
                return float(raw)
            if isinstance(raw, int):
                return raw
            if raw.is_integer():
                return int(raw)
        kind = "a whole number" if self.whole else "a number"
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise InvalidInput(field, f"{raw!r} is not {kind}")
        if isinstance(raw, float) and not math.isfinite(raw):
            raise InvalidInput(field, f"{raw!r} is not a finite number")
        if self.whole and isinstance(raw, float) and not raw.is_integer():
            raise InvalidInput(field, f"{raw!r} is not {kind}")
        if not self.low <= raw <= self.high:  # compared before any conversion: 10**400 must not overflow a float
            raise InvalidInput(field, f"{_shown(raw)} is out of range {_shown(self.low)}..{_shown(self.high)}")
        return int(raw) if self.whole else float(raw)

    def read(self, field: str, text: str) -> int | float:
        """The number typed in `text`: ASCII digits only (with a sign, and a decimal point unless whole), then
        checked as `check` does."""
        kind = "a whole number" if self.whole else "a number"
        typed = text.strip()
        pattern = WHOLE_NUMBER_TEXT if self.whole else _DECIMAL_TEXT
        if len(typed) > _LONGEST_NUMBER_TEXT or not pattern.fullmatch(typed):
            raise InvalidInput(field, f"{text[:_LONGEST_NUMBER_TEXT]!r} is not {kind} written with the digits 0-9")
        return self.check(field, float(typed) if "." in typed else int(typed))


_LONGEST_NUMBER_TEXT = 40
_DECIMAL_TEXT = re.compile(r"[+-]?[0-9]+(?:\.[0-9]*)?")


def _shown(number: float) -> str:
    if isinstance(number, int) and abs(number) >= 10**30:  # str() of a 5,000-digit int raises ValueError itself
        return "a number with more than 30 digits"
    return f"{number:g}" if isinstance(number, float) else str(number)
