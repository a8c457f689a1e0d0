"""Who reaches the work records: a patient their own, the clinicians of their practice all of them, nobody else (a
404, never a 403; anonymous visitors are sent to log in). Every read and write is audit-logged."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from rugpad.web.audit.models import AuditAction, AuditEvent
from rugpad.web.demo import as_user
from rugpad.web.outcomes.models import ConsentDecision, ConsentMethod
from rugpad.web.work import actions
from rugpad.web.work.models import BreakRoutine, WorkplaceCheck, WorkReport, WorkReportConsent
from tests.web.conftest import ROLES, World, client_for, refused, user_for_role
from tests.web.work.conftest import DESK_WORKER, ROUTINE, fill_check, patient_client

pytestmark = pytest.mark.db_agnostic  # the same SQL on every database: CI runs it on SQLite only


@pytest.fixture
def recorded(working: World) -> World:
    """Patient A's check, routine, consent and a drafted report."""
    fill_check(patient_client(working), DESK_WORKER)
    request = as_user(working.clinician)
    actions.do_save_routine(
        request,
        working.episode,
        days=[0, 1, 2, 3, 4],
        start=_t("09:00"),
        end=_t("17:00"),
        every_minutes=60,
        active=True,
    )
    actions.do_record_consent(
        request,
        working.episode,
        decision=ConsentDecision.GIVEN,
        method=ConsentMethod.VERBAL,
        given_by="Pat Ienta",
        recipient="Arbodienst",
        note="",
    )
    actions.do_draft_report(
        request, working.episode, today=working.episode.started_on, lang="nl", goal_ids=[], remarks=""
    )
    return working


def _t(value: str) -> Any:
    import datetime as dt

    return dt.time.fromisoformat(value)


def _check(world: World) -> WorkplaceCheck:
    """The first check of patient A (the one the fixture filled in)."""
    found = WorkplaceCheck.objects.filter(episode=world.episode).order_by("pk").first()
    assert found is not None
    return found


def _report(world: World) -> WorkReport:
    """The first report on patient A (the fixture's)."""
    found = WorkReport.objects.filter(episode=world.episode).order_by("pk").first()
    assert found is not None
    return found


CLINICIAN_PAGES: dict[str, Callable[[World], str]] = {
    "episode": lambda w: reverse("work_episode", args=[w.episode.pk]),
    "episode check": lambda w: reverse("work_episode_check", args=[w.episode.pk]),
    "report": lambda w: reverse("work_report", args=[_report(w).pk]),
}

CLINICIAN_WRITES: dict[str, tuple[Callable[[World], str], dict[str, Any]]] = {
    "review": (lambda w: reverse("work_review", args=[_check(w).pk]), {"note": "gezien"}),
    "breaks": (lambda w: reverse("work_episode_breaks", args=[w.episode.pk]), ROUTINE | {"every_minutes": "30"}),
    "consent": (
        lambda w: reverse("work_consent", args=[w.episode.pk]),
        {"decision": "withdrawn", "method": "verbal", "given_by": "X", "recipient": "Y", "note": ""},
    ),
    "new report": (lambda w: reverse("work_new_report", args=[w.episode.pk]), {"lang": "nl", "remarks": ""}),
    "episode check": (lambda w: reverse("work_episode_check", args=[w.episode.pk]), DESK_WORKER),
    "report pdf": (lambda w: reverse("work_report_pdf", args=[_report(w).pk]), {}),
}


def _state(world: World) -> tuple[Any, ...]:
    """What a write could change: the check's review, the routine, consents, reports and their export."""
    check = _check(world)
    routine = BreakRoutine.objects.get(episode=world.episode)
    report = _report(world)
    return (
        WorkplaceCheck.objects.count(),
        check.reviewed_at,
        routine.every_minutes,
        WorkReportConsent.objects.count(),
        WorkReport.objects.count(),
        report.exported_at,
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(CLINICIAN_PAGES))
def test_the_clinician_pages_open_only_to_the_practice_clinicians(recorded: World, page: str, role: str) -> None:
    response = client_for(user_for_role(recorded, role)).get(CLINICIAN_PAGES[page](recorded))
    if role == "clinician_same_practice":
        assert response.status_code == 200
    else:
        assert refused(response.status_code, role), (page, role, response.status_code)


@pytest.mark.parametrize("role", [r for r in ROLES if r != "clinician_same_practice"])
@pytest.mark.parametrize("write", list(CLINICIAN_WRITES))
def test_writes_are_refused_to_everyone_but_the_practice_clinicians(recorded: World, write: str, role: str) -> None:
    before = _state(recorded)
    url, data = CLINICIAN_WRITES[write]
    response = client_for(user_for_role(recorded, role)).post(url(recorded), data)
    assert refused(response.status_code, role), (write, role, response.status_code)
    assert _state(recorded) == before


WRITTEN: dict[str, int] = {"review": 1, "breaks": 2, "consent": 3, "new report": 4, "episode check": 0, "report pdf": 5}
"""Which part of `_state` each write changes."""


