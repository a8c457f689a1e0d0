"""Forms of the groups app. Every field is built from the core's bounds (`web/fields.py`) or bounded by its format
(a choice, a yes/no, an address); each problem is shown at the field it concerns. The dose of an exercise uses the
plan editor's `DoseForm` (validated by the core's `Dose`), the session result the plan's `EntryForm` without what a
group does not keep."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from rugpad.core.bounds import NAME, SEARCH
from rugpad.core.vocab import LANGUAGE_NAMES
from rugpad.web.fields import TextField
from rugpad.web.groups.models import GroupKind, Participant
from rugpad.web.jobs.forms import TIMES
from rugpad.web.passwords import check_chosen_password
from rugpad.web.plans.forms import EntryForm
from rugpad.web.practice.models import User


class GroupForm(forms.Form):
    name = TextField(
        NAME,
        label=_("Name of the group"),
        help_text=_("As the participants will read it, e.g. the employer's name and department, or the club."),
    )
    kind = forms.ChoiceField(label=_("Kind of group"), choices=GroupKind.choices, widget=forms.RadioSelect)

    def clean_name(self) -> str:
        name = " ".join(str(self.cleaned_data["name"]).split())
        if not name:
            raise forms.ValidationError(_("Give the group a name."))
        return name


class AddExerciseForm(forms.Form):
    exercise = TextField(SEARCH, widget=forms.HiddenInput)
    confirm_caution = forms.BooleanField(
        label=_("I have read the caution; the participants are shown it with the exercise."), required=False
    )


def _language_choices() -> list[tuple[str, str]]:
    return [(lang.value, name) for lang, name in LANGUAGE_NAMES.items()]


class InviteForm(forms.Form):
    """Who to enrol: a first name or nickname and the address the one-time link goes to. Nothing else is asked."""

    name = TextField(NAME, label=_("First name or nickname"))
    email = forms.EmailField(label=_("E-mail address"), help_text=_("The one-time link to join goes here."))
    language = forms.ChoiceField(label=_("Language of the invitation"), choices=_language_choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        page = (get_language() or "nl")[:2]
        self.fields["language"].initial = page if page in dict(_language_choices()) else "nl"

    def clean_name(self) -> str:
        name = " ".join(str(self.cleaned_data["name"]).split())
        if not name:
            raise forms.ValidationError(_("Give a first name or nickname."))
        return name


class JoinForm(forms.Form):
    """The invitee chooses a password (Django's password validators); their user name is their e-mail address."""

    password1 = forms.CharField(
        label=_("Choose a password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Repeat the password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args: Any, participant: Participant | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.participant = participant
        self.fields["password1"].help_text = password_validation.password_validators_help_text_html()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        person = User(
            username=self.participant.email if self.participant else "",
            email=self.participant.email if self.participant else "",
            first_name=self.participant.name if self.participant else "",
        )
        check_chosen_password(self, data, person)
        return data


class RemindersForm(forms.Form):
    reminders = forms.BooleanField(label=_("Remind me on my exercise days"), required=False)
    remind_at = forms.TypedChoiceField(
        label=_("At what time?"),
        choices=[(t.strftime("%H:%M"), t.strftime("%H:%M")) for t in TIMES],
        coerce=lambda value: next(t for t in TIMES if t.strftime("%H:%M") == value),
    )


class LeaveForm(forms.Form):
    sure = forms.BooleanField(
        label=_("Yes, I leave the group. My login and everything I did are deleted."),
        error_messages={"required": _("Tick the box to confirm that you leave the group.")},
    )


class GroupEntryForm(EntryForm):
    """One exercise result of a participant's guided session: the plan's `EntryForm` (key, session key, exercise,
    skipped, the times within their bounds, the owning login) without what a group does not keep — no pain, effort,
    amounts or morning-after answer, so nothing is asked or stored about anybody's body."""

    DROPPED = (
        "item_id",
        "sets_done",
        "reps_done",
        "hold_seconds",
        "minutes",
        "pain_during",
        "effort",
        "settled_since_last",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.DROPPED:
            del self.fields[name]

    def clean(self) -> dict[str, Any]:
        # the plan's form asks for the pain of an exercise done; a group keeps none, so only the fields are checked
        return forms.Form.clean(self) or {}
