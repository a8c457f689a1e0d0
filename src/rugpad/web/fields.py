"""The core's input bounds (`rugpad.core.bounds`) as Django form fields: every form of the app builds its fields
from these, so a date, a text or a number is checked alike on every page, in the API and in the CLI.

    TextField(NOTE)          no control characters (newline and tab allowed in multi-line kinds), at most the
                             kind's length; a Textarea for multi-line kinds
    DateField(CLINICAL_DATE) / DateTimeField(...)   within the kind's window (from 1900, at most a year ahead)
    WholeNumberField         ASCII digits only ("٣" is refused), within min_value..max_value
    FiniteFloatField         no NaN, no infinity
    bounded_formfield        the same for a ModelForm's fields (`Meta.formfield_callback`)

Each message is translated and shown next to the field it belongs to.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import formats, timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from rugpad.core.bounds import (
    BIRTH_DATE,
    CLINICAL_DATE,
    LINE,
    RECORD,
    WHOLE_NUMBER_TEXT,
    DateBound,
    TextBound,
)

__all__ = [
    "BirthDateField",
    "DateField",
    "DateTimeField",
    "FiniteFloatField",
    "TextField",
    "WholeNumberField",
    "bounded_formfield",
]

BOUNDED_ATTRIBUTE = "rugpad_bound"
"""Set on every field built here, naming its bound; `tests/web/test_input_bounds.py` checks every form with it."""


LARGEST_STORED_INTEGER = 2**63 - 1
"""The largest integer SQLite and PostgreSQL (bigint) store."""


@deconstructible
class TextValidator:
    """No character the kind of text may not hold: a NUL byte (which PostgreSQL cannot store), another control
    character, a lone surrogate, or a line break in a one-line text."""

    def __init__(self, bound: TextBound) -> None:
        self.bound = bound

    def __call__(self, value: str) -> None:
        bad = self.bound.bad_character(value)
        if bad is None:
            return
        if bad in "\r\n":
            raise ValidationError(_("Please keep this on one line."), code="line_break")
        raise ValidationError(
            _("Please remove the invisible control character (U+%(code)s)."),
            code="control_character",
            params={"code": f"{ord(bad):04X}"},
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TextValidator) and other.bound == self.bound

    def __hash__(self) -> int:
        return hash(self.bound)


@deconstructible
class DateWindowValidator:
    """The day of a date or a datetime (its own local day: no time-zone arithmetic, which overflows at the ends of
    the calendar) falls within the bound's window around today."""

    def __init__(self, bound: DateBound) -> None:
        self.bound = bound

    def __call__(self, value: dt.date | dt.datetime) -> None:
        today = timezone.localdate()
        if not self.bound.holds(value, today):
            low, high = self.bound.window(today)
            raise ValidationError(
                _("Please enter a date between %(low)s and %(high)s."),
                code="date_out_of_range",
                params={"low": formats.date_format(low, "d-m-Y"), "high": formats.date_format(high, "d-m-Y")},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DateWindowValidator) and other.bound == self.bound

    def __hash__(self) -> int:
        return hash(self.bound)


class TextField(forms.CharField):
    """A text of one kind (`bounds.NAME`, `LINE`, `NOTE`, `RECORD`, ...); `max_length` may narrow the kind's."""

    def __init__(self, bound: TextBound = LINE, **kwargs: Any) -> None:
        limit = kwargs.get("max_length")
        kwargs["max_length"] = bound.max_length if limit is None else min(limit, bound.max_length)
        if bound.multiline:
            kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 2}))
        super().__init__(**kwargs)
        self.validators.append(TextValidator(bound))
        setattr(self, BOUNDED_ATTRIBUTE, bound)


class DateField(forms.DateField):
    """A date within a kind's window (`bounds.BIRTH_DATE`, `CLINICAL_DATE`)."""

    def __init__(self, bound: DateBound = CLINICAL_DATE, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators.append(DateWindowValidator(bound))
        setattr(self, BOUNDED_ATTRIBUTE, bound)


class BirthDateField(DateField):
    """A date of birth: from 1900 up to today."""

    def __init__(self, bound: DateBound = BIRTH_DATE, **kwargs: Any) -> None:
        super().__init__(bound, **kwargs)


class DateTimeField(forms.DateTimeField):
    """A date and time whose day falls within a kind's window (a red-flag step, a session's start)."""

    def __init__(self, bound: DateBound = CLINICAL_DATE, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators.append(DateWindowValidator(bound))
        setattr(self, BOUNDED_ATTRIBUTE, bound)


class WholeNumberField(forms.IntegerField):
    """A whole number typed with the digits 0-9 only: Django's own field (through Python's `int`) reads "٣" and
    every other script's digits as numbers, which nobody reading the record could check."""

    default_error_messages = {"invalid": _("Please enter a whole number using the digits 0-9.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.NumberInput(attrs={"inputmode": "numeric"}))
        super().__init__(**kwargs)
        # a field without its own range still fits a database integer (SQLite refuses past 2**63 with a 500)
        if self.min_value is None:
            self.validators.append(MinValueValidator(-LARGEST_STORED_INTEGER))
        if self.max_value is None:
            self.validators.append(MaxValueValidator(LARGEST_STORED_INTEGER))
        setattr(self, BOUNDED_ATTRIBUTE, "whole number")

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str) and value.strip() and not WHOLE_NUMBER_TEXT.fullmatch(value.strip()):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if isinstance(value, float) and not value.is_integer():  # JSON's 3.5, inf or nan
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class FiniteFloatField(forms.FloatField):
    """A measured number: Django refuses NaN and infinity too, but says only "enter a number"."""

    default_error_messages = {"invalid": _("Please enter a finite number using the digits 0-9.")}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        setattr(self, BOUNDED_ATTRIBUTE, "finite number")


def bounded_formfield(db_field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """A ModelForm's field with the bounds of its kind (`Meta.formfield_callback`): a model text as a `RECORD`
    text, a model char field as a line no longer than the column, dates in the clinical window, whole numbers in
    ASCII digits. Fields with choices, e-mail addresses and explicit `field_classes` keep Django's field."""
    if db_field.choices or "form_class" in kwargs or isinstance(db_field, models.EmailField):
        return db_field.formfield(**kwargs)
    if isinstance(db_field, models.TextField):
        kwargs = {"form_class": TextField, "bound": RECORD, **kwargs}
    elif isinstance(db_field, models.CharField):
        kwargs = {"form_class": TextField, "bound": LINE, **kwargs}
    elif isinstance(db_field, models.DateTimeField):
        kwargs = {"form_class": DateTimeField, **kwargs}
    elif isinstance(db_field, models.DateField):
        kwargs = {"form_class": DateField, **kwargs}
    elif isinstance(db_field, models.IntegerField):
        kwargs = {"form_class": WholeNumberField, **kwargs}
    elif isinstance(db_field, models.FloatField):
        kwargs = {"form_class": FiniteFloatField, **kwargs}
    return db_field.formfield(**kwargs)
