"""Two-step sign-in (issue 11, item 2): setting up an authenticator app with a QR code and recovery codes, the code
asked after the password, the lock on wrong codes, the production setting that requires it of clinicians and admins
(never of patients), the API token left alone, the practice admin's reset, and the audit trail of all of it."""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django_otp.oath import TOTP  # type: ignore[import-untyped]
from django_otp.plugins.otp_totp.models import TOTPDevice  # type: ignore[import-untyped]

from rugpad.web.audit.models import AuditAction, AuditEvent
from rugpad.web.practice.models import User
from rugpad.web.practice.tokens import do_create_token
from rugpad.web.twofactor.devices import FAILED_CODE, locked, secret_of
from rugpad.web.twofactor.models import RecoveryCode, RecoveryDevice
from tests.web.conftest import World, client_for

pytestmark = pytest.mark.db_agnostic  # the same SQL on every database: CI runs it on SQLite only

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "pw-123456789"
SETUP, CODE, USERS = "/account/two-factor/", "/account/two-factor/code/", "/account/two-factor/users/"


def app_code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the user's phone shows now (or `steps_ahead` periods later: a code not used yet, as the app's next
    one is, within the device's tolerance of one period)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def enrol(client: Client, user: User) -> list[str]:
    """Sets up the app on the setup page as the user would; returns the recovery codes the page showed."""
    assert client.get(SETUP).status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(SETUP, {"code": app_code(device)})
    assert response.status_code == 200, response.content
    codes: list[str] = response.context["codes"]
    return codes


def password_sign_in(user: User) -> Client:
    client = Client()
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, "the password step failed"
    return client


def verified(client: Client) -> bool:
    from django_otp import DEVICE_ID_SESSION_KEY  # type: ignore[import-untyped]

    return DEVICE_ID_SESSION_KEY in client.session


