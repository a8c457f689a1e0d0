"""The daily aftercare job: each patient whose check-in has come is told once — by a plain notice without clinical
content — however often the job runs; nobody is told of a check-in not asked now, and a failed send is retried."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from rugpad.web.aftercare import scheduling
from rugpad.web.aftercare.models import CheckIn
from rugpad.web.aftercare.tasks import announce_due_checkins
from rugpad.web.audit.models import AuditAction, AuditEvent
from rugpad.web.jobs.models import Delivery
from rugpad.web.jobs.notify import plain_text
from rugpad.web.outcomes import clock
from tests.web.aftercare.conftest import TODAY, After


@pytest.fixture
def mailed(after: After) -> After:
    for user, address in (
        (after.world.patient_user, "pat@example.org"),
        (after.world.other_patient_user, "b@example.org"),
    ):
        user.email = address
        user.save()
    return after


def _to(address: str) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if m.to == [address]]


def test_a_doubled_job_tells_each_patient_once(mailed: After) -> None:
    now = timezone.now()
    first = scheduling.notify_due_checkins(TODAY, now)
    second = scheduling.notify_due_checkins(TODAY, now)
    assert (first.notified, second.notified) == (2, 0)  # patient A and patient B, each their 13-week check-in
    assert len(_to("pat@example.org")) == 1 and len(_to("b@example.org")) == 1
    assert Delivery.objects.filter(key=scheduling.notice_key(mailed.first)).count() == 1
    mailed.first.refresh_from_db()
    assert mailed.first.notified_at is not None
    assert CheckIn.objects.get(pk=mailed.second.pk).notified_at is None  # the 26-week one is not due yet


def test_the_notice_carries_no_clinical_content(mailed: After) -> None:
    scheduling.notify_due_checkins(TODAY, timezone.now())
    (message,) = _to("pat@example.org")
    assert message.subject == "Er staat iets voor u klaar in rugpad"
    words = set(re.findall(r"[\w-]+", f"{message.subject} {message.body}".lower()))
    assert words.isdisjoint({"rug", "nek", "pijn", "klachten", "check-in", "nazorg", "controlemoment", "vragen"})
    assert message.body == plain_text(mailed.world.patient_user).body  # the jobs app's one text of every notice


def test_the_notice_is_audited_as_the_jobs_doing(mailed: After) -> None:
    scheduling.notify_due_checkins(TODAY, timezone.now())
    event = AuditEvent.objects.get(object_type="checkin", object_id=str(mailed.first.pk), action=AuditAction.UPDATE)
    assert event.actor_id is None and event.user_agent == "rugpad background job"
    assert event.patient_id == mailed.world.patient.pk and event.practice_id == mailed.world.practice.pk


def test_the_periodic_task_reads_the_outcomes_clock_and_runs_twice_harmlessly(
    mailed: After, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY - dt.timedelta(days=1))
    announce_due_checkins()  # through the queue (immediate in the tests)
    assert mail.outbox == []  # yesterday nothing was due
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    announce_due_checkins()
    announce_due_checkins.call_local()
    assert len(_to("pat@example.org")) == 1


def test_a_missed_check_in_is_not_announced_once_the_next_is_due(mailed: After) -> None:
    later = mailed.second.due_on
    scheduling.notify_due_checkins(later, timezone.now())
    mailed.first.refresh_from_db()
    mailed.second.refresh_from_db()
    assert mailed.first.notified_at is None and mailed.second.notified_at is not None


def test_an_answered_check_in_or_a_patient_without_login_is_not_told(mailed: After) -> None:
    CheckIn.objects.filter(pk=mailed.first.pk).update(answered_at=timezone.now())
    mailed.world.other_patient.user = None
    mailed.world.other_patient.save()
    run = scheduling.notify_due_checkins(TODAY, timezone.now())
    assert run.notified == 0 and mail.outbox == []


def test_a_failed_send_is_given_back_and_sent_by_the_next_run(mailed: After, monkeypatch: pytest.MonkeyPatch) -> None:
    from rugpad.web.jobs import delivery

    real = delivery.send_mail

    def broken(*args: object, **kwargs: object) -> int:
        raise OSError("mail server down")

    monkeypatch.setattr(delivery, "send_mail", broken)
    failed = scheduling.notify_due_checkins(TODAY, timezone.now())
    assert failed.notified == 0
    assert CheckIn.objects.get(pk=mailed.first.pk).notified_at is None
    monkeypatch.setattr(delivery, "send_mail", real)
    again = scheduling.notify_due_checkins(TODAY, timezone.now())
    assert again.notified == 2 and len(_to("pat@example.org")) == 1
