"""A Belgian practice in the browser, in Dutch and in French: the clinician reads a recommendation citing KCE first
and writes the letter to the "huisarts / behandelend arts" (or "médecin généraliste / médecin traitant"); the
patient's phone offers the GP on call at 1733. The demo practice is made Belgian for these tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from rugpad import engine
from rugpad.web.care.models import Episode
from rugpad.web.practice.models import Practice
from tests.e2e.conftest import CHROMIUM_FLAGS, PHONE, log_in, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

_ = CHROMIUM_FLAGS  # the browser fixture's flags; contexts below differ only in language and size


@pytest.fixture
def belgian(demo: str) -> str:
    Practice.objects.update(country="be")
    return demo


def _context(browser: Any, locale: str, size: dict[str, int], mobile: bool = False) -> Iterator[Any]:
    context = browser.new_context(locale=locale, viewport=size, is_mobile=mobile, has_touch=mobile)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def french_page(browser: Any) -> Iterator[Any]:
    yield from _context(browser, "fr-BE", {"width": 1280, "height": 900})


@pytest.fixture
def french_phone(browser: Any) -> Iterator[Any]:
    yield from _context(browser, "fr-BE", PHONE, mobile=True)


def _imaging_rule_text(page: Any, base: str, episode: Episode) -> str:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/episodes/{episode.pk}/")
    rule = page.locator("details.rule", has=page.locator("code", has_text="lb.all.no_routine_imaging"))
    rule.locator("summary").click()
    return str(rule.locator(".why").inner_text())


def test_the_belgian_clinician_reads_kce_first_in_dutch_and_in_french(
    page: Any, french_page: Any, belgian: str
) -> None:
    sanne = Episode.objects.get(patient__last_name="de Vries")
    kce, nice, nhg = (engine.sources()[s].citation for s in ("kce-287", "nice-ng59", "nhg-m54"))
    for browser_page, lang in ((page, "nl"), (french_page, "fr")):
        log_in(browser_page, belgian, "anna")
        why = _imaging_rule_text(browser_page, belgian, sanne)
        assert why.index(kce[:40]) < why.index(nice[:40]) < why.index(nhg[:40]), lang
        screenshot(browser_page, f"country-01-episode-kce-first-{lang}")


def test_the_belgian_letter_is_addressed_to_the_treating_doctor_in_french(french_page: Any, belgian: str) -> None:
    sanne = Episode.objects.get(patient__last_name="de Vries")
    sanne.patient.__class__.objects.filter(pk=sanne.patient_id).update(gp_name="")
    log_in(french_page, belgian, "anna")
    french_page.goto(f"{belgian}/outcomes/episodes/{sanne.pk}/")
    french_page.locator("#reports details summary").first.click()
    french_page.select_option("#report_lang", "fr")
    french_page.fill("#report_treatment", "Trois séances : explications, marche et exercices pour le dos.")
    french_page.fill("#report_advice", "Continuer la marche.")
    with french_page.expect_navigation():
        french_page.click("#reports form[action$='/reports/new/'] button[type=submit]")
    text = french_page.locator("main").inner_text()
    assert "Médecin généraliste / médecin traitant" in text and "kinésithérapie" in text
    screenshot(french_page, "country-02-letter-fr")


def test_the_belgian_patient_can_call_1733_from_the_phone(phone: Any, french_phone: Any, belgian: str) -> None:
    for browser_page, lang, label in (
        (phone, "nl", "Huisarts van wacht: 1733"),
        (french_phone, "fr", "Médecin de garde : 1733"),
    ):
        log_in(browser_page, belgian, "sanne")
        browser_page.goto(f"{belgian}/me/")
        call = browser_page.locator("#contact-now a[href='tel:1733']")
        assert call.is_visible() and call.inner_text().strip() == label
        call.scroll_into_view_if_needed()
        screenshot(browser_page, f"country-03-patient-home-1733-{lang}")


def test_a_belgian_patients_same_day_alarm_offers_1733_but_not_112(phone: Any, belgian: str) -> None:
    log_in(phone, belgian, "sanne")
    phone.goto(f"{belgian}/me/")
    phone.click("#diary-button")
    phone.click("label[for=id_pain_now_5]")
    phone.check("input[name=alarms][value=bladder]")
    phone.click("#diary-form button[type=submit]")
    banner = phone.locator("#alarm")
    assert banner.is_visible() and "1733" in banner.inner_text()
    assert banner.locator("a[href='tel:1733']").is_visible()
    assert banner.locator("a[href='tel:112']").count() == 0  # suspected cauda equina: the GP now, 112 when severe
    screenshot(phone, "country-04-alarm-1733-nl")
