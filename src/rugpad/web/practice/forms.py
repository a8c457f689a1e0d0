"""The practice app's forms: the clinician's API token; the admin's staff invitation and account change; the
invitee's sign-up."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from rugpad.core.bounds import LABEL, LINE, NAME
from rugpad.web.fields import TextField, WholeNumberField
from rugpad.web.passwords import check_chosen_password
from rugpad.web.practice.accounts import registration_problem, username_taken
from rugpad.web.practice.models import STAFF_ROLES, Discipline, Register, Role, StaffInvitation, User
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


# --- staff accounts ----------------------------------------------------------------------------------------------


def _staff_fields() -> dict[str, forms.Field]:
    return {
        "role": forms.ChoiceField(
            label=_("Role"),
            choices=[(role.value, role.label) for role in STAFF_ROLES],
            widget=forms.RadioSelect,
            initial=Role.CLINICIAN,
            help_text=_("A practice admin manages accounts and settings and reads the audit log, not patient records."),
        ),
        "discipline": forms.ChoiceField(
            label=_("Discipline"), choices=[("", _("Not given")), *Discipline.choices], required=False
        ),
        "register": forms.ChoiceField(
            label=_("Register"), choices=[("", _("No registration number")), *Register.choices], required=False
        ),
        "registration_number": TextField(
            LABEL,
            label=_("Registration number"),
            required=False,
            help_text=_("BIG: 11 digits. KP: the number of the Quality Register for Paramedics. Digits only."),
        ),
    }


class _RegistrationCheck(forms.Form):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        problem = registration_problem(data.get("register", ""), data.get("registration_number", "") or "")
        if problem:
            self.add_error(problem[0], problem[1])
        return data


class InviteForm(_RegistrationCheck):
    """Who to invite: the address the link goes to, a name for the admin's list, role and registration."""

    email = forms.EmailField(label=_("E-mail address"), help_text=_("The one-time link to sign up goes here."))
    first_name = TextField(NAME, label=_("First name"), required=False)
    last_name = TextField(NAME, label=_("Last name"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(_staff_fields())


class StaffForm(_RegistrationCheck):
    """An account's role, discipline and registration, as the practice admin changes them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(_staff_fields())


class JoinForm(forms.Form):
    """The invitee chooses a username and a password (checked by Django's password validators)."""

    username = TextField(
        NAME,
        label=_("Choose a username"),
        validators=[UnicodeUsernameValidator()],
        help_text=_("Letters, digits and . @ + - _ only; you sign in with it."),
    )
    password1 = forms.CharField(
        label=_("Choose a password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Repeat the password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args: Any, invitation: StaffInvitation | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invitation = invitation
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        self.fields["password1"].help_text = password_validation.password_validators_help_text_html()

    def clean_username(self) -> str:
        username = str(self.cleaned_data["username"]).strip()
        if username_taken(username):
            raise forms.ValidationError(_("This username is taken; choose another."))
        return username

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        invitation = self.invitation
        person = User(
            username=data.get("username", ""),
            email=invitation.email if invitation else "",
            first_name=invitation.first_name if invitation else "",
            last_name=invitation.last_name if invitation else "",
        )
        check_chosen_password(self, data, person)
        return data
