"""The clinician's API token form."""

from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from rugpad.web.practice.tokens import DEFAULT_LIFETIME_DAYS, MAX_LIFETIME_DAYS, TOKEN_NAME_MAX_LENGTH


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=TOKEN_NAME_MAX_LENGTH,
        help_text=_("What the token is for, e.g. the practice software or a computer."),
        validators=[RegexValidator(r"[\x00-\x1f\x7f]", inverse_match=True, message=_("Use plain text only."))],
    )
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=MAX_LIFETIME_DAYS,
        initial=DEFAULT_LIFETIME_DAYS,
        help_text=_("At most 365 days. The token stops working afterwards."),
    )
