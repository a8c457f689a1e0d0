"""The patient's reminder settings form."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

TIMES = [dt.time(hour, minute) for hour in range(6, 23) for minute in (0, 30)]
"""The times of day a patient may choose: every half hour from 06:00 to 22:30 (a list, not a typed time, which is
easier on a phone and cannot be mistyped)."""


class ReminderSettingsForm(forms.Form):
    exercises = forms.BooleanField(label=_("Remind me of today's exercises"), required=False)
    questionnaires = forms.BooleanField(label=_("Remind me when a questionnaire is waiting for me"), required=False)
    at = forms.TypedChoiceField(
        label=_("At what time?"),
        choices=[(t.strftime("%H:%M"), t.strftime("%H:%M")) for t in TIMES],
        coerce=lambda value: dt.datetime.strptime(value, "%H:%M").time(),
    )