@pytest.mark.parametrize("write", list(CLINICIAN_WRITES))
def test_the_practice_clinician_may_write(recorded: World, write: str) -> None:
    before = _state(recorded)
    url, data = CLINICIAN_WRITES[write]
    response = client_for(recorded.clinician).post(url(recorded), data)
    assert response.status_code in (200, 302), (write, response.status_code)
    after = _state(recorded)
    assert [i for i in range(len(before)) if before[i] != after[i]] == [WRITTEN[write]]


PATIENT_PAGES = ("work_me", "work_my_check", "work_my_breaks")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", PATIENT_PAGES)
def test_the_patient_pages_are_for_patients_and_show_only_their_own_records(
    recorded: World, name: str, role: str
) -> None:
    response = client_for(user_for_role(recorded, role)).get(reverse(name))
    if role in ("patient_self", "patient_other"):
        assert response.status_code == 200
        episode = response.context["episode"]
        own = recorded.episode if role == "patient_self" else recorded.other_episode
        assert episode == own
    else:
        assert refused(response.status_code, role)


def test_another_patient_sees_nothing_of_patient_a(recorded: World) -> None:
    page = client_for(recorded.other_patient_user).get(reverse("work_me")).content.decode()
    assert "Zet de bovenkant van uw beeldscherm" not in page  # A's advice
    assert "Houd 20 seconden vast" in page or "Pauzeroutine" in page  # B's own (empty) work page


def test_a_patient_write_lands_on_their_own_episode_only(recorded: World) -> None:
    fill_check(client_for(recorded.other_patient_user), DESK_WORKER)
    assert WorkplaceCheck.objects.filter(episode=recorded.other_episode).count() == 1
    assert WorkplaceCheck.objects.filter(episode=recorded.episode).count() == 1


# --- audit ------------------------------------------------------------------------------------------------------


def _events(world: World, action: AuditAction) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(patient_id=world.patient.pk, action=action).order_by("id"))


def test_every_write_is_audited_with_its_record(working: World) -> None:
    client = patient_client(working)
    fill_check(client, DESK_WORKER)
    client.post(reverse("work_my_breaks"), ROUTINE)
    clinician = client_for(working.clinician)
    clinician.post(reverse("work_review", args=[_check(working).pk]), {"note": "gezien"})
    clinician.post(
        reverse("work_consent", args=[working.episode.pk]),
        {"decision": "given", "method": "verbal", "given_by": "Pat", "recipient": "Arbodienst", "note": ""},
    )
    clinician.post(reverse("work_new_report", args=[working.episode.pk]), {"lang": "nl", "remarks": ""})
    clinician.post(reverse("work_report_pdf", args=[_report(working).pk]))
    writes = [
        (e.action, e.object_type, e.actor_id)
        for e in AuditEvent.objects.filter(patient_id=working.patient.pk)
        .exclude(action=AuditAction.VIEW)
        .filter(object_type__in=["workplacecheck", "breakroutine", "workreportconsent", "workreport"])
        .order_by("id")
    ]
    assert writes == [
        (AuditAction.CREATE, "workplacecheck", working.patient_user.pk),
        (AuditAction.CREATE, "breakroutine", working.patient_user.pk),
        (AuditAction.UPDATE, "workplacecheck", working.clinician.pk),
        (AuditAction.CREATE, "workreportconsent", working.clinician.pk),
        (AuditAction.CREATE, "workreport", working.clinician.pk),
        (AuditAction.EXPORT, "workreport", working.clinician.pk),
    ]


def test_every_read_is_audited_naming_the_work_records_shown(recorded: World) -> None:
    before = len(_events(recorded, AuditAction.VIEW))
    client_for(recorded.clinician).get(reverse("work_episode", args=[recorded.episode.pk]))
    views = _events(recorded, AuditAction.VIEW)[before:]
    assert len(views) == 1  # one event per request and patient
    event = views[0]
    assert event.actor_id == recorded.clinician.pk and event.object_type == "episode"
    for kind in ("workplacecheck", "breakroutine", "workreportconsent", "workreport"):
        assert kind in event.summary, (kind, event.summary)

    before = len(_events(recorded, AuditAction.VIEW))
    patient_client(recorded).get(reverse("work_me"))
    [mine] = _events(recorded, AuditAction.VIEW)[before:]
    assert mine.actor_id == recorded.patient_user.pk
    assert "workplacecheck" in mine.summary and "breakroutine" in mine.summary

    before = len(_events(recorded, AuditAction.VIEW))
    client_for(recorded.clinician).get(reverse("work_report", args=[_report(recorded).pk]))
    [report] = _events(recorded, AuditAction.VIEW)[before:]
    assert report.object_type == "workreport"


def test_a_refused_read_leaves_no_read_of_patient_a(recorded: World) -> None:
    before = len(_events(recorded, AuditAction.VIEW))
    client_for(recorded.other_clinician).get(reverse("work_episode", args=[recorded.episode.pk]))
    client_for(recorded.other_clinician).get(reverse("work_report", args=[_report(recorded).pk]))
    assert len(_events(recorded, AuditAction.VIEW)) == before
