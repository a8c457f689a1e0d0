"""A red flag's life cycle in the browser (issue 8): the patient ticks an alarm question in the diary on a phone and is
told what to do; the clinician sees the banner, the dashboard lists it as open and the patient's guided session
offers no exercise; the clinician records an action (a note is required) and then the GP's "excluded"; the session
offers exercises again."""

from __future__ import annotations

import re
from typing import Any

import pytest

from rugpad import engine
from rugpad.core.vocab import Lang
from rugpad.web.care.models import Episode, FlagStage, RedFlag
from tests.e2e.conftest import load_demo_here, log_in, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESK = {"width": 1200, "height": 900}
SESSION = "/plans/session/?all=1&timescale=0.005"  # every exercise of the plan, whatever today's schedule
RAW = re.compile(r"\brf\.|\b(raised|acted|excluded|closed|diary|emergency|unverified|low|medium|high|source)\b|\(bron:")
"""What a Dutch page must not show: rule ids, stored stage or origin values, English vocabulary, source ids."""


@pytest.fixture
def base(live_server: Any) -> str:
    load_demo_here(("plans",))  # Sanne's plan is all this story needs
    return str(live_server.url)


def _plain(page: Any, selector: str = "main") -> str:
    text = str(page.locator(selector).inner_text())
    assert not RAW.search(text), RAW.search(text)
    return text


def _offers_exercises(phone: Any, base: str) -> bool:
    phone.goto(f"{base}{SESSION}")
    return bool(phone.locator("#btn-begin").count())


def test_a_diary_alarm_blocks_the_session_until_the_gp_has_excluded_it(page: Any, phone: Any, base: str) -> None:
    episode = Episode.objects.get(patient__user__username="sanne")
    log_in(phone, base, "sanne")
    assert _offers_exercises(phone, base)

    # Sanne ticks one alarm question in her diary and is told, in plain words, what to do and whom to call.
    phone.goto(f"{base}/portal/diary/")
    phone.click("label[for=id_pain_now_4]")
    phone.check("input[name=alarms][value=bladder]")
    screenshot(phone, "redflag-01-diary-alarm-ticked")
    phone.click("#diary-form button[type=submit]")
    banner = phone.locator("#alarm")
    assert banner.is_visible()
    rule_id = RedFlag.objects.get(episode=episode).rule_id
    assert engine.patient_instruction(rule_id, "nl").get(Lang.NL) in banner.inner_text()
    assert "huisarts" in banner.inner_text()  # a same-day emergency: the GP or huisartsenpost now, 112 when severe
    assert banner.locator("a[href='tel:112']").count() == int(engine.calls_112(rule_id))
    _plain(phone)
    screenshot(phone, "redflag-02-patient-told-what-to-do")

    # The clinician: the dashboard lists the open alarm, the episode page shows the banner.
    page.set_viewport_size(DESK)
    log_in(page, base, "anna")
    alarms = page.locator("section[aria-labelledby=alarms-h]")
    assert "Sanne de Vries" in _plain(page, "section[aria-labelledby=alarms-h]")
    _plain(page)
    screenshot(page, "redflag-03-dashboard-open-alarm")
    alarms.locator("a", has_text="Sanne de Vries").click()
    page.wait_for_url(f"**/episodes/{episode.pk}/**")
    banner = page.locator("#alarm")
    assert banner.is_visible() and "dagboek" in banner.inner_text()
    _plain(page)
    screenshot(page, "redflag-04-episode-banner")

    # The patient's guided session offers no exercise, and says why.
    assert not _offers_exercises(phone, base)
    assert phone.locator(".red-flag-notice").is_visible()
    assert phone.locator("#session-exercises").count() == 0
    _plain(phone)
    screenshot(phone, "redflag-05-session-waits")
    phone.goto(f"{base}/me/")
    programme = phone.locator("section[aria-labelledby=programme-h]")
    assert programme.locator(".red-flag-notice").is_visible()
    assert programme.locator("a[href^='/plans/session/']").count() == 0
    screenshot(phone, "redflag-06-home-waits")

    # An action needs a note: without one the form says so and nothing is stored.
    action = banner.locator("form", has=page.locator("input[name=kind][value=action]"))
    action.locator("input[name=counterpart]").fill("Huisartsenpraktijk Centrum")
    action.locator("button[type=submit]").click()
    note_error = page.locator("#alarm form .errorlist")
    assert note_error.first.is_visible() and "verplicht" in note_error.first.inner_text()
    assert RedFlag.objects.get(episode=episode).stage == FlagStage.RAISED
    screenshot(page, "redflag-07-action-note-required")
    action = page.locator("#alarm form", has=page.locator("input[name=kind][value=action]"))
    action.locator("textarea[name=note]").fill("Huisarts gebeld; mevrouw kan vanmiddag terecht.")
    action.locator("button[type=submit]").click()
    page.wait_for_url(f"**/episodes/{episode.pk}/")
    assert RedFlag.objects.get(episode=episode).stage == FlagStage.ACTED
    assert "vanmiddag terecht" in page.locator("#alarm").inner_text()
    screenshot(page, "redflag-08-action-recorded")
    assert not _offers_exercises(phone, base)  # an action alone does not reopen the pathway

    # The GP saw her and excluded serious pathology: who assessed it and a note.
    excluded = page.locator("#alarm form", has=page.locator("input[name=kind][value=excluded]"))
    excluded.locator("input[name=counterpart]").fill("dr. Jansen, huisarts")
    excluded.locator("textarea[name=note]").fill("Geen aanwijzingen voor een caudasyndroom; plassen weer normaal.")
    excluded.locator("button[type=submit]").click()
    page.wait_for_url(f"**/episodes/{episode.pk}/")
    assert RedFlag.objects.get(episode=episode).stage == FlagStage.EXCLUDED
    assert page.locator("#alarm").count() == 0
    assert "dr. Jansen" in _plain(page, "#closed-flags")
    _plain(page)
    screenshot(page, "redflag-09-excluded-by-gp")
    page.goto(f"{base}/")
    assert "Sanne de Vries" not in page.locator("section[aria-labelledby=alarms-h]").inner_text()

    # The session offers exercises again.
    assert _offers_exercises(phone, base)
    _plain(phone)
    screenshot(phone, "redflag-10-session-offers-exercises")
