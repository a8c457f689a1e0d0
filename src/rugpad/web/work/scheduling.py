"""Break reminders through the working day (`tasks.py` hands this to Huey every five minutes).

At each break of a patient's routine — on a working day, at the break's time or less than `BREAK_WINDOW` after it
— the patient is sent the jobs app's plain notification (e-mail, and push on a phone with the app), which says only
that there is something for them in rugpad: never an exercise, a complaint or a word about their care.

Idempotent, as the jobs app's reminders: the `BreakReminder` row (unique per routine, day and break) is claimed
before anything is sent, and the notification goes out under a `Delivery` key naming the same three, so a doubled
or retried job sends nothing twice. Nothing clinical is decided here: whether the episode is closed, has an open
red flag or may go on is read from the episodes' one clinical state (`work.clinical.reminders_wait`)."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from rugpad.core.work import BREAK_WINDOW
from rugpad.web.care.models import EpisodeStatus
from rugpad.web.jobs.notify import send_claimed
from rugpad.web.practice.models import Role
from rugpad.web.work import clinical
from rugpad.web.work.models import BreakReminder, BreakRoutine

logger = logging.getLogger(__name__)


def _routines_due(local: dt.datetime) -> list[BreakRoutine]:
    """The active routines of open episodes, today a working day, whose working day holds `local` or ended less
    than a window ago; only routines of patients who can sign in."""
    start_of_day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    earliest = max(local - BREAK_WINDOW, start_of_day).time()
    return list(
        BreakRoutine.objects.filter(
            active=True,
            episode__status=EpisodeStatus.OPEN,
            days__contains=str(local.weekday()),
            start__lt=local.time(),
            end__gt=earliest,
        )
        .filter(episode__patient__user__is_active=True, episode__patient__user__role=Role.PATIENT)
        .select_related("episode__patient__user", "episode__patient__practice")
        .order_by("pk")
    )


def _claim(routine: BreakRoutine, day: dt.date, at: dt.time, now: dt.datetime) -> BreakReminder | None:
    try:
        with transaction.atomic():
            return BreakReminder.objects.create(
                routine=routine, patient=routine.episode.patient, day=day, at=at, sent_at=now
            )
    except IntegrityError:
        return None


def remind(routine: BreakRoutine, day: dt.date, at: dt.time, now: dt.datetime) -> BreakReminder | None:
    """Sends the reminder of one break, unless it was sent (or is being sent) already. The row stays when no channel
    reached the patient (no address, no phone): the break has passed, it is not retried."""
    reminder = _claim(routine, day, at, now)
    if reminder is None:
        return None
    patient = routine.episode.patient
    user = patient.user
    assert user is not None  # `_routines_due` takes only patients with a login
    # a failed mail gives the break back: the next run may remind of it again, within its window
    send_claimed(
        reminder,
        f"work-break:{routine.pk}:{day.isoformat()}:{at:%H%M}",
        user,
        what=f"break reminder {at:%H:%M}",
        practice=patient.practice,
        patient_id=patient.pk,
        reader="patient",
    )
    return reminder


def send_break_reminders(now: dt.datetime) -> list[BreakReminder]:
    """Every break reminder due at `now`. A failing mail server stops one patient's reminder, not the others'."""
    local = timezone.localtime(now)
    day = local.date()
    sent = []
    for routine in _routines_due(local):
        at = routine.schedule().due(local)
        if at is None:
            continue
        if clinical.reminders_wait(routine.episode, clinical.open_states(routine.episode, day)):
            continue
        try:
            reminder = remind(routine, day, at, now)
        except Exception:
            logger.exception("break reminder for routine %s not sent", routine.pk)
            continue
        if reminder is not None:
            sent.append(reminder)
    return sent
