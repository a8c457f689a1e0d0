"""A patient who lost the phone with their authenticator app gets back in (issue 11): a clinician of their practice
checks who they are and resets it from the patient's page — a confirm page asking how the identity was checked and a
note, an audit event naming the clinician, the account and the patient, every session of the patient ended, and an
e-mail to the patient without clinical content. Nobody else may: another practice's clinician, the practice admin
(who sees no patient pages) and patients get a 404. A patient with a recovery code left needs nobody."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice  # type: ignore[import-untyped]

from rugpad.web.audit.models import AuditAction, AuditEvent
from rugpad.web.practice.models import User
from rugpad.web.twofactor.models import IdentityCheck, RecoveryDevice, TwoStepReset
from tests.web.conftest import World, client_for
from tests.web.test_two_factor import CODE, enrol, password_sign_in, verified

NOTE = "Paspoort gezien aan de balie"
CLINICAL_WORDS = ("pijn", "oefening", "vragenlijst", "episode", "klacht", "behandelplan", "lage rug")


def reset_url(world: World) -> str:
    return f"/account/two-factor/patients/{world.patient.pk}/reset/"


@pytest.fixture
def enrolled(world: World) -> World:
    """Patient A has chosen two-step sign-in and has an e-mail address."""
    User.objects.filter(pk=world.patient_user.pk).update(email="pat@example.org")
    world.patient_user.refresh_from_db()
    enrol(client_for(world.patient_user), world.patient_user)
    mail.outbox.clear()
    return world


Post = Callable[..., Any]


@pytest.fixture
def post(django_capture_on_commit_callbacks: Any) -> Post:
    """Posts the confirm form (a valid one unless `data` says otherwise), running what waits for the commit (the
    e-mail to the patient) as a real request would."""

    def posting(client: Client, world: World, data: dict[str, str] | None = None, **extra: str) -> Any:
        form = {"identity_check": IdentityCheck.IN_PERSON_DOCUMENT.value, "note": NOTE} | (data or {})
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reset_url(world), form, **extra)

    return posting


def verified_client(user: User) -> Client:
    """A session of `user` that has passed the second step, as after typing a code."""
    from django_otp import DEVICE_ID_SESSION_KEY  # type: ignore[import-untyped]

    client = client_for(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user, confirmed=True).persistent_id
    session.save()
    return client


def test_the_patient_page_offers_the_reset_only_while_the_patient_has_an_app(world: World) -> None:
    clinician = client_for(world.clinician)
    page = clinician.get(f"/patients/{world.patient.pk}/").content.decode()
    assert 'id="patient-two-step"' in page and reset_url(world) not in page
    enrol(client_for(world.patient_user), world.patient_user)
    page = clinician.get(f"/patients/{world.patient.pk}/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert reset_url(world) in page and "Telefoon kwijt?" in page


def test_the_confirm_page_asks_how_the_identity_was_checked_and_changes_nothing(enrolled: World) -> None:
    page = client_for(enrolled.clinician).get(reset_url(enrolled), HTTP_ACCEPT_LANGUAGE="nl")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Hoe hebt u gecontroleerd dat het echt deze patiënt is?" in html
    assert "01-01-1980" in html  # the date of birth, to compare with the document
    assert TOTPDevice.objects.filter(user=enrolled.patient_user, confirmed=True).exists()


def test_a_reset_needs_a_way_of_checking_and_a_note(enrolled: World, post: Post) -> None:
    clinician = client_for(enrolled.clinician)
    for data in ({"identity_check": ""}, {"note": ""}, {"identity_check": "by_phone"}):
        response = post(clinician, enrolled, data)
        assert response.status_code == 200 and response.context["form"].errors
    assert TOTPDevice.objects.filter(user=enrolled.patient_user, confirmed=True).exists()
    assert not TwoStepReset.objects.exists()


def test_the_clinician_resets_it_the_patient_is_signed_out_told_and_signs_in_with_the_password(
    enrolled: World, post: Post
) -> None:
    patient_session = verified_client(enrolled.patient_user)  # signed in with both steps on another device
    assert patient_session.get("/me/").status_code == 200
    response = post(client_for(enrolled.clinician), enrolled)
    assert response.status_code == 302 and response["Location"] == f"/patients/{enrolled.patient.pk}/"

    assert not TOTPDevice.objects.filter(user=enrolled.patient_user).exists()
    assert not RecoveryDevice.objects.filter(user=enrolled.patient_user).exists()
    reset = TwoStepReset.objects.get()
    assert (reset.user, reset.reset_by, reset.identity_check, reset.note) == (
        enrolled.patient_user,
        enrolled.clinician,
        IdentityCheck.IN_PERSON_DOCUMENT,
        NOTE,
    )
    # every session of the patient ended: the one that set the app up and the one on the other device
    assert patient_session.get("/me/")["Location"].startswith("/login/")

    event = AuditEvent.objects.filter(action=AuditAction.UPDATE, object_type="user").latest("id")
    assert event.object_id == str(enrolled.patient_user.pk)
    assert event.actor == enrolled.clinician and event.patient_id == enrolled.patient.pk
    assert event.practice_id == enrolled.practice.pk
    assert "identity check (in person, identity document)" in event.summary and "sessions ended: 2" in event.summary
    assert NOTE not in event.summary  # the note stays with the reset, not in the log's summaries

    assert [m.to for m in mail.outbox] == [["pat@example.org"]]
    body = mail.outbox[0].body
    assert "Practice A" in body and "twee stappen" in body
    assert "Ient" not in body and not any(word in body.lower() for word in CLINICAL_WORDS)

    again = password_sign_in(enrolled.patient_user)
    assert again.get("/me/").status_code == 200  # the password alone, as before they chose two steps

    page = client_for(enrolled.clinician).get(f"/patients/{enrolled.patient.pk}/", HTTP_ACCEPT_LANGUAGE="nl")
    assert "Laatst teruggezet op" in page.content.decode() and NOTE in page.content.decode()


def test_a_second_reset_finds_nothing_to_reset_and_writes_nothing(enrolled: World, post: Post) -> None:
    clinician = client_for(enrolled.clinician)
    post(clinician, enrolled)
    response = post(clinician, enrolled, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "nothing to reset" in response.content.decode()
    assert TwoStepReset.objects.count() == 1 and len(mail.outbox) == 1
    assert AuditEvent.objects.filter(summary__contains="reset by a clinician").count() == 1


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("other_practice_clinician", 404),
        ("practice_admin", 404),
        ("the_patient", 404),
        ("another_patient", 404),
        ("clinician", 200),
    ],
)
def test_only_a_clinician_who_reaches_the_patient_may_reset(enrolled: World, post: Post, who: str, status: int) -> None:
    user = {"anonymous": None, "other_practice_clinician": enrolled.other_clinician, "practice_admin": enrolled.admin,
            "the_patient": enrolled.patient_user, "another_patient": enrolled.other_patient_user,
            "clinician": enrolled.clinician}[who]  # fmt: skip
    client = verified_client(user) if who == "the_patient" else client_for(user)
    assert client.get(reset_url(enrolled)).status_code == status
    posted = post(client, enrolled)
    assert posted.status_code == (302 if who == "clinician" else status)
    if who == "anonymous":
        assert posted["Location"].startswith("/login/")
    still_on = TOTPDevice.objects.filter(user=enrolled.patient_user, confirmed=True).exists()
    assert still_on == (who != "clinician")


def test_the_opening_of_the_reset_page_is_audited_as_a_read_of_the_patient(enrolled: World) -> None:
    client_for(enrolled.clinician).get(reset_url(enrolled))
    view = AuditEvent.objects.filter(action=AuditAction.VIEW, patient_id=enrolled.patient.pk).latest("id")
    assert view.actor == enrolled.clinician


def test_a_patient_with_a_recovery_code_gets_back_in_without_anybody(enrolled: World, settings: Any) -> None:
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    codes = enrol(client_for(enrolled.other_patient_user), enrolled.other_patient_user)
    client = password_sign_in(enrolled.other_patient_user)
    assert client.get("/me/")["Location"].startswith(CODE)
    page = client.get(CODE, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Bel uw praktijk" in page  # a patient is sent to their practice, not to an admin
    assert client.post(CODE, {"code": codes[0]}).status_code == 302 and verified(client)
    assert client.get("/me/").status_code == 200


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_reset_pages_and_mail_show_no_raw_words(enrolled: World, post: Post, lang: str) -> None:
    from tests.web.test_no_raw_words import PageText, problems

    clinician = client_for(enrolled.clinician)
    User.objects.filter(pk=enrolled.patient_user.pk).update(preferred_language=lang)
    pages = {
        "patient": clinician.get(f"/patients/{enrolled.patient.pk}/", HTTP_ACCEPT_LANGUAGE=lang),
        "confirm": clinician.get(reset_url(enrolled), HTTP_ACCEPT_LANGUAGE=lang),
        "refused": post(clinician, enrolled, {"note": ""}, HTTP_ACCEPT_LANGUAGE=lang),
    }
    post(clinician, enrolled)
    pages["after"] = clinician.get(f"/patients/{enrolled.patient.pk}/", HTTP_ACCEPT_LANGUAGE=lang)
    pages["nothing"] = clinician.get(reset_url(enrolled), HTTP_ACCEPT_LANGUAGE=lang)
    found = {}
    for name, response in pages.items():
        assert response.status_code == 200, name
        parser = PageText()
        parser.feed(response.content.decode())
        trouble = sorted(set(problems(parser.chunks, parser.options, lang)))
        if trouble:
            found[name] = trouble
    mail_parser = PageText()
    mail_parser.feed(mail.outbox[-1].body)
    found["mail"] = sorted(set(problems(mail_parser.chunks, [], lang)))
    assert not any(found.values()), found
