"""The participants' reminders (`tasks.py` hands this to Huey every five minutes).

A participant who switched the reminder on is reminded once on a day their group's programme has exercises (each
exercise's days a week spread over the week as the plans app lays them out, `plans.schedule.training_days`) and
they have not done a session yet, at their chosen time or up to the jobs app's `REMINDER_WINDOW` later. The
notification is the jobs app's plain one ("there is something for you in rugpad"): no exercise, no group, nothing
about anybody's body.

Idempotent, as the jobs app's reminders: the `GroupReminder` row (unique per participant and day) is claimed
before anything is sent, and the notification goes out under a `Delivery` key naming the same two, so a doubled
or retried job sends nothing twice."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from rugpad.web.groups.models import GroupExercise, GroupReminder, GroupSession, Participant
from rugpad.web.jobs.notify import send_claimed
from rugpad.web.jobs.scheduling import REMINDER_WINDOW
from rugpad.web.plans.schedule import training_days
from rugpad.web.practice.models import Role

logger = logging.getLogger(__name__)


def _participants_due(local: dt.datetime) -> list[Participant]:
    """Participants with a login whose reminder time lies in the window ending now (never yesterday's)."""
    start_of_day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    earliest = max(local - REMINDER_WINDOW, start_of_day).time()
    return list(
        Participant.objects.filter(reminders=True, remind_at__lte=local.time(), remind_at__gte=earliest)
        .filter(user__is_active=True, user__role=Role.PARTICIPANT)
        .select_related("user", "group__practice")
        .order_by("pk")
    )


def exercise_day(participant: Participant, day: dt.date) -> bool:
    """The programme has exercises on this weekday, and the participant has done no session yet that day."""
    planned = any(
        day.weekday() in training_days(row.dose())
        for row in GroupExercise.objects.filter(group_id=participant.group_id)
    )
    return planned and not GroupSession.objects.filter(participant=participant, day=day, done__gt=0).exists()


def _claim(participant: Participant, day: dt.date, now: dt.datetime) -> GroupReminder | None:
    try:
        with transaction.atomic():
            return GroupReminder.objects.create(participant=participant, day=day, sent_at=now)
    except IntegrityError:
        return None


def remind(participant: Participant, day: dt.date, now: dt.datetime) -> GroupReminder | None:
    """Sends the day's reminder, unless it was sent (or is being sent) already. The row stays when no channel
    reached the participant: the day is not retried."""
    reminder = _claim(participant, day, now)
    if reminder is None:
        return None
    user = participant.user
    assert user is not None  # `_participants_due` takes only participants with a login
    send_claimed(
        reminder,
        f"group-reminder:{participant.pk}:{day.isoformat()}",
        user,
        what="group exercise reminder",
        practice=participant.group.practice,
        patient_id=None,
        reader="participant",
    )
    return reminder


def send_group_reminders(now: dt.datetime) -> list[GroupReminder]:
    """Every reminder due at `now`. A failing mail server stops one participant's reminder, not the others'."""
    local = timezone.localtime(now)
    day = local.date()
    sent = []
    for participant in _participants_due(local):
        if not exercise_day(participant, day):
            continue
        try:
            reminder = remind(participant, day, now)
        except Exception:
            logger.exception("group reminder for participant %s not sent", participant.pk)
            continue
        if reminder is not None:
            sent.append(reminder)
    return sent
