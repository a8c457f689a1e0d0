"""Staff accounts: the practice admin invites (one-time link by e-mail), resends, revokes, changes roles,
deactivates and reactivates; the invitee signs up and is signed in. Every step is audited; an admin reaches only
the staff of their own practice."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.core import mail
from django.test import Client
from django.urls import reverse

from rugpad.web.audit.models import AuditEvent
from rugpad.web.care.models import Patient
from rugpad.web.practice.models import ApiToken, Role, StaffInvitation, User
from rugpad.web.practice.tokens import do_create_token
from tests.web.conftest import World, client_for

PASSWORD = "a-long-and-unusual-pass 42"
Capture = Callable[..., Any]


def _link_in(message: Any) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", str(message.body))
    assert match, message.body
    return match.group(1)


def _invite(world: World, capture: Capture, **fields: str) -> tuple[Any, StaffInvitation]:
    data = {
        "email": "new@example.nl",
        "first_name": "Nina",
        "last_name": "Nieuw",
        "role": "clinician",
        "discipline": "physiotherapist",
        "register": "big",
        "registration_number": "12345678901",
        **fields,
    }
    with capture(execute=True):
        response = client_for(world.admin).post(reverse("account_invite"), data)
    return response, StaffInvitation.objects.get(email=data["email"])


def _join(link: str, username: str = "nina", password: str = PASSWORD) -> tuple[Client, Any]:
    client = Client()
    response = client.post(link, {"username": username, "password1": password, "password2": password})
    return client, response


def _signs_in(username: str, password: str = PASSWORD) -> bool:
    response = Client().post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


def test_an_invited_clinician_signs_up_once_and_is_signed_in(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    response, invitation = _invite(world, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == reverse("accounts")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new@example.nl"]
    link = _link_in(mail.outbox[0])
    assert invitation.digest and invitation.digest not in mail.outbox[0].body  # only the digest is stored

    page = Client().get(link)
    assert page.status_code == 200 and "Practice A" in page.content.decode()
    client, joined = _join(link)
    assert joined.status_code == 302 and joined["Location"] == reverse("home")
    user = User.objects.get(username="nina")
    assert (user.role, user.practice_id, user.discipline, user.register, user.registration_number) == (
        Role.CLINICIAN,
        world.practice.pk,
        "physiotherapist",
        "big",
        "12345678901",
    )
    assert user.email == "new@example.nl" and user.first_name == "Nina"
    assert client.get(reverse("patient_list")).status_code == 200  # signed in, as a clinician of practice A
    assert Client().get(link).status_code == 404  # the link worked once
    assert _signs_in("nina")
    summaries = set(AuditEvent.objects.values_list("summary", flat=True))
    assert {"staff invitation created (clinician)", "staff invitation accepted"} <= summaries


def test_resending_makes_a_new_link_and_the_old_one_stops(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    _response, invitation = _invite(world, django_capture_on_commit_callbacks)
    old = _link_in(mail.outbox[0])
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world.admin).post(reverse("invitation_resend", args=[invitation.pk]))
    assert len(mail.outbox) == 2
    new = _link_in(mail.outbox[1])
    assert new != old
    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200
    assert AuditEvent.objects.filter(
        object_type="staffinvitation", summary__startswith="staff invitation resent"
    ).exists()


def test_a_revoked_invitation_no_longer_works_nor_shows_as_open(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    _response, invitation = _invite(world, django_capture_on_commit_callbacks)
    link = _link_in(mail.outbox[0])
    client_for(world.admin).post(reverse("invitation_revoke", args=[invitation.pk]))
    assert Client().get(link).status_code == 404
    _client, response = _join(link)
    assert response.status_code == 404 and not User.objects.filter(username="nina").exists()
    assert "new@example.nl" not in client_for(world.admin).get(reverse("accounts")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # a revoked one cannot be resent
        client_for(world.admin).post(reverse("invitation_resend", args=[invitation.pk]))
    assert len(mail.outbox) == 1


def test_a_doubled_mail_job_sends_once_and_an_outdated_one_not_at_all(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    from rugpad.web.practice.tasks import send_staff_invitation

    _response, invitation = _invite(world, django_capture_on_commit_callbacks)
    assert send_staff_invitation(invitation.pk, 1, "http://testserver/", "nl") is not True  # the same send again
    assert len(mail.outbox) == 1
    assert Client().get(_link_in(mail.outbox[0])).status_code == 200  # and the mailed link still works


def test_bad_registration_numbers_and_duplicate_addresses_are_refused_naming_the_field(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    _invite(world, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        again = client_for(world.admin).post(
            reverse("account_invite"), {"email": "NEW@example.nl", "role": "clinician"}
        )
    assert again.status_code == 200 and "email" in again.context["form"].errors
    for register, number in (("big", "1234567890"), ("big", "1234567890a"), ("kp", "12"), ("", "12345678901")):
        bad = client_for(world.admin).post(
            reverse("account_invite"),
            {"email": "x@example.nl", "role": "clinician", "register": register, "registration_number": number},
        )
        errors = bad.context["form"].errors
        assert ("registration_number" in errors) or ("register" in errors), (register, number)
    assert not StaffInvitation.objects.filter(email="x@example.nl").exists()
    ok = client_for(world.admin).post(
        reverse("account_invite"),
        {"email": "kp@example.nl", "role": "clinician", "register": "kp", "registration_number": "31012345"},
    )
    assert ok.status_code == 302


def test_the_invitee_must_choose_a_free_username_and_a_strong_password(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    _invite(world, django_capture_on_commit_callbacks)
    link = _link_in(mail.outbox[0])
    _client, weak = _join(link, password="12345678")
    assert weak.status_code == 200 and "password1" in weak.context["form"].errors
    _client, taken = _join(link, username="CLINA")  # usernames are compared without case
    assert taken.status_code == 200 and "username" in taken.context["form"].errors
    assert StaffInvitation.objects.get().used_at is None


def test_deactivating_ends_sign_in_sessions_and_tokens_but_keeps_records_and_audit(world: World) -> None:
    clinician = world.clinician
    token = do_create_token(clinician, "laptop")
    session = client_for(clinician)
    assert session.get(reverse("patient_list")).status_code == 200
    events_before = AuditEvent.objects.filter(actor=clinician).count()

    response = client_for(world.admin).post(reverse("account_deactivate", args=[clinician.pk]))
    assert response.status_code == 302
    clinician.refresh_from_db()
    assert not clinician.is_active
    assert session.get(reverse("patient_list")).status_code == 302  # the open session ended
    assert not _signs_in(clinician.username, "pw-123456789")
    assert Client().get("/api/patients", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    assert not ApiToken.objects.filter(user=clinician, revoked_at__isnull=True).exists()
    assert Patient.objects.filter(pk=world.patient.pk).exists()  # the records stay
    assert AuditEvent.objects.filter(actor=clinician).count() >= events_before  # and their trail
    assert AuditEvent.objects.filter(object_type="user", object_id=str(clinician.pk), summary="account deactivated")

    client_for(world.admin).post(reverse("account_reactivate", args=[clinician.pk]))
    clinician.refresh_from_db()
    assert clinician.is_active and _signs_in(clinician.username, "pw-123456789")
    assert session.get(reverse("patient_list")).status_code == 302  # the old session stays ended
    assert Client().get("/api/patients", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401  # stays revoked
    assert AuditEvent.objects.filter(object_id=str(clinician.pk), summary="account reactivated").exists()


def test_an_admin_cannot_deactivate_or_demote_themselves(world: World) -> None:
    admin = client_for(world.admin)
    admin.post(reverse("account_deactivate", args=[world.admin.pk]))
    response = admin.post(reverse("account_detail", args=[world.admin.pk]), {"role": "clinician"})
    world.admin.refresh_from_db()
    assert world.admin.is_active and world.admin.role == Role.ADMIN
    assert "role" in response.context["form"].errors


def test_role_change_is_audited_and_ends_the_former_clinicians_tokens(world: World) -> None:
    token = do_create_token(world.clinician, "laptop")
    response = client_for(world.admin).post(
        reverse("account_detail", args=[world.clinician.pk]),
        {"role": "admin", "discipline": "manual_therapist", "register": "", "registration_number": ""},
    )
    assert response.status_code == 302
    world.clinician.refresh_from_db()
    assert world.clinician.role == Role.ADMIN and world.clinician.discipline == "manual_therapist"
    assert AuditEvent.objects.filter(summary__contains="role clinician → admin").exists()
    assert Client().get("/api/patients", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    assert client_for(world.clinician).get(reverse("patient_list")).status_code == 404  # no records for an admin
    back = client_for(world.admin).post(
        reverse("account_detail", args=[world.clinician.pk]), {"role": "clinician", "discipline": ""}
    )
    assert back.status_code == 302
    world.clinician.refresh_from_db()
    assert world.clinician.role == Role.CLINICIAN


def test_an_admin_never_reaches_another_practice_or_a_patient_account(world: World) -> None:
    other_admin = User.objects.get(username="adminb")
    admin = client_for(world.admin)
    for target in (world.other_clinician, other_admin, world.patient_user):
        assert admin.get(reverse("account_detail", args=[target.pk])).status_code == 404
        assert admin.post(reverse("account_deactivate", args=[target.pk])).status_code == 404
        assert admin.post(reverse("account_detail", args=[target.pk]), {"role": "admin"}).status_code == 404
        target.refresh_from_db()
        assert target.is_active
    listing = admin.get(reverse("accounts")).content.decode()
    assert "clina" in listing and "clinb" not in listing and "pata" not in listing


def test_the_account_pages_read_in_dutch_without_raw_words(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    _invite(world, django_capture_on_commit_callbacks)
    admin = client_for(world.admin)
    for url in (reverse("accounts"), reverse("account_invite"), reverse("account_detail", args=[world.clinician.pk])):
        html = admin.get(url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
        text = re.sub(r"<[^>]+>", " ", html)  # what a person reads, not attribute values
        for raw in ("manual_therapist", "physiotherapist", "clinician", "admin ", "big ", "Invite", "Role", "None"):
            assert raw not in text, (url, raw)
        assert "Praktijkbeheerder" in text or "Nodig" in text
    page = Client().get(_link_in(mail.outbox[0]), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Kies een gebruikersnaam" in page
