"""Two-step sign-in in a real browser, as a clinician at a desk: set up the authenticator app from the setup page
(the code computed here from the secret the page shows, as the phone would), keep the recovery codes, log out, and
sign in again with the password and then a code. No Content-Security-Policy violation on the way."""

from __future__ import annotations

import time
from base64 import b32decode
from pathlib import Path
from typing import Any

import pytest
from django_otp.oath import TOTP  # type: ignore[import-untyped]

from tests.e2e.conftest import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/shots")


def phone_code(secret: str, steps_ahead: int = 0) -> str:
    """What the authenticator app shows for the secret typed from the page (base32, in groups of four)."""
    key = b32decode(secret.replace(" ", "").upper() + "=" * (-len(secret.replace(" ", "")) % 8))
    totp = TOTP(key, step=30, t0=0, digits=6)
    totp.time = time.time() + steps_ahead * 30
    return f"{totp.token():06d}"


def shot(page: Any, name: str) -> None:
    screenshot(page, name)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_clinician_sets_up_two_step_sign_in_and_signs_in_with_password_and_code(
    page: Any, demo: str, settings: Any
) -> None:
    from rugpad.web.demo import DEMO_PASSWORD, demo_logins

    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp's 1 s pause after a wrong code: a test types faster than that
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    clinician = demo_logins()["clinicians"][0]

    def sign_in_with_password() -> None:
        page.goto(f"{demo}/login/")
        page.fill("#id_username", clinician)
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(lambda url: "/login/" not in url)

    sign_in_with_password()
    page.goto(f"{demo}/account/two-factor/")
    qr = page.locator("svg.twofactor-qr")
    assert qr.is_visible()
    box = qr.bounding_box()
    assert box is not None and box["width"] >= 150 and abs(box["width"] - box["height"]) < 2, box
    secret = page.locator("#twofactor-secret").inner_text()
    assert len(secret.replace(" ", "")) == 32, secret
    shot(page, "two-factor-setup-desk")

    page.fill("#id_code", "000000" if phone_code(secret) != "000000" else "111111")
    page.click("main button[type=submit]")
    assert page.locator(".errorlist").first.is_visible()
    page.fill("#id_code", phone_code(secret))
    page.click("main button[type=submit]")
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    shot(page, "two-factor-recovery-codes-desk")
    page.click("main a.button")
    page.wait_for_url(lambda url: "/account/two-factor/" not in url)

    page.click("header form[action$='/logout/'] button")
    page.wait_for_url(lambda url: "/login/" in url)

    sign_in_with_password()
    assert "/account/two-factor/code/" in page.url, page.url
    assert page.locator("#id_code").is_visible()
    shot(page, "two-factor-code-desk")
    page.goto(f"{demo}/patients/")  # any page sends the unverified session back to the code page
    assert "/account/two-factor/code/" in page.url
    page.fill("#id_code", phone_code(secret, steps_ahead=1))  # the app's next code: the first one is used up
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/account/two-factor/" not in url)
    assert page.url.rstrip("/").endswith("/patients"), page.url
    assert page.locator("h1").first.is_visible()
    shot(page, "two-factor-signed-in-desk")

    page.goto(f"{demo}/account/two-factor/")
    assert page.get_by_text("Inloggen in twee stappen staat aan").is_visible()
    shot(page, "two-factor-status-desk")
    assert not problems, problems


def test_a_patient_may_open_the_setup_page_on_a_phone_and_it_fits(phone: Any, demo: str) -> None:
    from rugpad.web.demo import demo_logins
    from tests.e2e.conftest import log_in

    log_in(phone, demo, demo_logins()["patients"][0])
    phone.goto(f"{demo}/account/two-factor/")
    assert phone.locator("svg.twofactor-qr").is_visible()
    assert phone.locator("#twofactor-secret").is_visible()
    overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page is {overflow} px wider than the phone"
    shot(phone, "two-factor-setup-phone")


def test_the_practice_admin_resets_a_colleagues_lost_phone(page: Any, demo: str) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice  # type: ignore[import-untyped]

    from rugpad.web.demo import demo_logins
    from rugpad.web.practice.models import User
    from tests.e2e.conftest import log_in

    logins = demo_logins()
    clinician = User.objects.get(username=logins["clinicians"][0])
    TOTPDevice.objects.create(user=clinician, name="authenticator app", confirmed=True)
    log_in(page, demo, logins["practice_admin"])
    page.goto(f"{demo}/account/two-factor/users/")
    row = page.locator("tr", has_text=clinician.get_full_name() or clinician.username)
    row.locator("button").click()
    page.wait_for_load_state()
    assert page.locator(".messages").is_visible()
    assert not TOTPDevice.objects.filter(user=clinician).exists()
    shot(page, "two-factor-colleagues-desk")
