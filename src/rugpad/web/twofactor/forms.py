"""The one field of two-step sign-in: a code from the authenticator app, or a recovery code."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rugpad.core.bounds import LINE
from rugpad.web.fields import TextField
from rugpad.web.twofactor.models import IdentityCheck

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


class PatientResetForm(forms.Form):
    """A clinician resets a patient's two-step sign-in: how they made sure it is the patient, and a short note."""

    identity_check = forms.ChoiceField(
        label=_("How did you check that it is really this patient?"),
        choices=IdentityCheck.choices,
        widget=forms.RadioSelect,
    )
    note = TextField(
        LINE,
        label=_("Note"),
        help_text=_("For example which document you saw, or where you met. Kept with the reset; no medical details."),
    )
