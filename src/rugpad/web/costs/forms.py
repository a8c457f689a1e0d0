"""Forms of the costs pages, every field from `web/fields.py`. Amounts are typed in euros ("45,00") and kept in
cents; a bad value is refused with the message next to its field."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rugpad import engine
from rugpad.core.bounds import LABEL, NAME
from rugpad.core.costs import MAX_SESSIONS, SessionKind
from rugpad.core.errors import InvalidInput
from rugpad.web.fields import DateField, TextField, WholeNumberField
from rugpad.web.i18n import reader_lang


class EurosField(TextField):
    """An amount typed in euros, cleaned to whole cents (None when left empty)."""

    default_error_messages = {"invalid": _("Type an amount in euros, for example 45,00.")}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(LABEL, **kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def clean(self, value: Any) -> int | None:
        text = super().clean(value)
        if not text:
            return None
        try:
            return engine.parse_euros(text, str(self.label))
        except InvalidInput:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class PercentageField(TextField):
    """A percentage from 0 to 100 with at most two decimals ("75" or "62,5"), as a Decimal."""

    default_error_messages = {"invalid": _("Type a percentage from 0 to 100, for example 75.")}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(LABEL, **kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def clean(self, value: Any) -> Decimal | None:
        text = super().clean(value)
        if not text:
            return None
        try:
            number = Decimal(text.strip().replace(",", "."))
        except InvalidOperation:
            number = Decimal(-1)
        if not text.strip().replace(",", "").replace(".", "").isascii() or not number.is_finite():
            number = Decimal(-1)
        if not (0 <= number <= 100) or number != number.quantize(Decimal("0.01")):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


def _count(label: Any, *, required: bool = False) -> WholeNumberField:
    return WholeNumberField(label=label, required=required, min_value=0, max_value=MAX_SESSIONS)


def kind_choices() -> list[tuple[str, str]]:
    names = engine.session_kind_names()
    return [(kind.value, names[kind].get(reader_lang())) for kind in SessionKind]


class TariffForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of session"))
    amount = EurosField(label=_("Amount"))
    valid_from = DateField(label=_("Valid from"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"valid_from": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices()  # type: ignore[attr-defined]


class CostSettingsForm(forms.Form):
    """The numbers the reimbursement rules need that no source gives (empty: not counted)."""

    basic_own_sessions = _count(_("Basic insurance: sessions a year the patient pays first (chronic list)"))

    def __init__(self, *args: Any, country: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if country == "nl":  # the Belgian shares mean nothing to a Dutch practice, and the other way round
            return
        del self.fields["basic_own_sessions"]
        names = engine.session_kind_names()
        for kind in SessionKind:
            label = _("Statutory reimbursement: the patient's own share for %(kind)s") % {
                "kind": names[kind].get(reader_lang()).lower()
            }
            self.fields[f"share_{kind.value}_cents"] = EurosField(label=label, required=False)


class PolicyForm(forms.Form):
    """The patient's policy; a Dutch practice asks about the chronic list, a Belgian one about the prescription."""

    insurer = TextField(NAME, label=_("Insurer"), required=False)
    policy_name = TextField(NAME, label=_("Name of the policy"), required=False)
    chronic_condition = forms.BooleanField(
        label=_("The condition is on the list of chronic conditions"), required=False
    )
    prescription = forms.BooleanField(label=_("There is a doctor's prescription for the treatment"), required=False)
    has_supplementary = forms.BooleanField(label=_("Supplementary insurance that covers physiotherapy"), required=False)
    covered_sessions = _count(_("Sessions a year the supplementary insurance covers (empty: no limit)"))
    percentage = PercentageField(label=_("Percentage it pays of each session (empty: 100)"), required=False)
    cap_cents = EurosField(label=_("Most it pays a year (empty: no maximum)"), required=False)
    cap_used_cents = EurosField(label=_("Already paid out this year"), required=False)
    sessions_used = _count(_("Sessions already had this calendar year"))

    def __init__(self, *args: Any, country: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["prescription" if country == "nl" else "chronic_condition"]
        # The discipline by the country's name for it: fysiotherapie in the Netherlands, kinesitherapie in Belgium.
        therapy = engine.country_term("therapy", country).get(reader_lang())
        self.fields["has_supplementary"].label = _("Supplementary insurance that covers %(therapy)s") % {
            "therapy": therapy
        }

    def clean_percentage(self) -> Decimal:
        value: Decimal | None = self.cleaned_data.get("percentage")
        return Decimal(100) if value is None else value


class PlannedSessionsForm(forms.Form):
    """The plan's sessions by kind; a kind the practice has no tariff for is refused on its own field."""

    def __init__(self, *args: Any, priced: set[SessionKind], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.priced = priced
        names = engine.session_kind_names()
        for kind in SessionKind:
            self.fields[kind.value] = _count(names[kind].get(reader_lang()))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for kind in SessionKind:
            if data.get(kind.value) and kind not in self.priced:
                self.add_error(kind.value, _("The practice has no tariff for this kind of session yet."))
        if not self.errors and not any(data.get(kind.value) for kind in SessionKind):
            raise ValidationError(_("Plan at least one session."), code="empty")
        return data

    def counts(self) -> dict[SessionKind, int]:
        return {kind: self.cleaned_data.get(kind.value) or 0 for kind in SessionKind}
