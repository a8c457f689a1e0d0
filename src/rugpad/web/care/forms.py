"""Forms for the clinician's and the patient's pages. Validation of clinical input is the engine's: a form
passes the answers to `rugpad.engine` and shows its InvalidInput next to the field it names."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rugpad import engine
from rugpad.core.bounds import ACTIVITY, LABEL, LINE, NOTE, SEARCH
from rugpad.core.instruments import InstrumentDefinition
from rugpad.core.rules import PROFILES
from rugpad.core.triage import MAX_AGE, MAX_WEEKS
from rugpad.core.vocab import Region
from rugpad.web.care.models import (
    COURSE_CHOICES,
    REGION_CHOICES,
    SEX_CHOICES,
    Examination,
    FlagEventKind,
    Intake,
    Patient,
)
from rugpad.web.fields import BirthDateField, DateField, DateTimeField, TextField, WholeNumberField, bounded_formfield
from rugpad.web.i18n import reader_lang


class DateInput(forms.DateInput):
    """An HTML date picker; it only understands ISO dates, whatever the page language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class PatientForm(forms.ModelForm[Patient]):
    class Meta:
        model = Patient
        fields = ["first_name", "last_name", "date_of_birth", "sex", "email", "phone", "gp_name"]
        widgets = {"date_of_birth": DateInput(), "sex": forms.RadioSelect}
        field_classes = {"date_of_birth": BirthDateField}
        formfield_callback = bounded_formfield

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A required choice offers only real answers (no empty "---------" choice that then fails as required).
        self.fields["sex"].choices = SEX_CHOICES  # type: ignore[attr-defined]

    def clean_date_of_birth(self) -> Any:
        born = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if born > today:
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        if today.year - born.year > MAX_AGE:  # the engine's limit: a typo in the year, not a patient
            raise forms.ValidationError(_("Please check the year of birth."))
        return born


class EpisodeForm(forms.Form):
    region = forms.ChoiceField(label=_("Region"), choices=REGION_CHOICES, widget=forms.RadioSelect)
    started_on = DateField(label=_("First contact"), widget=DateInput(), initial=timezone.localdate)
    onset_on = DateField(
        label=_("Complaint started on"), widget=DateInput(), required=False, help_text=_("Leave empty when unknown.")
    )

    def __init__(self, *args: Any, born: dt.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.born = born

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = timezone.localdate()
        if data.get("started_on") and data["started_on"] > today:
            self.add_error("started_on", _("First contact cannot be in the future."))
        for name in ("started_on", "onset_on"):
            if data.get(name) and self.born and data[name] < self.born:
                self.add_error(name, _("This date is before the patient's date of birth."))
        if data.get("onset_on") and (today - data["onset_on"]).days > MAX_WEEKS * 7:
            self.add_error("onset_on", _("Please check the year: the complaint would have started very long ago."))
        if data.get("onset_on") and data["onset_on"] > today:
            self.add_error("onset_on", _("The start of the complaint cannot be in the future."))
        if data.get("onset_on") and data.get("started_on") and data["onset_on"] > data["started_on"]:
            self.add_error("onset_on", _("The complaint cannot start after the first contact."))
        return data


class IntakeForm(forms.ModelForm[Intake]):
    class Meta:
        model = Intake
        exclude = ["episode", "recorded_by", "recorded_at"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 2})
            for name in (
                "complaint",
                "pain_character",
                "earlier_treatments",
                "work_load",
                "sport_load",
                "medical_history",
                "medication",
                "help_request",
                "goals",
            )
        }
        widgets["psychosocial_dominant"] = forms.NullBooleanSelect()  # type: ignore[assignment]
        formfield_callback = bounded_formfield

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # An optional choice left open reads as words, not as Django's "---------".
        self.fields["course"].choices = [("", _("not asked")), *COURSE_CHOICES]  # type: ignore[attr-defined]


class ExaminationForm(forms.ModelForm[Examination]):
    class Meta:
        model = Examination
        exclude = ["episode", "recorded_by", "recorded_at"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 2})
            for name in ("inspection", "range_of_motion", "segmental_findings", "notes")
        }
        formfield_callback = bounded_formfield