@pytest.fixture
def no_backoff(settings: Any) -> None:
    """django-otp's own pause after a wrong code (1, 2, 4 … s) off, so a test can type the next code at once."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


@pytest.fixture
def required(settings: Any) -> None:
    settings.RUGPAD_REQUIRE_2FA = True


# --- setting up -------------------------------------------------------------------------------------------------


def test_the_setup_page_shows_the_qr_code_as_inline_svg_without_styles_and_the_secret(world: World) -> None:
    client = client_for(world.clinician)
    response = client.get(SETUP)
    assert response.status_code == 200
    html = response.content.decode()
    device = TOTPDevice.objects.get(user=world.clinician)
    assert not device.confirmed
    svg = re.search(r"<svg\b.*?</svg>", html, re.S)
    assert svg is not None, "no QR code on the page"
    root = ET.fromstring(svg.group(0))
    for element in root.iter():
        assert not element.tag.endswith("style"), "a <style> element: the CSP refuses it"
        assert "style" not in element.attrib, "a style attribute: the CSP refuses it"
    assert root.get("class") == "twofactor-qr" and root.get("aria-label")
    assert any(e.tag.endswith("path") and len(e.get("d", "")) > 500 for e in root.iter()), "no modules drawn"
    assert secret_of(device) in html  # for typing by hand
    assert "otpauth://" not in html  # the address is drawn, not printed
    # A reload keeps the secret the user may already have scanned.
    client.get(SETUP)
    assert TOTPDevice.objects.filter(user=world.clinician).count() == 1


def test_a_wrong_code_is_refused_and_a_right_one_turns_it_on_with_ten_recovery_codes_shown_once(
    world: World,
) -> None:
    client = client_for(world.clinician)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=world.clinician)
    wrong = f"{(int(app_code(device)) + 1) % 1_000_000:06d}"
    refused = client.post(SETUP, {"code": wrong})
    assert refused.status_code == 200 and "code" in refused.context["form"].errors
    device.refresh_from_db()
    assert not device.confirmed and not RecoveryDevice.objects.filter(user=world.clinician).exists()

    device.throttle_reset()  # django-otp's one-second pause after the wrong code
    response = client.post(SETUP, {"code": app_code(device)})
    codes = response.context["codes"]
    assert len(codes) == 10 == len(set(codes))
    html = response.content.decode()
    assert all(code in html for code in codes)
    device.refresh_from_db()
    assert device.confirmed and verified(client)
    # Shown once: the page now tells the state, not the codes.
    later = client.get(SETUP).content.decode()
    assert not any(code in later for code in codes)
    assert "10" in later  # recovery codes left


def test_new_recovery_codes_replace_the_old_ones(world: World, no_backoff: None) -> None:
    client = client_for(world.clinician)
    old = enrol(client, world.clinician)
    response = client.post("/account/two-factor/recovery-codes/")
    new = response.context["codes"]
    assert len(new) == 10 and not set(new) & set(old)
    device = RecoveryDevice.objects.get(user=world.clinician)
    assert device.codes.count() == 10
    assert all(device.verify_token(code.replace(" ", "")) for code in new)
    assert not any(RecoveryDevice.objects.get(user=world.clinician).verify_token(c.replace(" ", "")) for c in old)


# --- signing in -------------------------------------------------------------------------------------------------


def test_with_an_app_a_password_alone_opens_no_page_until_the_code(world: World) -> None:
    enrol(client_for(world.clinician), world.clinician)
    device = TOTPDevice.objects.get(user=world.clinician, confirmed=True)
    client = password_sign_in(world.clinician)
    assert not verified(client)
    page = client.get("/patients/")
    assert page.status_code == 302 and page["Location"] == f"{CODE}?next=%2Fpatients%2F"
    assert client.get(f"/episodes/{world.episode.pk}/").status_code == 302
    assert client.get("/api/patients").status_code == 401  # the API with the session cookie, too
    assert client.get(USERS).status_code == 302
    assert client.get(CODE).status_code == 200

    response = client.post(CODE, {"code": app_code(device, steps_ahead=1), "next": "/patients/"})
    assert response.status_code == 302 and response["Location"] == "/patients/"
    assert verified(client)
    assert client.get("/patients/").status_code == 200


def test_each_recovery_code_signs_in_once(world: World) -> None:
    codes = enrol(client_for(world.clinician), world.clinician)
    first = password_sign_in(world.clinician)
    # typed as people type them: upper case, with a space
    response = first.post(CODE, {"code": f"{codes[0][:4].upper()} {codes[0][4:].upper()}"})
    assert response.status_code == 302 and verified(first)
    assert RecoveryCode.objects.filter(device__user=world.clinician).count() == 9

    second = password_sign_in(world.clinician)
    again = second.post(CODE, {"code": codes[0]})
    assert again.status_code == 200 and "code" in again.context["form"].errors
    assert not verified(second)
    RecoveryDevice.objects.filter(user=world.clinician).get().throttle_reset()
    assert second.post(CODE, {"code": codes[1]}).status_code == 302 and verified(second)


def test_the_code_page_refuses_to_send_the_user_to_another_site(world: World) -> None:
    codes = enrol(client_for(world.clinician), world.clinician)
    client = password_sign_in(world.clinician)
    response = client.post(CODE, {"code": codes[0], "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_htmx_requests_are_sent_to_the_code_page_by_header(world: World) -> None:
    enrol(client_for(world.clinician), world.clinician)
    client = password_sign_in(world.clinician)
    response = client.get("/patients/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"].startswith(CODE)


def test_a_password_only_session_cannot_set_up_another_app(world: World) -> None:
    enrol(client_for(world.clinician), world.clinician)
    client = password_sign_in(world.clinician)
    assert client.get(SETUP)["Location"].startswith(CODE)
    assert client.post("/account/two-factor/recovery-codes/").status_code == 302
    assert client.post("/account/two-factor/off/").status_code == 302
    assert TOTPDevice.objects.filter(user=world.clinician).count() == 1
    assert RecoveryCode.objects.filter(device__user=world.clinician).count() == 10


# --- wrong codes: throttled, locked, audited -----------------------------------------------------------------------


def test_wrong_codes_lock_the_second_step_across_sessions(world: World, no_backoff: None) -> None:
    enrol(client_for(world.clinician), world.clinician)
    device = TOTPDevice.objects.get(user=world.clinician, confirmed=True)
    client = password_sign_in(world.clinician)
    for _ in range(4):
        response = client.post(CODE, {"code": "000000" if app_code(device, 1) != "000000" else "111111"})
        assert response.status_code == 200 and "code" in response.context["form"].errors
    fifth = client.post(CODE, {"code": "abcdefgh"})  # a wrong recovery code counts as well
    assert fifth.status_code == 429
    assert locked(world.clinician)
    # Signing in again with the password starts no new count, and a right code is not even tried.
    other = password_sign_in(world.clinician)
    assert other.get(CODE).status_code == 429
    assert other.post(CODE, {"code": app_code(device, steps_ahead=1)}).status_code == 429
    assert not verified(other)
    failures = AuditEvent.objects.filter(actor=world.clinician, action=AuditAction.LOGIN_FAILED, summary=FAILED_CODE)
    assert failures.count() == 5
    assert {e.practice_id for e in failures} == {world.practice.pk}
    assert all(e.object_type == "user" and e.object_id == str(world.clinician.pk) for e in failures)


def test_the_lock_ends_when_the_wrong_codes_age_out(world: World, no_backoff: None) -> None:
    from django.utils import timezone

    enrol(client_for(world.clinician), world.clinician)
    client = password_sign_in(world.clinician)
    for _ in range(5):
        client.post(CODE, {"code": "abcdefgh"})
    assert locked(world.clinician)
    assert not locked(world.clinician, timezone.now() + dt.timedelta(minutes=16))


def test_django_otps_pause_after_a_wrong_code_asks_to_wait_without_counting(world: World, settings: Any) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 3600  # the pause is long enough that the next attempt surely falls in it
    enrol(client_for(world.clinician), world.clinician)
    device = TOTPDevice.objects.get(user=world.clinician, confirmed=True)
    client = password_sign_in(world.clinician)
    client.post(CODE, {"code": "000000" if app_code(device, 1) != "000000" else "111111"})
    waiting = client.post(CODE, {"code": app_code(device, steps_ahead=1)})
    assert waiting.status_code == 200 and not verified(client)
    assert AuditEvent.objects.filter(actor=world.clinician, summary=FAILED_CODE).count() == 1


def test_every_step_is_in_the_audit_log_and_no_secret_or_code_is(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = client_for(world.clinician)
    codes = enrol(client, world.clinician)
    device = TOTPDevice.objects.get(user=world.clinician, confirmed=True)
    signed = password_sign_in(world.clinician)
    signed.post(CODE, {"code": app_code(device, steps_ahead=1)})
    events = AuditEvent.objects.filter(object_type="user", object_id=str(world.clinician.pk)).order_by("id")
    summaries = [(e.action, e.summary) for e in events if e.summary.startswith("two-step")]
    assert summaries == [
        (AuditAction.CREATE, "two-step sign-in: authenticator app confirmed"),
        (AuditAction.CREATE, "two-step sign-in: 10 recovery codes made"),
        (AuditAction.LOGIN, "two-step sign-in: authenticator app code"),
    ]
    secret = secret_of(device).replace(" ", "")
    everything = " ".join(AuditEvent.objects.values_list("summary", flat=True)) + caplog.text
    assert "otpauth" not in everything and secret not in everything.replace(" ", "")
    assert not any(code in everything for code in codes)


# --- required in production, for clinicians and admins only ------------------------------------------------------


def test_the_production_settings_require_it_and_the_demo_settings_do_not(tmp_path: Path) -> None:
    from rugpad.web import settings as demo

    assert demo.RUGPAD_REQUIRE_2FA is False
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "rugpad.web.settings_production",
        "RUGPAD_SECRET_KEY": "x" * 60 + "production-like-secret-key-for-the-check",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'check.sqlite3'}",
        "RUGPAD_DATA_DIR": str(tmp_path),
    }
    code = "import django; django.setup(); from django.conf import settings; print(settings.RUGPAD_REQUIRE_2FA)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT)
    assert result.stdout.strip() == "True", result.stderr


def test_required_sends_clinicians_and_admins_to_set_it_up_first(world: World, required: None) -> None:
    for user, page in ((world.clinician, "/patients/"), (world.admin, "/audit/")):
        client = client_for(user)
        response = client.get(page)
        assert response.status_code == 302 and response["Location"].startswith(f"{SETUP}?next=")
        assert client.get("/health/").status_code == 200
        assert client.get(SETUP).status_code == 200
        enrol(client, user)
        assert client.get(page).status_code == 200


def test_required_never_forces_patients_who_may_still_choose_it(world: World, required: None) -> None:
    client = client_for(world.patient_user)
    assert client.get("/me/").status_code == 200
    assert client.get(SETUP).status_code == 200
    enrol(client, world.patient_user)
    # Once chosen, it holds for the patient's sign-in as for anybody's.
    again = password_sign_in(world.patient_user)
    assert again.get("/me/")["Location"].startswith(CODE)


def test_a_patient_who_chose_it_can_turn_it_off_but_a_required_clinician_cannot(world: World, settings: Any) -> None:
    patient = client_for(world.patient_user)
    enrol(patient, world.patient_user)
    assert patient.post("/account/two-factor/off/").status_code == 302
    assert not TOTPDevice.objects.filter(user=world.patient_user).exists()
    assert not RecoveryDevice.objects.filter(user=world.patient_user).exists()

    settings.RUGPAD_REQUIRE_2FA = True
    clinician = client_for(world.clinician)
    enrol(clinician, world.clinician)
    assert clinician.post("/account/two-factor/off/").status_code == 404
    assert TOTPDevice.objects.filter(user=world.clinician, confirmed=True).exists()


def test_an_api_token_works_without_a_code_and_the_session_api_does_not(world: World, required: None) -> None:
    token = do_create_token(world.clinician, "practice software")
    ok = Client().get("/api/patients", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert ok.status_code == 200 and [p["id"] for p in ok.json()] == [world.patient.pk]
    # a token beside an unverified session cookie is judged by the token alone
    beside = client_for(world.clinician).get("/api/patients", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert beside.status_code == 200
    assert client_for(world.clinician).get("/api/patients").status_code == 401


# --- the practice admin's reset ----------------------------------------------------------------------------------


def test_the_admin_resets_a_colleagues_app_within_the_practice_only(world: World) -> None:
    enrol(client_for(world.clinician), world.clinician)
    enrol(client_for(world.other_clinician), world.other_clinician)
    admin = client_for(world.admin)
    listing = admin.get(USERS)
    assert listing.status_code == 200
    assert world.clinician.username in listing.content.decode()
    assert world.other_clinician.username not in listing.content.decode()

    assert admin.post(f"{USERS}{world.other_clinician.pk}/reset/").status_code == 404
    assert admin.post(f"{USERS}{world.patient_user.pk}/reset/").status_code == 404
    assert TOTPDevice.objects.filter(user=world.other_clinician).exists()

    on_the_lost_phone = client_for(world.clinician)
    assert on_the_lost_phone.get("/patients/").status_code == 302  # (signed in, sent to the code page)
    response = admin.post(f"{USERS}{world.clinician.pk}/reset/")
    assert response.status_code == 302 and response["Location"] == USERS
    assert on_the_lost_phone.get("/patients/")["Location"].startswith("/login/")  # that session ended
    assert not TOTPDevice.objects.filter(user=world.clinician).exists()
    assert not RecoveryCode.objects.filter(device__user=world.clinician).exists()
    event = AuditEvent.objects.filter(action=AuditAction.UPDATE, object_id=str(world.clinician.pk)).latest("id")
    assert event.actor == world.admin and event.practice == world.practice
    assert "reset by the practice admin" in event.summary
    # The clinician's next sign-in needs no code (and, where required, sets up a new app).
    again = password_sign_in(world.clinician)
    assert again.get("/patients/").status_code == 200


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("clinician", 404), ("patient", 404), ("other_admin", 404), ("admin", 302)],
)
def test_only_the_practices_admin_may_reset(world: World, role: str, status: int) -> None:
    enrol(client_for(world.clinician), world.clinician)
    other_admin = User.objects.get(username="adminb")
    colleague = User.objects.create_user("clina2", password=PASSWORD, practice=world.practice, role="clinician")
    user = {"anonymous": None, "clinician": colleague, "patient": world.patient_user,
            "other_admin": other_admin, "admin": world.admin}[role]  # fmt: skip
    response = client_for(user).post(f"{USERS}{world.clinician.pk}/reset/")
    assert response.status_code == status
    if role == "anonymous":
        assert response["Location"].startswith("/login/")
    assert TOTPDevice.objects.filter(user=world.clinician).exists() == (role != "admin")


# --- every route, every visitor ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", {"setup": 302, "code": 302, "users": 302, "renew": 302, "off": 302}),
        ("clinician_same_practice", {"setup": 200, "code": 302, "users": 404, "renew": 302, "off": 302}),
        ("admin_same_practice", {"setup": 200, "code": 302, "users": 200, "renew": 302, "off": 302}),
        ("patient_self", {"setup": 200, "code": 302, "users": 404, "renew": 302, "off": 302}),
    ],
)
def test_every_two_step_route_for_every_visitor_without_an_app(
    world: World, role: str, expected: dict[str, int]
) -> None:
    user = {"anonymous": None, "clinician_same_practice": world.clinician, "admin_same_practice": world.admin,
            "patient_self": world.patient_user}[role]  # fmt: skip
    client = client_for(user)
    got = {
        "setup": client.get(SETUP).status_code,
        "code": client.get(CODE).status_code,  # nothing to type yet: sent on to set it up
        "users": client.get(USERS).status_code,
        "renew": client.post("/account/two-factor/recovery-codes/").status_code,
        "off": client.post("/account/two-factor/off/").status_code,
    }
    assert got == expected
    assert not RecoveryDevice.objects.exists()


# --- words ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_two_step_pages_show_no_raw_words(world: World, lang: str) -> None:
    from tests.web.test_no_raw_words import PageText, problems

    clinician = client_for(world.clinician)
    pages = {"setup": clinician.get(SETUP, HTTP_ACCEPT_LANGUAGE=lang)}
    device = TOTPDevice.objects.get(user=world.clinician)
    pages["codes"] = clinician.post(SETUP, {"code": app_code(device)}, HTTP_ACCEPT_LANGUAGE=lang)
    pages["status"] = clinician.get(SETUP, HTTP_ACCEPT_LANGUAGE=lang)
    signing = password_sign_in(world.clinician)
    pages["code"] = signing.get(CODE, HTTP_ACCEPT_LANGUAGE=lang)
    pages["users"] = client_for(world.admin).get(USERS, HTTP_ACCEPT_LANGUAGE=lang)
    found = {}
    for name, response in pages.items():
        assert response.status_code == 200, name
        parser = PageText()
        parser.feed(response.content.decode())
        trouble = sorted(set(problems(parser.chunks, parser.options, lang)))
        if trouble:
            found[name] = trouble
    assert not found


def test_the_code_fields_are_bounded_like_every_field() -> None:
    from rugpad.web.fields import BOUNDED_ATTRIBUTE
    from rugpad.web.twofactor.forms import AppCodeForm, SignInCodeForm

    for form in (AppCodeForm, SignInCodeForm):
        assert all(getattr(field, BOUNDED_ATTRIBUTE, None) for field in form.base_fields.values())
    bad = SignInCodeForm({"code": "12\x003456"})
    assert not bad.is_valid() and "code" in bad.errors


def test_fhir_is_judged_like_the_api_a_token_alone_and_an_unverified_session_gets_an_operation_outcome(
    world: World, required: None
) -> None:
    token = do_create_token(world.clinician, "an EHR")
    ok = client_for(world.clinician).get(f"/fhir/Patient/{world.patient.pk}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert ok.status_code == 200 and ok.json()["resourceType"] == "Patient"
    refused = client_for(world.clinician).get(f"/fhir/Patient/{world.patient.pk}")
    assert refused.status_code == 401  # not a redirect to the code page: a machine client reads the outcome
    assert refused.json()["resourceType"] == "OperationOutcome"
    assert refused["Content-Type"].startswith("application/fhir+json")


def test_public_machine_pages_stay_open_to_a_session_half_way_through_signing_in(world: World, required: None) -> None:
    half = client_for(world.clinician)  # password given, no second step yet
    assert half.get("/fhir/metadata").status_code == 200
    assert half.get("/cds-services").status_code == 200
    assert half.get("/cds-services/rules/lb.all.no_routine_imaging").status_code == 200
    assert half.get("/").status_code == 302  # a page of the record still waits for the second step
