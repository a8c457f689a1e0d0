"""The clinician's API token form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rugpad.core.bounds import LINE
from rugpad.web.fields import TextField, WholeNumberField
from rugpad.web.practice.tokens import DEFAULT_LIFETIME_DAYS, MAX_LIFETIME_DAYS, TOKEN_NAME_MAX_LENGTH


class TokenForm(forms.Form):
    name = TextField(
        LINE,
        label=_("Name"),
        max_length=TOKEN_NAME_MAX_LENGTH,
        help_text=_("What the token is for, e.g. the practice software or a computer."),
    )
    days = WholeNumberField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=MAX_LIFETIME_DAYS,
        initial=DEFAULT_LIFETIME_DAYS,
        help_text=_("At most 365 days. The token stops working afterwards."),
    )
