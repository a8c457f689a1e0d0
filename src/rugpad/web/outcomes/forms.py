"""Forms of the outcomes pages; every message names its field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rugpad.core.bounds import NOTE, RECORD
from rugpad.core.vocab import LANGUAGE_NAMES
from rugpad.web.fields import DateField, TextField, bounded_formfield
from rugpad.web.outcomes.models import ConsentDecision, ConsentMethod, ReportConsent

LANG_CHOICES = [(lang.value, name) for lang, name in LANGUAGE_NAMES.items()]
"""Every language rugpad speaks: a Belgian practice writes to a French-speaking doctor in French."""


class ConsentForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ReportConsent
        fields = ["decision", "method", "given_by", "recipient", "note"]
        widgets = {
            "decision": forms.RadioSelect,
            "method": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 2}),
        }
        formfield_callback = bounded_formfield

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Required radio groups offer only real answers: Django's empty "---------" choice would only fail as
        # "required".
        self.fields["decision"].choices = ConsentDecision.choices  # type: ignore[attr-defined]
        self.fields["method"].choices = ConsentMethod.choices  # type: ignore[attr-defined]


class ReportForm(forms.Form):
    lang = forms.ChoiceField(label=_("language of the letter"), choices=LANG_CHOICES, initial="nl")
    treatment = TextField(
        RECORD,
        label=_("treatment given"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was done: exercises, advice, education, number of sessions."),
    )
    advice = TextField(RECORD, label=_("advice and follow-up"), widget=forms.Textarea(attrs={"rows": 3}))


class DischargeForm(ReportForm):
    reason = TextField(
        NOTE,
        label=_("reason for closing without an end measurement"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only needed when the end measurement is not done, e.g. the patient stopped coming."),
    )
    confirm = forms.BooleanField(
        label=_("Close this episode now; the final evaluation is kept in the discharge report."), required=True
    )


class PeriodForm(forms.Form):
    """The dashboard's period: both days included; empty means the last 12 months."""

    start = DateField(
        label=_("first day"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = DateField(
        label=_("last day"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end of the period comes before its start."))
        return data
