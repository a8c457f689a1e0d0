"""The participants' reminders: once on a day their programme has exercises and they have not exercised yet, at
their time, with the jobs app's plain text; a doubled or repeated job sends nothing twice."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core import mail
from django.utils import timezone

from rugpad.web.audit.models import AuditEvent
from rugpad.web.groups import actions
from rugpad.web.groups.models import ExerciseGroup, GroupReminder, GroupSession, Participant
from rugpad.web.groups.scheduling import send_group_reminders
from rugpad.web.groups.tasks import send_group_reminders as periodic_task
from rugpad.web.practice.models import User
from tests.web.conftest import World
from tests.web.groups.conftest import Capture, enrol

MONDAY = dt.date(2026, 11, 23)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def lotte(world: World, group: ExerciseGroup, django_capture_on_commit_callbacks: Capture) -> Participant:
    _client, user = enrol(world, group, django_capture_on_commit_callbacks, "Lotte", "lotte@example.nl")
    participant = Participant.objects.get(user=user)
    actions.do_save_reminders(user, participant, reminders=True, remind_at=dt.time(18, 0))
    mail.outbox.clear()
    return participant


def test_a_reminder_goes_out_once_a_day_with_no_content(lotte: Participant) -> None:
    assert send_group_reminders(_at(MONDAY, 17, 55)) == []  # not yet
    sent = send_group_reminders(_at(MONDAY, 18, 5))
    assert [r.participant_id for r in sent] == [lotte.pk]
    assert send_group_reminders(_at(MONDAY, 18, 10)) == []  # the same day again: nothing
    assert len(mail.outbox) == 1
    body = mail.outbox[0].subject + mail.outbox[0].body
    for word in ("Brug", "Kat", "Jansen", "oefen", "exercise", "Lotte"):
        assert word not in body  # no exercise, group or name: only that there is something in rugpad
    assert GroupReminder.objects.get().by_email
    assert AuditEvent.objects.filter(object_type="groupreminder", summary__contains="e-mail").count() == 1
    assert len(send_group_reminders(_at(MONDAY + dt.timedelta(days=1), 18, 5))) == 1  # a new day


def test_the_periodic_job_twice_at_once_reminds_once(lotte: Participant) -> None:
    now = _at(MONDAY, 18, 5)
    first, second = send_group_reminders(now), send_group_reminders(now)
    assert len(first) + len(second) == 1 and len(mail.outbox) == 1
    assert GroupReminder.objects.count() == 1


def test_no_reminder_when_switched_off_already_exercised_no_exercise_day_or_after_leaving(
    world: World, group: ExerciseGroup, lotte: Participant
) -> None:
    Participant.objects.filter(pk=lotte.pk).update(reminders=False)
    assert send_group_reminders(_at(MONDAY, 18, 5)) == []
    Participant.objects.filter(pk=lotte.pk).update(reminders=True)
    GroupSession.objects.create(key=uuid.uuid4(), participant=lotte, group=group, day=MONDAY, done=1)
    assert send_group_reminders(_at(MONDAY, 18, 5)) == []  # done today
    # a programme of only the bridge (2 days a week, laid out on Monday and Friday) has no exercise on Tuesday
    group.exercises.filter(exercise_id="cat-camel").delete()
    assert send_group_reminders(_at(MONDAY + dt.timedelta(days=1), 18, 5)) == []
    assert len(send_group_reminders(_at(MONDAY + dt.timedelta(days=4), 18, 5))) == 1
    user = lotte.user
    assert user is not None
    actions.do_leave_group(user, lotte)
    assert send_group_reminders(_at(MONDAY + dt.timedelta(days=7), 18, 5)) == []
    assert len(mail.outbox) == 1


def test_the_periodic_task_is_registered_and_runs(lotte: Participant) -> None:
    assert periodic_task.call_local() in (0, 1)  # whatever the clock says now, it runs and sends at most once
    assert periodic_task.call_local() == 0 or GroupReminder.objects.count() <= 1


def test_only_participants_are_reminded(world: World, group: ExerciseGroup, lotte: Participant) -> None:
    # a patient's login named in a participation (which the actions never make) is not reminded by this job
    patient_login: User = world.patient_user
    Participant.objects.create(
        group=group,
        name="Pat",
        email="pat@example.nl",
        user=patient_login,
        expires_at=timezone.now(),
        joined_at=timezone.now(),
        reminders=True,
    )
    assert [r.participant_id for r in send_group_reminders(_at(MONDAY, 18, 5))] == [lotte.pk]
