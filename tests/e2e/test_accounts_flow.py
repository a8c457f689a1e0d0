"""The practice admin invites a colleague in the browser, the colleague signs up from the mailed link on a phone
and lands signed in; a forgotten password is reset from the sign-in page. Screenshots go to screenshots/."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail

from tests.e2e.conftest import follow, log_in, screenshot

pytestmark = pytest.mark.e2e
PASSWORD = "een-lang-en-ongewoon-wachtwoord 42"


def _mailed_path() -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", str(mail.outbox[-1].body))
    assert match, mail.outbox[-1].body
    return match.group(1)


def test_the_admin_invites_a_clinician_who_signs_up_on_a_phone(demo: str, page: Any, phone: Any) -> None:
    mailed_before = len(mail.outbox)  # the demo itself mails (a group's invitation)
    log_in(page, demo, "beheer")
    follow(page, "header nav >> text=Medewerkers")
    page.wait_for_url(f"{demo}/accounts/")
    page.click("text=Nodig een behandelaar of beheerder uit")
    page.fill("#id_email", "nieuw@example.nl")
    page.fill("#id_first_name", "Noor")
    page.fill("#id_last_name", "Nieuwenhuis")
    page.select_option("#id_discipline", "physiotherapist")
    page.select_option("#id_register", "big")
    page.fill("#id_registration_number", "1234567890")  # ten digits: refused, naming the field
    page.click("main button[type=submit]")
    assert "Een BIG-nummer heeft 11 cijfers." in page.inner_text("main")
    screenshot(page, "accounts-invite-error")
    page.screenshot(path="/tmp/shots/accounts-invite-error.png", full_page=True)
    page.fill("#id_registration_number", "12345678901")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{demo}/accounts/")
    assert "nieuw@example.nl" in page.inner_text("main")
    screenshot(page, "accounts-list")
    page.screenshot(path="/tmp/shots/accounts-list.png", full_page=True)
    assert len(mail.outbox) == mailed_before + 1

    phone.goto(demo + _mailed_path())
    assert "De Brug" in phone.inner_text("main")
    phone.fill("#id_username", "noor")
    phone.fill("#id_password1", PASSWORD)
    phone.fill("#id_password2", PASSWORD)
    phone.screenshot(path="/tmp/shots/accounts-join-phone.png", full_page=True)
    screenshot(phone, "accounts-join-phone")
    phone.click("main button[type=submit]")
    phone.wait_for_url(lambda url: "/join/" not in url)
    assert "Welkom! U bent ingelogd als noor." in phone.inner_text("main")
    phone.screenshot(path="/tmp/shots/accounts-joined-phone.png", full_page=True)

    page.goto(f"{demo}/accounts/")
    page.click("text=Noor Nieuwenhuis")
    page.screenshot(path="/tmp/shots/accounts-detail.png", full_page=True)
    page.click("text=Account deactiveren")
    assert "noor kan niet meer inloggen." in page.inner_text("main")
    page.screenshot(path="/tmp/shots/accounts-deactivated.png", full_page=True)
    phone.goto(f"{demo}/patients/")
    assert "/login/" in phone.url  # the phone's session ended


def test_a_forgotten_password_is_reset_from_the_sign_in_page(demo: str, phone: Any) -> None:
    from rugpad.web.practice.models import User

    User.objects.filter(username="beheer").update(email="beheer@example.nl")
    phone.goto(f"{demo}/login/")
    phone.click("text=Wachtwoord vergeten?")
    phone.fill("#id_email", "beheer@example.nl")
    phone.screenshot(path="/tmp/shots/reset-form-phone.png", full_page=True)
    phone.click("main button[type=submit]")
    assert "Kijk in uw e-mail" in phone.inner_text("main")
    phone.screenshot(path="/tmp/shots/reset-sent-phone.png", full_page=True)
    screenshot(phone, "reset-sent-phone")
    phone.goto(demo + _mailed_path())
    phone.fill("#id_new_password1", PASSWORD)
    phone.fill("#id_new_password2", PASSWORD)
    phone.screenshot(path="/tmp/shots/reset-confirm-phone.png", full_page=True)
    phone.click("main button[type=submit]")
    assert "Uw wachtwoord is gewijzigd" in phone.inner_text("main")
    phone.screenshot(path="/tmp/shots/reset-done-phone.png", full_page=True)
    phone.click("main >> text=Inloggen")
    phone.fill("#id_username", "beheer")
    phone.fill("#id_password", PASSWORD)
    phone.click("main button[type=submit]")
    phone.wait_for_url(lambda url: "/login/" not in url)
