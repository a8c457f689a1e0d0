"""Invitations: a one-time, expiring link (stored hashed) that turns a patient record into a patient account."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from rugpad.web.audit.models import AuditEvent
from rugpad.web.care import actions as care_actions
from rugpad.web.care.models import Patient
from rugpad.web.demo import as_user
from rugpad.web.portal.models import Invitation
from rugpad.web.practice.models import Role, User
from tests.web.conftest import World, client_for

GOOD_PASSWORD = "wandelen-in-het-bos-42"


@pytest.fixture
def newcomer(world: World) -> Patient:
    return care_actions.do_create_patient(
        as_user(world.clinician),
        first_name="Nina",
        last_name="Nieuw",
        date_of_birth=dt.date(1990, 5, 5),
        sex="female",
        email="nina@example.org",
    )


def _invite(world: World, patient: Patient) -> str:
    response = client_for(world.clinician).post(reverse("portal_invite", args=[patient.pk]))
    assert response.status_code == 200
    match = re.search(r"/portal/welcome/([\w-]+)/", response.content.decode())
    assert match, "the invitation page shows the link"
    return match.group(1)


def test_invitation_shows_a_link_stores_only_its_hash_and_emails_the_patient(world: World, newcomer: Patient) -> None:
    token = _invite(world, newcomer)
    invitation = Invitation.objects.get(patient=newcomer)
    assert invitation.digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in invitation.digest
    assert abs(invitation.expires_at - invitation.created_at - dt.timedelta(days=7)) < dt.timedelta(seconds=5)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nina@example.org"]
    assert token in mail.outbox[0].body
    summaries = set(AuditEvent.objects.filter(patient_id=newcomer.pk).values_list("summary", flat=True))
    assert {"portal invitation created", "invitation e-mailed"} <= summaries


def test_accepting_sets_a_password_links_the_account_and_logs_the_patient_in(world: World, newcomer: Patient) -> None:
    token = _invite(world, newcomer)
    client = client_for(None)
    assert client.get(reverse("portal_accept", args=[token])).status_code == 200
    response = client.post(
        reverse("portal_accept", args=[token]), {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == reverse("patient_home")
    newcomer.refresh_from_db()
    assert newcomer.user is not None and newcomer.user.role == Role.PATIENT
    assert newcomer.user.practice_id == world.practice.pk and newcomer.user.check_password(GOOD_PASSWORD)
    home = client.get(reverse("patient_home"))
    assert home.status_code == 200 and "Nina" in home.content.decode()
    assert AuditEvent.objects.filter(patient_id=newcomer.pk, summary="invitation accepted").exists()


def test_a_used_link_cannot_be_used_twice(world: World, newcomer: Patient) -> None:
    token = _invite(world, newcomer)
    url = reverse("portal_accept", args=[token])
    client_for(None).post(url, {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD})
    again = client_for(None).post(url, {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD})
    assert again.status_code == 410
    assert "already been used" in again.content.decode() or "al gebruikt" in again.content.decode()
    assert User.objects.filter(role=Role.PATIENT, first_name="Nina").count() == 1


def test_an_expired_link_is_refused_with_a_clear_message(world: World, newcomer: Patient, settings) -> None:  # type: ignore[no-untyped-def]
    token = _invite(world, newcomer)
    Invitation.objects.filter(patient=newcomer).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = client_for(None).post(
        reverse("portal_accept", args=[token]), {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD}
    )
    assert response.status_code == 410
    assert "verlopen" in response.content.decode()  # Dutch is the default language
    newcomer.refresh_from_db()
    assert newcomer.user is None


def test_the_lifetime_is_a_setting(world: World, newcomer: Patient, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PORTAL_INVITATION_DAYS = 2
    _invite(world, newcomer)
    invitation = Invitation.objects.get(patient=newcomer)
    assert abs(invitation.expires_at - invitation.created_at - dt.timedelta(days=2)) < dt.timedelta(seconds=5)


def test_a_new_invitation_replaces_the_old_link(world: World, newcomer: Patient) -> None:
    old = _invite(world, newcomer)
    new = _invite(world, newcomer)
    assert client_for(None).get(reverse("portal_accept", args=[old])).status_code == 410
    assert client_for(None).get(reverse("portal_accept", args=[new])).status_code == 200


def test_an_unknown_link_is_a_404(db: None) -> None:
    assert client_for(None).get(reverse("portal_accept", args=["nonsense"])).status_code == 404


def test_weak_or_mismatched_passwords_are_refused_next_to_the_field(world: World, newcomer: Patient) -> None:
    token = _invite(world, newcomer)
    url = reverse("portal_accept", args=[token])
    weak = client_for(None).post(url, {"password1": "123", "password2": "123"})
    assert weak.status_code == 200 and weak.context["form"].errors["password1"]
    mismatch = client_for(None).post(url, {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD + "x"})
    assert mismatch.context["form"].errors["password2"]
    newcomer.refresh_from_db()
    assert newcomer.user is None
    assert Invitation.objects.get(patient=newcomer).used_at is None


def test_a_patient_with_an_account_cannot_be_invited_again(world: World) -> None:
    response = client_for(world.clinician).post(reverse("portal_invite", args=[world.patient.pk]))
    assert response.status_code == 302
    assert not Invitation.objects.filter(patient=world.patient).exists()
