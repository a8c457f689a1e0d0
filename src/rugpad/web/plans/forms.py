"""Forms of the plan editor and the session log. A dose is validated by the core's `Dose`; its InvalidInput is
shown next to the field it names."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rugpad.core.bounds import NOTE, SEARCH
from rugpad.core.errors import InvalidInput
from rugpad.core.exercises import Dose, DoseKind, Purpose
from rugpad.web.care.models import REGION_CHOICES
from rugpad.web.fields import DateField, DateTimeField, TextField, WholeNumberField
from rugpad.web.plans.models import Effort, ItemKind
from rugpad.web.plans.specs import DOSE_FIELDS

PURPOSE_LABELS = {
    Purpose.MOBILITY: _("Mobility"),
    Purpose.MOTOR_CONTROL: _("Motor control"),
    Purpose.STRENGTH: _("Strength"),
    Purpose.ENDURANCE: _("Endurance"),
    Purpose.NEURAL_MOBILITY: _("Nerve mobility"),
    Purpose.RELAXATION: _("Relaxation"),
    Purpose.GRADED_ACTIVITY: _("Graded activity"),
}
DOSE_LABELS = {
    "hold_seconds": _("Hold (seconds)"),
    "repetitions": _("Repetitions"),
    "sets": _("Sets"),
    "rest_seconds": _("Rest between sets (seconds)"),
    "minutes": _("Minutes"),
    "times_per_day": _("Times a day"),
    "days_per_week": _("Days a week"),
}


def _number(label: Any) -> forms.IntegerField:
    return WholeNumberField(label=label, required=False, min_value=1, max_value=999)


class DoseForm(forms.Form):
    """The dose of one exercise item; which amounts apply depends on the dose kind (hold, reps, duration)."""

    def __init__(self, *args: Any, kind: DoseKind, per_side: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind, self.per_side = kind, per_side
        for name in DOSE_FIELDS:
            self.fields[name] = _number(DOSE_LABELS[name])
        self.dose: Dose | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            self.dose = Dose(kind=self.kind, per_side=self.per_side, **{n: data.get(n) for n in DOSE_FIELDS})
        except InvalidInput as error:
            name = error.field.removeprefix("dose").removeprefix(": ")
            self.add_error(name if name in self.fields else None, error.problem)
        return data


class AddExerciseForm(forms.Form):
    exercise = TextField(SEARCH, widget=forms.HiddenInput)
    confirm_caution = forms.BooleanField(
        label=_("I have checked the caution and prescribe this exercise."), required=False
    )


class TextItemForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(k.value, k.label) for k in (ItemKind.GOAL, ItemKind.EVALUATION)],
    )
    text = TextField(NOTE, label=_("Text"), max_length=500)


class PlanMetaForm(forms.Form):
    starts_on = DateField(label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    weeks = WholeNumberField(label=_("Duration in weeks"), min_value=1, max_value=52)
    sessions_per_week = WholeNumberField(
        label=_("Supervised sessions per week"), min_value=0, max_value=7, required=False
    )


class LibrarySearchForm(forms.Form):
    region = forms.ChoiceField(label=_("Region"), choices=[("", _("All")), *REGION_CHOICES], required=False)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=[("", _("All")), *PURPOSE_LABELS.items()], required=False)
    q = TextField(SEARCH, label=_("Search"), required=False)


ENTRY_PAST_LIMIT = dt.timedelta(days=7)
"""How old a result's time may be: a phone that was offline for a few days still sends its queue; older times are
refused rather than guessed, so the log and the weekly adherence never count a made-up date."""
ENTRY_FUTURE_LIMIT = dt.timedelta(minutes=10)
"""How far a result's time may lie ahead: room for a phone clock that runs a little fast, no more."""


class EntryForm(forms.Form):
    """One exercise result posted by the guided session (JSON); every field is checked before anything is kept."""

    owner = WholeNumberField(required=False)
    key = forms.UUIDField()
    session_key = forms.UUIDField()
    item_id = WholeNumberField(required=False)
    exercise_id = forms.SlugField(max_length=80)
    skipped = forms.BooleanField(required=False)
    sets_done = WholeNumberField(min_value=0, max_value=99, required=False)
    reps_done = WholeNumberField(min_value=0, max_value=999, required=False)
    hold_seconds = WholeNumberField(min_value=0, max_value=3600, required=False)
    minutes = WholeNumberField(min_value=0, max_value=600, required=False)
    pain_during = WholeNumberField(label=_("Pain during the exercise"), min_value=0, max_value=10, required=False)
    effort = forms.ChoiceField(choices=[("", "-"), *Effort.choices], required=False)
    settled_since_last = forms.NullBooleanField(required=False)
    started_at = DateTimeField(required=False)
    done_at = DateTimeField(required=False)

    def _recent(self, name: str) -> dt.datetime | None:
        value: dt.datetime | None = self.cleaned_data.get(name)
        now = timezone.now()
        if value is not None and not now - ENTRY_PAST_LIMIT <= value <= now + ENTRY_FUTURE_LIMIT:
            raise forms.ValidationError(
                _("%(field)s must lie between 7 days ago and 10 minutes from now."), params={"field": name}
            )
        return value

    def clean_started_at(self) -> dt.datetime | None:
        return self._recent("started_at")

    def clean_done_at(self) -> dt.datetime | None:
        return self._recent("done_at")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("skipped") and data.get("pain_during") is None and "pain_during" not in self.errors:
            self.add_error("pain_during", _("Please give your pain during the exercise (0-10)."))
        return data


class PlanSettingsForm(forms.Form):
    sessions_per_week = WholeNumberField(
        label=_("Supervised sessions per week"), min_value=0, max_value=7, required=False
    )
    weeks = WholeNumberField(label=_("Plan duration in weeks"), min_value=1, max_value=52, required=False)
    max_exercise_pain = WholeNumberField(
        label=_("Highest acceptable pain during an exercise (0-10)"), min_value=0, max_value=10, required=False
    )
