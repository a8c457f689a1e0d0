"""What a participant does: the guided session (done or skipped, no pain kept, each result once), their reminder
setting, and leaving the group — their data deleted, their login closed, the audit trail kept."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rugpad.web.audit.models import AuditEvent
from rugpad.web.groups.models import ExerciseGroup, GroupEntry, GroupSession, Participant
from rugpad.web.practice.models import User
from tests.web.conftest import World, client_for
from tests.web.groups.conftest import PASSWORD, Capture, enrol


@pytest.fixture
def lotte(world: World, group: ExerciseGroup, django_capture_on_commit_callbacks: Capture) -> tuple[Client, User]:
    return enrol(world, group, django_capture_on_commit_callbacks, "Lotte", "lotte@example.nl")


def _log(client: Client, **fields: Any) -> Any:
    entry = {
        "key": str(uuid.uuid4()),
        "session_key": str(uuid.uuid4()),
        "exercise_id": "bridge",
        "skipped": False,
        "pain_during": 7,
        "effort": "hard",
        "done_at": timezone.now().isoformat(),
        **fields,
    }
    return client.post(reverse("groups_session_log"), json.dumps(entry), content_type="application/json")


def test_the_guided_session_offers_todays_exercises_without_the_pain_question(lotte: tuple[Client, User]) -> None:
    client, _user = lotte
    page = client.get(reverse("groups_session"), {"all": "1"})
    body = page.content.decode()
    assert page.status_code == 200 and 'data-ask-pain="false"' in body
    assert [e["exercise_id"] for e in page.context["exercises"]] == ["bridge", "cat-camel"]
    assert "pain-choice" not in body and "settled" not in body  # nothing is asked about the body
    assert 'data-log-url="/groups/me/session/log/"' in body


def test_a_result_is_stored_once_and_keeps_no_pain(lotte: tuple[Client, User]) -> None:
    client, _user = lotte
    session_key = str(uuid.uuid4())
    first = _log(client, session_key=session_key)
    assert first.status_code == 201, first.content
    key = first.json()["key"]
    assert _log(client, key=key, session_key=session_key).status_code == 200  # a retry stores nothing
    _log(client, session_key=session_key, exercise_id="cat-camel", skipped=True)
    session = GroupSession.objects.get(key=session_key)
    assert session.done == 1 and session.entries.count() == 2 and session.day == timezone.localdate()
    entry = GroupEntry.objects.get(key=key)
    assert not hasattr(entry, "pain_during") and not hasattr(entry, "effort")
    assert "pain" not in AuditEvent.objects.filter(object_type="groupentry").values_list("summary", flat=True)[0]


def test_a_result_for_another_programme_or_anothers_key_is_refused_by_field(
    world: World, group: ExerciseGroup, lotte: tuple[Client, User], django_capture_on_commit_callbacks: Capture
) -> None:
    client, _user = lotte
    not_ours = _log(client, exercise_id="barbell-deadlift")
    assert not_ours.status_code == 400 and "exercise_id" in not_ours.json()["errors"]
    bad = _log(client, key="not-a-uuid", done_at="2001-01-01T00:00:00Z")
    assert bad.status_code == 400 and {"key", "done_at"} <= set(bad.json()["errors"])
    stored = _log(client).json()["key"]
    other, _user2 = enrol(world, group, django_capture_on_commit_callbacks, "Sam", "sam@example.nl")
    theirs = _log(other, key=stored)
    assert theirs.status_code == 400 and list(theirs.json()["errors"]) == ["key"]
    foreign_owner = _log(other, owner=_user.pk)
    assert foreign_owner.status_code == 409
    assert GroupEntry.objects.count() == 1


def test_the_reminder_choice_is_saved_and_bad_input_named(lotte: tuple[Client, User]) -> None:
    client, user = lotte
    saved = client.post(reverse("groups_reminders"), {"reminders": "on", "remind_at": "07:30"})
    assert saved.status_code == 302
    participant = Participant.objects.get(user=user)
    assert participant.reminders and f"{participant.remind_at:%H:%M}" == "07:30"
    bad = client.post(reverse("groups_reminders"), {"reminders": "on", "remind_at": "03:00"})
    assert bad.status_code == 400 and "remind_at" in bad.context["reminders_form"].errors
    assert AuditEvent.objects.filter(object_type="participant", summary="group reminders on at 07:30").exists()


def test_leaving_deletes_the_participants_data_closes_the_login_and_keeps_the_audit(
    lotte: tuple[Client, User],
) -> None:
    client, user = lotte
    _log(client)
    participant = Participant.objects.get(user=user)
    events_before = AuditEvent.objects.filter(actor=user).count()
    unconfirmed = client.post(reverse("groups_leave"), {})
    assert unconfirmed.status_code == 400 and "sure" in unconfirmed.context["form"].errors
    assert Participant.objects.filter(pk=participant.pk).exists()

    left = client.post(reverse("groups_leave"), {"sure": "on"})
    assert left.status_code == 302 and left["Location"] == reverse("groups_left")
    assert not Participant.objects.filter(pk=participant.pk).exists()
    assert not GroupSession.objects.exists() and not GroupEntry.objects.exists()
    user.refresh_from_db()
    assert not user.is_active and not user.email and not user.first_name and user.username == f"left-{user.pk}"
    signs_in = Client().post(reverse("login"), {"username": "lotte@example.nl", "password": PASSWORD})
    assert signs_in.status_code == 200  # the login form again: nobody signs in with it any more
    assert client.get(reverse("groups_me")).status_code == 302  # signed out
    assert AuditEvent.objects.filter(actor=user).count() > events_before  # the trail stays and grows
    assert AuditEvent.objects.filter(
        object_type="participant", object_id=str(participant.pk), summary__contains="left the group"
    ).exists()
    assert Client().get(reverse("groups_left")).status_code == 200


def test_a_clinician_takes_someone_out_with_a_confirmation(
    world: World, group: ExerciseGroup, lotte: tuple[Client, User]
) -> None:
    _client, user = lotte
    participant = Participant.objects.get(user=user)
    url = reverse("groups_remove_participant", args=[group.pk, participant.pk])
    client_for(world.clinician).post(url, {})
    assert Participant.objects.filter(pk=participant.pk).exists()  # not without the confirmation button
    client_for(world.clinician).post(url, {"sure": "yes"})
    assert not Participant.objects.filter(pk=participant.pk).exists()
    user.refresh_from_db()
    assert not user.is_active
    assert AuditEvent.objects.filter(actor=world.clinician, summary__contains="removed from the group").exists()
