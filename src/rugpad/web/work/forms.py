"""Forms of the work pages; every message names its field. The questions and options of the workplace check are the
engine's content, in the reader's language."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from rugpad import engine
from rugpad.core.bounds import NOTE, RECORD
from rugpad.core.errors import InvalidInput
from rugpad.core.vocab import Lang
from rugpad.core.work import BREAK_INTERVALS, BreakSchedule, WorkTopic
from rugpad.web.fields import TextField
from rugpad.web.outcomes.forms import ConsentForm
from rugpad.web.work.clinical import Goal
from rugpad.web.work.models import WorkReportConsent

TIMES = [dt.time(hour, minute) for hour in range(5, 24) for minute in (0, 15, 30, 45)]
"""The times a working day may start or end: every quarter of an hour from 05:00 (a list, easier on a phone than a
typed time, and it cannot be mistyped)."""

REPORT_LANGUAGES = [(Lang.NL.value, "Nederlands"), (Lang.FR.value, "Français"), (Lang.EN.value, "English")]


def _time(value: str) -> dt.time:
    return dt.datetime.strptime(value, "%H:%M").time()


INTERVAL_LABELS = {
    30: _("every half hour"),
    45: _("every 45 minutes"),
    60: _("every hour"),
    90: _("every hour and a half"),
    120: _("every two hours"),
}
"""How each interval of `BREAK_INTERVALS` reads (a test holds the two lists together)."""


TOPIC_LABELS = {
    WorkTopic.WORK: _("Your work"),
    WorkTopic.DESK: _("Desk and chair"),
    WorkTopic.SCREEN: _("Screen"),
    WorkTopic.SITTING: _("Sitting and breaks"),
    WorkTopic.LIFTING: _("Lifting and carrying"),
    WorkTopic.PRESSURE: _("Work pressure"),
    WorkTopic.ABSENCE: _("Working less"),
}
"""The headings the check's questions are grouped under, one per topic of the core."""


class WorkplaceCheckForm(forms.Form):
    """One radio group per question of the check, every question required; each field knows its topic's heading
    (`topic_label`), so the page groups the questions."""

    def __init__(self, *args: Any, lang: Lang, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in engine.work_content().questions:
            self.fields[question.id] = forms.ChoiceField(
                label=question.text.get(lang),
                choices=[(option.id, option.text.get(lang)) for option in question.options],
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose the answer that fits best."),
                    "invalid_choice": _("Choose one of the answers given."),
                },
            )
            self.fields[question.id].topic_label = TOPIC_LABELS[question.topic]  # type: ignore[attr-defined]


class BreakRoutineForm(forms.Form):
    days = forms.TypedMultipleChoiceField(
        label=_("On which days do you work?"),
        choices=[(str(day), WEEKDAYS[day]) for day in range(7)],
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one working day.")},
    )
    start = forms.TypedChoiceField(
        label=_("My working day starts at"),
        choices=[(f"{t:%H:%M}", f"{t:%H:%M}") for t in TIMES],
        coerce=_time,
        initial="09:00",
    )
    end = forms.TypedChoiceField(
        label=_("My working day ends at"),
        choices=[(f"{t:%H:%M}", f"{t:%H:%M}") for t in TIMES],
        coerce=_time,
        initial="17:00",
    )
    every_minutes = forms.TypedChoiceField(
        label=_("A short break"),
        choices=[(str(minutes), INTERVAL_LABELS[minutes]) for minutes in BREAK_INTERVALS],
        coerce=int,
        initial="60",
    )
    active = forms.BooleanField(label=_("Remind me at every break"), required=False, initial=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            BreakSchedule(frozenset(data["days"]), data["start"], data["end"], data["every_minutes"])
        except InvalidInput as error:
            message = {
                "days": _("Choose at least one working day."),
                "end": _("The working day ends before it starts.")
                if data["end"] <= data["start"]
                else _("No break fits in this working day: choose a shorter time between breaks or a longer day."),
            }.get(error.field, str(error))
            self.add_error(error.field if error.field in self.fields else None, message)
        return data


class ReviewForm(forms.Form):
    note = TextField(
        NOTE,
        label=_("Your note on the workplace check"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you discussed or agreed with the patient. It is shown to the patient."),
    )


class WorkConsentForm(ConsentForm):
    """The GP letter's consent form, for the occupational physician's report."""

    class Meta(ConsentForm.Meta):
        model = WorkReportConsent  # type: ignore[assignment]  # the same fields, its own table


class WorkReportForm(forms.Form):
    lang = forms.ChoiceField(label=_("language of the report"), choices=REPORT_LANGUAGES)
    goals = forms.TypedMultipleChoiceField(
        label=_("Goals about work from the treatment plan"),
        choices=[],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Goals that mention work are ticked already; tick the ones that matter for work."),
    )
    remarks = TextField(
        RECORD,
        label=_("Remarks for the report"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example what the patient can do at work now, and what you advise to build up."),
    )

    def __init__(self, *args: Any, goals: list[Goal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goals"].choices = [(str(goal.item.pk), goal.text) for goal in goals]  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial.setdefault("goals", [str(goal.item.pk) for goal in goals if goal.about_work])
