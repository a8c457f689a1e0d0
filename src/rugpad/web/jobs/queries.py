"""Reads behind the jobs app's pages: who was reminded, and whether they did what they were reminded of."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet

from rugpad.web.care.models import InstrumentResponse, Patient, ResponseStatus
from rugpad.web.jobs.models import Reminder, ReminderKind
from rugpad.web.plans.models import ExerciseSetLog
from rugpad.web.practice.models import User

REMINDERS_PER_PAGE = 50


@dataclass(frozen=True, slots=True)
class ReminderRow:
    reminder: Reminder
    responded: bool
    """The patient logged an exercise (exercise reminder) or completed a questionnaire (questionnaire reminder)
    after the reminder, the same day."""

    @property
    def reached(self) -> bool:
        return self.reminder.by_email or self.reminder.by_push


def _with_response(reminders: QuerySet[Reminder]) -> QuerySet[Reminder]:
    after = {"done_at__gte": OuterRef("sent_at"), "done_at__date": OuterRef("day")}
    exercised = ExerciseSetLog.objects.filter(session__patient=OuterRef("patient"), skipped=False, **after)
    answered = InstrumentResponse.objects.filter(
        episode__patient=OuterRef("patient"),
        status=ResponseStatus.COMPLETED,
        completed_at__gte=OuterRef("sent_at"),
        completed_at__date=OuterRef("day"),
    )
    return reminders.annotate(exercised=Exists(exercised), answered=Exists(answered))


def _rows(reminders: list[Reminder]) -> list[ReminderRow]:
    return [
        ReminderRow(r, bool(r.exercised if r.kind == ReminderKind.EXERCISES else r.answered))  # type: ignore[attr-defined]
        for r in reminders
    ]


def practice_reminders(clinician: User, page: int) -> tuple[list[ReminderRow], bool]:
    """A page of the practice's reminders, newest first, and whether an older page follows (no count: a page
    costs the same however many reminders the practice has sent)."""
    assert clinician.practice_id is not None  # require_clinician
    start = (page - 1) * REMINDERS_PER_PAGE
    found = list(
        _with_response(Reminder.objects.filter(patient__practice_id=clinician.practice_id))
        .select_related("patient")
        .order_by("-sent_at", "-id")[start : start + REMINDERS_PER_PAGE + 1]
    )
    return _rows(found[:REMINDERS_PER_PAGE]), len(found) > REMINDERS_PER_PAGE


def patient_reminders(patient: Patient, limit: int = 10) -> list[ReminderRow]:
    """The patient's latest reminders (for their clinician's episode page)."""
    return _rows(list(_with_response(Reminder.objects.filter(patient=patient)).order_by("-sent_at", "-id")[:limit]))
