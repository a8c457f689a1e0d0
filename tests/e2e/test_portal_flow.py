"""The patient portal in the browser: an invitation accepted on a phone, the diary filled in, an alarm answer
that shows the emergency instruction at once and reaches the clinician as a red flag of the episode, and a trend
alert the clinician acknowledges with a message the patient reads."""

from __future__ import annotations

from typing import Any

import pytest

from rugpad import engine
from rugpad.core.vocab import Lang
from rugpad.web import demo
from rugpad.web.care.models import FlagStage, RedFlag
from rugpad.web.portal.models import Alert
from tests.e2e.conftest import PHONE, load_demo_here, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "wandelen-in-het-bos-42"


@pytest.fixture
def base(live_server: Any) -> str:
    load_demo_here(("portal",))  # only this app's stage of care
    return str(live_server.url)


def _log_in(page: Any, base: str, username: str, password: str = demo.DEMO_PASSWORD) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)


def test_patient_accepts_invite_fills_diary_alarm_reaches_the_clinician(page: Any, phone: Any, base: str) -> None:
    # The clinician invites Noor Bos from her patient page and copies the one-time link.
    _log_in(page, base, "anna")
    page.goto(f"{base}/patients/?q=Bos")
    page.click("text=Bos, Noor")
    page.click("section[aria-labelledby=portal-h] button[type=submit]")
    link = page.input_value("#invite-link")
    assert "/portal/welcome/" in link

    # On her phone, Noor opens the link and chooses a password.
    phone.goto(link)
    phone.fill("#id_password1", PASSWORD)
    phone.fill("#id_password2", PASSWORD)
    screenshot(phone, "portal-01-accept")
    phone.click("main button[type=submit]")
    phone.wait_for_url("**/me/")
    assert "Noor" in phone.locator("h1").inner_text()
    assert phone.locator("#contact-now").is_visible()
    screenshot(phone, "portal-02-home")

    # The diary: a few taps, plus one alarm answer.
    phone.click("#diary-button")
    phone.click("label[for=id_pain_now_5]")
    phone.click("label[for=id_exercises_1]")
    phone.click("#diary-more summary")  # the optional part is folded away
    phone.click("label[for=id_sleep_quality_6]")
    phone.fill("#id_minutes_walked", "25")
    screenshot(phone, "portal-03-diary")
    phone.check("input[name=alarms][value=bladder]")
    phone.click("#diary-form button[type=submit]")

    banner = phone.locator("#alarm")
    assert banner.is_visible()
    flag = engine.triage({"region": "low_back", "signs": ["bladder_dysfunction"]}).red_flags[0]
    assert engine.patient_instruction(flag, "nl").get(Lang.NL) in banner.inner_text()  # plain words for the patient
    # the clinician's instruction is not shown to the patient
    assert flag.action.get(Lang.NL) not in banner.inner_text()
    # Suspected cauda equina: the GP or huisartsenpost now (112 only when severe), not a "call 112" button.
    assert not flag.calls_112 and banner.locator("a[href='tel:112']").count() == 0
    screenshot(phone, "portal-04-alarm")

    # The alarm is a red flag of Noor's episode: the dashboard lists it under the open alarms, and her episode page
    # shows the banner until the clinician acts (the whole life cycle: test_red_flag_flow.py).
    page.goto(f"{base}/")
    alarms = page.locator("section[aria-labelledby=alarms-h]")
    assert "Noor Bos" in alarms.inner_text() and "dagboek" in alarms.inner_text()
    screenshot(page, "portal-05-dashboard-alarm")
    page.set_viewport_size(PHONE)
    screenshot(page, "portal-06-dashboard-alarm-phone")
    page.set_viewport_size({"width": 1200, "height": 900})
    alarms.locator("a", has_text="Noor Bos").click()
    banner = page.locator("#alarm")
    assert banner.is_visible() and "dagboek" in banner.inner_text()
    assert RedFlag.objects.get(episode__patient__last_name="Bos", origin="diary").stage == FlagStage.RAISED


def test_the_clinician_answers_a_trend_alert_and_emma_reads_it(page: Any, phone: Any, base: str) -> None:
    # Emma's diary shows her pain rising: the alert waits at the top of the dashboard; acknowledging removes it.
    _log_in(page, base, "anna")
    row = page.locator("#portal-alerts .alert-row", has_text="Emma Peeters")
    assert row.is_visible()
    row.locator("textarea").fill("Ik bel u morgen om het schema aan te passen.")
    row.locator("button[type=submit]").click()
    assert page.locator("#portal-alerts .alert-row", has_text="Emma Peeters").count() == 0
    assert Alert.objects.get(patient__last_name="Peeters", kind="trend").acknowledged_by.username == "anna"

    _log_in(phone, base, "emma")
    assert "morgen om het schema" in phone.locator("#messages-h + *").inner_text()
    screenshot(phone, "portal-07-home-message")
    phone.click("#diary-button")
    assert phone.locator("section[aria-labelledby=recent-h] li").count() >= 10
    screenshot(phone, "portal-08-emma-diary")
