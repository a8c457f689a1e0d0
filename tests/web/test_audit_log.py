"""Every read and write of a patient record leaves an audit event; the log cannot be changed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rugpad.web.audit.models import AppendOnlyError, AuditAction, AuditEvent
from tests.web.conftest import World, client_for


def test_viewing_an_episode_writes_who_what_when_and_from_where(world: World) -> None:
    client = client_for(world.clinician)
    client.get(reverse("episode_detail", args=[world.episode.pk]), REMOTE_ADDR="10.1.2.3")
    event = AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="episode").first()
    assert event is not None
    assert event.actor_name == world.clinician.username
    assert event.patient_id == world.patient.pk
    assert event.object_id == str(world.episode.pk)
    assert event.ip_address == "10.1.2.3"
    assert event.at is not None


def test_api_reads_are_audited_too(world: World) -> None:
    before = AuditEvent.objects.filter(action=AuditAction.VIEW).count()
    client_for(world.clinician).get(f"/api/patients/{world.patient.pk}")
    assert AuditEvent.objects.filter(action=AuditAction.VIEW).count() == before + 1


def test_a_refused_read_writes_no_view_event_about_the_record(world: World) -> None:
    before = AuditEvent.objects.filter(patient_id=world.patient.pk, action=AuditAction.VIEW).count()
    client_for(world.other_clinician).get(reverse("episode_detail", args=[world.episode.pk]))
    assert AuditEvent.objects.filter(patient_id=world.patient.pk, action=AuditAction.VIEW).count() == before


def test_every_write_is_audited_in_the_same_transaction(world: World) -> None:
    client = client_for(world.clinician)
    client.post(reverse("episode_screening", args=[world.episode.pk]), {"sign_fever": "on", "notes": ""})
    event = AuditEvent.objects.filter(action=AuditAction.UPDATE, object_type="screening").first()
    assert event is not None and event.patient_id == world.patient.pk


def test_audit_events_cannot_be_changed_or_deleted(world: World) -> None:
    event = AuditEvent.objects.first()
    assert event is not None
    event.summary = "tampered"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update(summary="x")


def test_admin_filters_the_log_by_patient_and_action(world: World) -> None:
    client_for(world.clinician).get(reverse("patient_detail", args=[world.patient.pk]))
    page = client_for(world.admin).get(reverse("audit_log"), {"patient": world.patient.pk, "action": "view"})
    assert page.status_code == 200
    events = list(page.context["events"])
    assert events and all(e.patient_id == world.patient.pk and e.action == "view" for e in events)


def test_admin_sees_only_their_own_practice(world: World) -> None:
    client_for(world.other_clinician).get(reverse("patient_detail", args=[world.other_patient.pk]))
    page = client_for(world.admin).get(reverse("audit_log"))
    assert all(e.practice_id == world.practice.pk for e in page.context["events"])


def test_logins_and_failed_logins_are_logged(world: World) -> None:
    from django.test import Client

    Client().post(reverse("login"), {"username": world.clinician.username, "password": "wrong"})
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).exists()


def test_the_admin_page_shows_no_clinical_summaries_and_its_reading_is_logged(world: World) -> None:
    client_for(world.clinician).post(reverse("episode_screening", args=[world.episode.pk]), {"sign_fever": "on"})
    page = client_for(world.admin).get(reverse("audit_log")).content.decode()
    assert "red-flag screening" not in page  # the summary ("red-flag screening: 1 signs") stays out
    assert AuditEvent.objects.filter(actor=world.admin, summary="audit log read").exists()


def test_patient_searches_and_api_tokens_are_logged(world: World) -> None:
    from rugpad.web.practice.tokens import do_create_token

    client_for(world.clinician).get(reverse("patient_list"), {"q": "Ient"})
    assert AuditEvent.objects.filter(
        actor=world.clinician, action=AuditAction.LIST, summary="patient list or search: 1 patients"
    ).exists()
    do_create_token(world.clinician, "laptop")
    assert AuditEvent.objects.filter(object_type="apitoken", action=AuditAction.CREATE).exists()


def _events_of(client_call: object) -> list[AuditEvent]:
    """The events one request wrote (ids above the last one before it)."""
    assert callable(client_call)
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    client_call()
    return list(AuditEvent.objects.filter(id__gt=last).order_by("id"))


def test_the_dashboard_writes_one_list_event_with_how_many_patients_it_shows(world: World) -> None:
    client = client_for(world.clinician)
    events = _events_of(lambda: client.get(reverse("home")))
    assert [(e.action, e.summary, e.actor_id) for e in events] == [
        (AuditAction.LIST, "dashboard: 1 patients", world.clinician.pk)
    ]


def test_the_patient_list_and_each_search_write_one_list_event(world: World) -> None:
    client = client_for(world.clinician)
    for query, found in (({}, 1), ({"q": "nobody"}, 0)):
        events = _events_of(lambda q=query: client.get(reverse("patient_list"), q))  # type: ignore[misc]
        assert [(e.action, e.summary) for e in events] == [
            (AuditAction.LIST, f"patient list or search: {found} patients")
        ]
    htmx = _events_of(lambda: client.get(reverse("patient_list"), {"q": "Ient"}, HTTP_HX_REQUEST="true"))
    assert [e.summary for e in htmx] == ["patient list or search: 1 patients"]


def test_a_patients_diary_list_writes_one_event_naming_the_patient_and_the_list(world: World) -> None:
    client = client_for(world.clinician)
    events = _events_of(lambda: client.get(reverse("portal_patient_diary", args=[world.patient.pk])))
    assert [(e.action, e.patient_id, e.summary) for e in events] == [
        (AuditAction.VIEW, world.patient.pk, "diary entries and alerts")
    ]


def test_assigning_education_is_logged_as_such_not_as_creating_an_episode(world: World) -> None:
    client = client_for(world.clinician)
    events = _events_of(lambda: client.post(reverse("outcomes_assign_education", args=[world.episode.pk])))
    assigned = [e for e in events if e.action == AuditAction.ASSIGN]
    assert assigned and all(e.object_type == "educationassignment" for e in assigned)
    assert all(e.summary.startswith("education assigned: ") and e.patient_id == world.patient.pk for e in assigned)
    assert not [e for e in events if e.action == AuditAction.CREATE and e.object_type == "episode"]


def test_a_password_change_is_logged(world: World) -> None:
    client = client_for(world.clinician)
    new = "Lang-en-sterk-wachtwoord-2026"
    answer = client.post(
        reverse("password_change"),
        {"old_password": "pw-123456789", "new_password1": new, "new_password2": new},
    )
    assert answer.status_code == 302
    event = AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGE).get()
    assert (event.actor_id, event.object_type, event.object_id) == (
        world.clinician.pk,
        "user",
        str(world.clinician.pk),
    )
    assert event.practice_id == world.practice.pk
