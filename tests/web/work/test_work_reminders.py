"""Break reminders through the working day: one at each break of a working day, however often the job runs; none
on a day off, outside the working day or after a break's quarter of an hour; none while a red flag is open, once the
episode is closed or with reminders off; the notification says nothing clinical; the clinician sees what was sent."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from rugpad.web.audit.models import AuditAction, AuditEvent
from rugpad.web.care import actions as care_actions
from rugpad.web.care.models import EpisodeStatus
from rugpad.web.demo import as_user
from rugpad.web.jobs.models import Delivery
from rugpad.web.work import scheduling
from rugpad.web.work.models import BreakReminder, BreakRoutine
from rugpad.web.work.tasks import send_break_reminders
from tests.web.conftest import World, client_for
from tests.web.work.conftest import patient_client, set_routine

MONDAY = dt.date(2026, 11, 23)
CLINICAL_WORDS = (
    "oefening", "exercise", "bekken", "pelvic", "stretch", "pijn", "pain", "werkplek", "workplace",
    "advies", "advice", "pauze", "break", "rode vlag", "red flag", "episode",
)  # fmt: skip


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def mails() -> list[Any]:
    return [m for m in mail.outbox if "pat@example.org" in m.to]


@pytest.fixture
def routine(working: World) -> World:
    """Patient A's break routine, set on their phone: Monday to Friday, 09:00-17:00, a break every hour."""
    assert set_routine(patient_client(working)).status_code == 302
    return working


def test_a_break_is_reminded_of_once_however_often_the_job_runs(routine: World) -> None:
    first = scheduling.send_break_reminders(at(MONDAY, 10, 2))
    again = scheduling.send_break_reminders(at(MONDAY, 10, 7)) + scheduling.send_break_reminders(at(MONDAY, 10, 12))
    assert [(r.day, f"{r.at:%H:%M}") for r in first] == [(MONDAY, "10:00")] and again == []
    assert BreakReminder.objects.count() == 1 and len(mails()) == 1
    assert Delivery.objects.filter(key__startswith="work-break:").count() == 1


def test_the_reminder_says_nothing_clinical(routine: World) -> None:
    scheduling.send_break_reminders(at(MONDAY, 10, 2))
    [message] = mails()
    words = f"{message.subject} {message.body}".lower()
    assert [word for word in CLINICAL_WORDS if word in words] == []
    assert "rugpad" in words


def test_every_break_of_the_day_is_reminded_of_in_its_own_quarter_of_an_hour(routine: World) -> None:
    assert len(scheduling.send_break_reminders(at(MONDAY, 10, 0))) == 1
    assert len(scheduling.send_break_reminders(at(MONDAY, 11, 14))) == 1
    assert scheduling.send_break_reminders(at(MONDAY, 12, 15)) == []  # the 12:00 break has passed: not late
    assert [f"{r.at:%H:%M}" for r in BreakReminder.objects.order_by("at")] == ["10:00", "11:00"]


def test_the_periodic_task_itself_sends_once(routine: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timezone, "now", lambda: at(MONDAY, 14, 3))
    send_break_reminders.call_local()
    send_break_reminders()  # through the queue (immediate in the tests)
    assert len(mails()) == 1 and BreakReminder.objects.get().at == dt.time(14, 0)


@pytest.mark.parametrize(
    "moment",
    [
        at(MONDAY + dt.timedelta(days=5), 10, 0),  # Saturday
        at(MONDAY, 9, 0),  # the start of the working day is no break
        at(MONDAY, 9, 30),
        at(MONDAY, 17, 0),  # nor its end
        at(MONDAY, 22, 0),
    ],
)
def test_no_reminder_on_a_day_off_or_outside_the_breaks(routine: World, moment: dt.datetime) -> None:
    assert scheduling.send_break_reminders(moment) == []
    assert mails() == []


def test_no_reminder_while_a_red_flag_is_open(routine: World) -> None:
    care_actions.do_save_screening(as_user(routine.clinician), routine.episode, ["saddle_anaesthesia"], notes="")
    assert scheduling.send_break_reminders(at(MONDAY, 10, 2)) == []
    page = patient_client(routine).get(reverse("work_me")).content.decode()
    assert "Pauzeherinneringen staan voorlopig stil." in page and "Staande bekkenrek" not in page


def test_no_reminder_while_a_red_flag_is_open_in_another_episode_of_the_patient(routine: World) -> None:
    request = as_user(routine.clinician)
    other = care_actions.do_open_episode(
        request, routine.patient, region="neck", started_on=MONDAY - dt.timedelta(days=1), onset_on=None
    )
    care_actions.do_save_screening(request, other, ["saddle_anaesthesia"], notes="")
    assert scheduling.send_break_reminders(at(MONDAY, 10, 2)) == []


def test_no_reminder_before_the_red_flag_screening(routine: World) -> None:
    """The pathway's gate is shut until the screening is done: no exercise is offered, so no break reminds of one."""
    from rugpad.web.care.models import Screening

    Screening.objects.filter(episode=routine.episode).delete()
    assert scheduling.send_break_reminders(at(MONDAY, 10, 2)) == []


def test_no_reminder_once_the_episode_is_closed(routine: World) -> None:
    routine.episode.status = EpisodeStatus.CLOSED
    routine.episode.save()
    assert scheduling.send_break_reminders(at(MONDAY, 10, 2)) == []


def test_no_reminder_with_reminders_switched_off(routine: World) -> None:
    set_routine(patient_client(routine), active="")
    assert BreakRoutine.objects.get().active is False
    assert scheduling.send_break_reminders(at(MONDAY, 10, 2)) == []


def test_a_failing_mail_server_gives_the_break_back_within_its_window(
    routine: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rugpad.web.jobs import delivery

    def broken(*args: Any, **kwargs: Any) -> None:
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(delivery, "send_mail", broken)
    assert scheduling.send_break_reminders(at(MONDAY, 10, 1)) == []
    assert not BreakReminder.objects.exists() and not Delivery.objects.exists()
    monkeypatch.undo()
    assert len(scheduling.send_break_reminders(at(MONDAY, 10, 6))) == 1
    assert len(mails()) == 1


def test_a_patient_without_an_address_is_not_reached_and_the_clinician_sees_it(routine: World) -> None:
    routine.patient_user.email = ""
    routine.patient_user.save()
    [reminder] = scheduling.send_break_reminders(at(MONDAY, 10, 2))
    assert not reminder.by_email and not reminder.by_push
    page = client_for(routine.clinician).get(reverse("work_episode", args=[routine.episode.pk])).content.decode()
    assert "geen e-mailadres of telefoon bereikt" in page


def test_the_clinician_sees_the_reminders_sent_and_each_is_audited(routine: World) -> None:
    scheduling.send_break_reminders(at(MONDAY, 10, 2))
    page = client_for(routine.clinician).get(reverse("work_episode", args=[routine.episode.pk])).content.decode()
    assert "23-11-2026 10:00 – per e-mail" in page
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="breakreminder")
    assert event.patient_id == routine.patient.pk and event.summary == "break reminder 10:00: e-mail"
    assert event.practice_id == routine.practice.pk