class ScreeningForm(forms.Form):
    """The red-flag checklist, built from the core's sign vocabulary for the episode's region."""

    notes = TextField(NOTE, label=_("Notes"), required=False)

    def __init__(self, *args: Any, region: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lang = reader_lang()
        self.groups: list[tuple[str, list[str]]] = []
        for group, signs in engine.sign_groups(region):
            names = []
            for sign in signs:
                name = f"sign_{sign.id}"
                self.fields[name] = forms.BooleanField(
                    label=sign.label.get(lang), required=False, help_text=sign.question.get(lang)
                )
                names.append(name)
            self.groups.append((group.get(lang), names))

    def asked_signs(self) -> list[str]:
        """Every sign the checklist put to the clinician: ticked or not, it was asked."""
        return [name.removeprefix("sign_") for name in self.fields if name.startswith("sign_")]

    def selected_signs(self) -> list[str]:
        return [
            name.removeprefix("sign_")
            for name, value in self.cleaned_data.items()
            if name.startswith("sign_") and value
        ]


class InstrumentForm(forms.Form):
    """One questionnaire, built from its definition. Answers are validated and scored by the engine."""

    def __init__(self, *args: Any, definition: InstrumentDefinition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.definition = definition
        lang = reader_lang()
        for item in definition.items:
            if item.options:
                choices = [(str(o.value), o.label.get(lang)) for o in item.options]
                self.fields[f"item_{item.number}"] = forms.TypedChoiceField(
                    label=item.text.get(lang),
                    choices=choices,
                    coerce=int,
                    widget=forms.RadioSelect,
                    required=False,
                    empty_value=None,
                )
            else:
                # A rating scale's anchors are read where the number is typed ("0 = Geen pijn · 10 = Ergst denkbare
                # pijn"), not in a footer.
                anchors = " · ".join(f"{a.value} = {a.label.get(lang)}" for a in item.anchors)
                self.fields[f"item_{item.number}"] = WholeNumberField(
                    label=item.text.get(lang),
                    required=False,
                    min_value=item.minimum,
                    max_value=item.maximum,
                    help_text=anchors
                    or _("A whole number from %(low)s to %(high)s") % {"low": item.minimum, "high": item.maximum},
                )
            if definition.code == "psk":
                self.fields[f"activity_{item.number}"] = TextField(
                    ACTIVITY, label=_("Activity %(number)s") % {"number": item.number}, required=False
                )

    @property
    def licence_holder(self) -> str:
        """Who holds the licence, or "" when the sources name nobody (the page then reads the licence terms)."""
        holder = self.definition.licence.holder.strip()
        return "" if holder.lower() in ("", "none known", "unknown") else holder

    def answers(self) -> dict[str, object]:
        return {str(item.number): self.cleaned_data.get(f"item_{item.number}") for item in self.definition.items}

    def activities(self) -> dict[str, str]:
        return {
            str(item.number): self.cleaned_data[f"activity_{item.number}"]
            for item in self.definition.items
            if self.cleaned_data.get(f"activity_{item.number}")
        }


class OverrideForm(forms.Form):
    profile = forms.ChoiceField(label=_("Profile"))
    reason = TextField(NOTE, label=_("Reason"), min_length=5)

    def __init__(self, *args: Any, region: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["profile"].choices = [(p, p) for p in PROFILES[Region(region)]]  # type: ignore[attr-defined]


class FlagEventForm(forms.Form):
    """One step of a red flag's life cycle. The core checks the order of steps and the required note."""

    kind = forms.ChoiceField(label=_("What"), choices=FlagEventKind.choices, widget=forms.HiddenInput())
    at = DateTimeField(
        label=_("When"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    counterpart = TextField(LINE, label=_("To whom / by whom"), required=False)
    note = TextField(NOTE, label=_("Note"))

    COUNTERPART_LABELS = {
        FlagEventKind.ACTION: _("Referred to or contacted (e.g. GP Jansen, %(out_of_hours)s)"),
        FlagEventKind.EXCLUDED: _("Assessed by (GP or specialist)"),
        FlagEventKind.CONFIRMED: _("Assessed by (GP or specialist)"),
        FlagEventKind.WITHDRAWN: _("To whom / by whom"),
    }

    def __init__(self, *args: Any, kind: str | None = None, country: str = "nl", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # An unknown kind (a tampered request) is refused by the `kind` field below, never a server error.
        if kind is not None and kind in FlagEventKind.values:
            self.fields["kind"].initial = kind
            # The example names the practice's country's out-of-hours service (huisartsenpost, or 1733 in Belgium).
            out_of_hours = engine.country_term("out_of_hours", country).get(reader_lang())
            self.fields["counterpart"].label = str(self.COUNTERPART_LABELS[FlagEventKind(kind)]) % {
                "out_of_hours": out_of_hours
            }
            self.fields["counterpart"].required = kind in (FlagEventKind.EXCLUDED, FlagEventKind.CONFIRMED)
        self.fields["at"].initial = timezone.localtime().replace(second=0, microsecond=0)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        assessment = data.get("kind") in (FlagEventKind.EXCLUDED, FlagEventKind.CONFIRMED)
        if assessment and not str(data.get("counterpart") or "").strip():
            self.add_error("counterpart", _("Name the GP or specialist who assessed it."))
        return data


class SearchForm(forms.Form):
    q = TextField(SEARCH, label=_("Name"), required=False)
    born = BirthDateField(label=_("Date of birth"), required=False, widget=DateInput())


class RequestInstrumentForm(forms.Form):
    """Sending a questionnaire to the patient, with the measurement moment it is for (e.g. "intake")."""

    moment = TextField(LABEL, label=_("Moment"), required=False)
