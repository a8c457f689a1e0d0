"""The one field of two-step sign-in: a code from the authenticator app, or a recovery code."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rugpad.core.bounds import LINE
from rugpad.web.fields import TextField

CODE_MAX_LENGTH = 20
"""Six digits or a recovery code (12 characters, 8 for one made before 2026-12), with room for dashes and spaces."""


class AppCodeForm(forms.Form):
    """Setting up: the six digits the app shows now."""

    code = TextField(
        LINE,
        label=_("Code from the app"),
        max_length=CODE_MAX_LENGTH,
        help_text=_("The six digits your authenticator app shows for rugpad."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false", "autofocus": True}
        ),
    )


class SignInCodeForm(forms.Form):
    """Signing in: the app's six digits, or one of the recovery codes."""

    code = TextField(
        LINE,
        label=_("Code"),
        max_length=CODE_MAX_LENGTH,
        help_text=_("The six digits your authenticator app shows, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "off", "autofocus": True}
        ),
    )
