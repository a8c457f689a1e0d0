"""Forms of the aftercare pages; every field takes its bounds from `rugpad.web.fields` and every message names its
field. The 0-10 scale and the week numbers are input checks, not clinical rules (those are the engine's)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rugpad import engine
from rugpad.core.aftercare import MAX_CHECKINS, MAX_WEEKS, PAIN_MAX
from rugpad.core.bounds import LINE, NOTE
from rugpad.core.errors import InvalidInput
from rugpad.web.aftercare.models import Outcome
from rugpad.web.fields import DateField, TextField, WholeNumberField
from rugpad.web.i18n import reader_lang

SCALE = [(n, str(n)) for n in range(PAIN_MAX + 1)]
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _yes_no(label: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda answer: answer == "yes",
        widget=forms.RadioSelect(attrs={"class": "choice"}),
        error_messages={"required": _("Please answer yes or no.")},
    )


class AftercareForm(forms.Form):
    """The clinician's maintenance programme and check-in moments for a discharged episode."""

    discharged_on = DateField(
        label=_("Discharged on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    baseline_pain = WholeNumberField(
        label=_("Pain at discharge (0-10)"),
        required=False,
        min_value=0,
        max_value=PAIN_MAX,
        help_text=_("Filled in from the last pain score of the episode. Check-ins are compared with it."),
    )
    exercises = forms.TypedMultipleChoiceField(
        label=_("Exercises the patient keeps doing"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    advice = TextField(NOTE, label=_("Advice for the patient (optional)"), required=False)
    weeks = TextField(
        LINE,
        max_length=40,
        label=_("Check-in moments (weeks after discharge)"),
        help_text=_("For example 13, 26 (about 3 and 6 months) or 6, 12, 26."),
    )

    def __init__(self, *args: Any, exercise_choices: Sequence[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["exercises"].choices = list(exercise_choices)  # type: ignore[attr-defined]

    def clean_weeks(self) -> tuple[int, ...]:
        try:
            return engine.parse_checkin_weeks(self.cleaned_data["weeks"])
        except InvalidInput:
            raise forms.ValidationError(
                _(
                    "Enter whole weeks from 1 to %(most)s, separated by commas, at most %(count)s moments "
                    "(for example 13, 26)."
                )
                % {"most": MAX_WEEKS, "count": MAX_CHECKINS}
            ) from None


class CheckinForm(forms.Form):
    """The patient's check-in: pain now, two yes/no questions, and any alarm sign (the diary's questions)."""

    key = forms.UUIDField(required=False, widget=forms.HiddenInput)
    pain = forms.TypedChoiceField(
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "scale"}),
        error_messages={"required": _("Please choose a number from 0 to 10.")},
    )
    limited_again = _yes_no("")
    came_back = _yes_no("")
    alarms = forms.MultipleChoiceField(
        label=_("Do you notice any of these signs? Tick what applies."),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "alarm-check"}),
    )

    def __init__(self, *args: Any, region: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lang = reader_lang()
        questions = engine.aftercare_content().questions
        for name in ("pain", "limited_again", "came_back"):
            question = questions[name]
            self.fields[name].label = question.for_region(region).get(lang)
            if question.help is not None:
                self.fields[name].help_text = question.help.get(lang)
        self.fields["alarms"].choices = [  # type: ignore[attr-defined]
            (q.id, q.question.get(lang)) for q in engine.alarm_questions(region)
        ]


class HandleFlagForm(forms.Form):
    """What the practice did about a recurrence flag."""

    outcome = forms.ChoiceField(
        label=_("What was done"), choices=Outcome.choices, widget=forms.RadioSelect(attrs={"class": "choice"})
    )
    note = TextField(
        NOTE,
        label=_("Note"),
        help_text=_("Say what you did, for example when the patient was called."),
        error_messages={"required": _("Say what was done.")},
    )
