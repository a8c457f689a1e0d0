"""Forms of the portal. Bounds here are input checks (a 0-10 scale, minutes in a day), not clinical rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rugpad.core.bounds import NOTE
from rugpad.core.trends import PAIN_MAX
from rugpad.web.care.models import Patient
from rugpad.web.fields import DateField, TextField, WholeNumberField
from rugpad.web.i18n import reader_lang
from rugpad.web.passwords import check_chosen_password
from rugpad.web.portal import clinical
from rugpad.web.portal.models import DiaryEntry, ExercisesChoice, MedicationChoice
from rugpad.web.practice.models import User

SCALE = [(n, str(n)) for n in range(PAIN_MAX + 1)]
MINUTES_IN_A_DAY = 24 * 60
DAYS_BACK = 7
"""How far back a patient may date an entry (they fill it in late, not weeks later)."""


class AcceptInvitationForm(forms.Form):
    password1 = forms.CharField(
        label=_("Choose a password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Repeat the password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args: Any, patient: Patient, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.patient = patient
        self.fields["password1"].help_text = password_validation.password_validators_help_text_html()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        person = User(
            username=self.patient.email or self.patient.first_name,
            first_name=self.patient.first_name,
            last_name=self.patient.last_name,
            email=self.patient.email,
        )
        check_chosen_password(self, data, person)
        return data


def _scale(label: Any, required: bool = False, help_text: Any = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=SCALE,
        coerce=int,
        required=required,
        empty_value=None,
        widget=forms.RadioSelect(attrs={"class": "scale"}),
        help_text=help_text,
    )


class DiaryForm(forms.Form):
    """The daily basics (pain now, exercises done) first, the optional details after them, the alarm questions
    always. `key` is made by the page's script for each save (see `actions.do_save_diary_once`)."""

    BASICS = ("pain_now", "exercises")
    OPTIONAL = ("pain_exercise", "pain_next_morning", "sleep_quality", "medication", "minutes_walked", "day", "note")

    key = forms.UUIDField(required=False, widget=forms.HiddenInput)
    day = DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    pain_now = _scale(_("Pain now"), required=True, help_text=_("0 = no pain, 10 = worst pain imaginable"))
    pain_exercise = _scale(_("Pain during or just after the exercises"))
    pain_next_morning = _scale(_("Pain this morning, after yesterday's exercises"))
    exercises = forms.ChoiceField(
        label=_("Did you do your exercises?"),
        choices=ExercisesChoice.choices,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "choice"}),
    )
    minutes_walked = WholeNumberField(
        label=_("Minutes walked"), required=False, min_value=0, max_value=MINUTES_IN_A_DAY
    )
    sleep_quality = _scale(_("How well did you sleep?"), help_text=_("0 = very badly, 10 = very well"))
    medication = forms.ChoiceField(
        label=_("Pain medication"),
        choices=MedicationChoice.choices,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "choice"}),
    )
    note = TextField(NOTE, label=_("Anything else?"), required=False)
    alarms = forms.MultipleChoiceField(
        label=_("Is any of this NEW since your last entry? Tick what applies."),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "alarm-check"}),
    )

    def __init__(self, *args: Any, region: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lang = reader_lang()
        self.fields["alarms"].choices = [  # type: ignore[attr-defined]
            (q.id, q.question.get(lang)) for q in clinical.alarm_questions(region)
        ]
        self.fields["day"].initial = timezone.localdate

    def clean_day(self) -> dt.date:
        day: dt.date = self.cleaned_data["day"]
        today = timezone.localdate()
        if day > today:
            raise forms.ValidationError(_("The day cannot be in the future."))
        if day < today - dt.timedelta(days=DAYS_BACK):
            raise forms.ValidationError(
                _("Entries can be added for the last %(days)s days only.") % {"days": DAYS_BACK}
            )
        return day

    def optional_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.OPTIONAL]

    def optional_open(self) -> bool:
        """The optional details start open when one of them has an error or, when correcting, a value."""
        if any(self[name].errors for name in self.OPTIONAL):
            return True
        return any(self.initial.get(name) not in (None, "") for name in self.OPTIONAL if name != "day")

    @classmethod
    def initial_from(cls, entry: DiaryEntry) -> dict[str, Any]:
        names = [n for n in cls.base_fields if n not in ("alarms", "key")]
        return {n: getattr(entry, n) for n in names} | {"alarms": list(entry.alarms)}


class AcknowledgeForm(forms.Form):
    message = TextField(NOTE, label=_("Message to the patient (optional)"), required=False)


class MessageForm(forms.Form):
    body = TextField(
        NOTE,
        label=_("Your message"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write a message before sending it.")},
    )
