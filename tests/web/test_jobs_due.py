"""The periodic job that requests the questionnaires that fall due (it replaced the cron command `rugpad_schedule`):
every due questionnaire of every open episode requested once, on behalf of the treating clinician, and the patient
told — in one plain e-mail — that there is something for them in rugpad."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from rugpad.web.audit.models import AuditEvent
from rugpad.web.care.models import InstrumentResponse, ResponseStatus
from rugpad.web.jobs import scheduling
from rugpad.web.jobs.tasks import request_due_questionnaires
from rugpad.web.outcomes import clock
from tests.web.conftest import World


def _day(world: World, days: int) -> dt.date:
    return world.episode.started_on + dt.timedelta(days=days)


def _requested(world: World) -> set[tuple[str, str]]:
    rows = InstrumentResponse.objects.filter(episode=world.episode, status=ResponseStatus.REQUESTED)
    return {(r.moment, r.instrument) for r in rows}


@pytest.fixture
def mailed(world: World) -> World:
    world.patient_user.email = "pat@example.org"
    world.patient_user.save()
    return world


def test_the_job_requests_due_questionnaires_once_and_mails_once(mailed: World) -> None:
    first = scheduling.request_due_questionnaires(_day(mailed, 21))
    second = scheduling.request_due_questionnaires(_day(mailed, 21))
    assert {code for moment, code in _requested(mailed) if moment == "reevaluation-3-4-weeks"} == {"nprs", "psk", "odi"}
    # both practices' episodes: intake and re-evaluation, 3 each; only patient A has an e-mail address
    assert first.requested == 12 and first.notified == 1
    assert second.requested == 0 and second.notified == 0
    to_patient = [m for m in mail.outbox if m.to == ["pat@example.org"]]
    assert len(to_patient) == 1
    assert to_patient[0].subject == "Er staat iets voor u klaar in rugpad"
    assert "odi" not in to_patient[0].body.lower() and "vragenlijst" not in to_patient[0].body.lower()


def test_the_periodic_task_reads_the_outcomes_clock(mailed: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: _day(mailed, 0))
    request_due_questionnaires()  # through the queue (immediate in the tests)
    request_due_questionnaires.call_local()
    assert _requested(mailed) == {("intake", "nprs"), ("intake", "psk"), ("intake", "odi")}
    assert len([m for m in mail.outbox if m.to == ["pat@example.org"]]) == 1


def test_requests_are_audited_on_behalf_of_the_treating_clinician(mailed: World) -> None:
    mailed.patient.clinician = mailed.clinician
    mailed.patient.save()
    scheduling.request_due_questionnaires(_day(mailed, 0))
    events = AuditEvent.objects.filter(patient_id=mailed.patient.pk, summary__endswith="requested")
    assert events.count() == 3
    assert {(e.actor_id, e.user_agent) for e in events} == {(mailed.clinician.pk, scheduling.JOB_AGENT)}


def test_an_episode_without_a_treating_clinician_is_skipped(mailed: World) -> None:
    mailed.patient.clinician = None
    mailed.patient.save()
    run = scheduling.request_due_questionnaires(_day(mailed, 0))
    assert run.skipped >= 1 and _requested(mailed) == set() and not mail.outbox


def test_the_cron_command_is_gone(db: None) -> None:
    with pytest.raises(CommandError):
        call_command("rugpad_schedule")
