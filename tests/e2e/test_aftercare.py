"""Aftercare in the browser: Marleen Jacobs (discharged thirteen weeks ago, pain 2 at discharge) answers her 3-month
check-in on a 390 px phone — her back pain is back at 6 — and the recurrence flag it raises is what her therapist
sees first on the dashboard, with what to do; the therapist records the call and the flag closes. Then the same
pages in French, and the clinician setting up aftercare for a patient discharged today."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from rugpad.web.aftercare.models import CheckIn, RecurrenceFlag
from rugpad.web.care.models import Episode
from tests.e2e.conftest import PHONE, log_in, screenshot


def _fits_the_phone(phone: Any) -> None:
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_three_month_check_in_on_a_phone_raises_a_recurrence_the_clinician_sees(
    demo: str, page: Any, phone: Any
) -> None:
    # The patient's home after discharge: her check-in is due today, "come back if…" beside it.
    log_in(phone, demo, "marleen")
    home = phone.locator("#aftercare-home")
    assert "Hoe gaat het met uw rug?" in home.inner_text() and "Kom terug als" in home.inner_text()
    _fits_the_phone(phone)
    screenshot(phone, "aftercare-01-patient-home-nl")

    # Three questions in big taps; no alarm sign ticked.
    phone.click("#checkin-button")
    phone.locator("#checkin-form").wait_for()
    _fits_the_phone(phone)
    screenshot(phone, "aftercare-02-checkin-nl")
    phone.click("label[for=id_pain_6]")
    phone.click("label[for=id_limited_again_1]")  # not limited again
    phone.click("label[for=id_came_back_0]")  # but the complaint came back
    phone.click("#checkin-send")
    phone.wait_for_url("**/done/")
    assert "Uw praktijk neemt contact met u op" in phone.locator("#verdict").inner_text()
    _fits_the_phone(phone)
    screenshot(phone, "aftercare-03-checkin-done-nl")
    checkin = CheckIn.objects.get(patient__user__username="marleen", weeks=13)
    assert (checkin.status, checkin.rule_id, checkin.pain_change) == ("recurrence", "aftercare.back_and_worse", 4)

    # The therapist's dashboard shows the flag with what to do; the plan page says why (rule, source, evidence).
    log_in(page, demo, "anna")
    flags = page.locator("#aftercare-flags")
    assert "Marleen Jacobs" in flags.inner_text()
    assert "Nodig de patiënt uit voor een nieuwe episode" in flags.inner_text()
    flags.scroll_into_view_if_needed()
    screenshot(page, "aftercare-04-dashboard-nl")
    flags.locator("a", has_text="Marleen Jacobs").click()
    page.locator("h1", has_text="Nazorg van Marleen Jacobs").wait_for()
    rule = page.locator("details.rule").first
    rule.locator("summary").click()
    assert "aftercare.back_and_worse" in rule.inner_text() and "4 punten hoger" in rule.inner_text()
    screenshot(page, "aftercare-05-plan-nl")

    # The call is recorded; the flag closes and leaves the dashboard.
    flag = RecurrenceFlag.objects.get()
    page.check(f"#flag{flag.pk}_outcome_0")
    page.fill(f"#flag{flag.pk}_note", "Gebeld; afspraak voor een nieuwe intake volgende week.")
    page.click("text=Vastleggen wat er is gedaan")
    page.wait_for_load_state()
    flag.refresh_from_db()
    assert not flag.is_open and flag.outcome == "invited"
    page.goto(f"{demo}/")
    assert page.locator("#aftercare-flags").count() == 0


@pytest.fixture
def french_phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="fr-BE", viewport=PHONE, is_mobile=True, has_touch=True)
    found = context.new_page()
    found.set_default_timeout(15_000)
    yield found
    context.close()


@pytest.fixture
def french_page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="fr-BE", viewport={"width": 1280, "height": 900})
    found = context.new_page()
    found.set_default_timeout(15_000)
    yield found
    context.close()


def test_the_aftercare_pages_in_french_and_setting_up_aftercare(
    demo: str, page: Any, french_page: Any, french_phone: Any
) -> None:
    log_in(french_phone, demo, "marleen")
    assert "Revenez si" in french_phone.locator("#aftercare-home").inner_text()
    screenshot(french_phone, "aftercare-06-patient-home-fr")
    french_phone.click("#checkin-button")
    assert "Quelle douleur ressentez-vous dans le dos" in french_phone.locator("#checkin-form").inner_text()
    _fits_the_phone(french_phone)
    screenshot(french_phone, "aftercare-07-checkin-fr")
    french_phone.goto(f"{demo}/aftercare/me/")
    assert "Continuez ces exercices" in french_phone.inner_text("main")
    _fits_the_phone(french_phone)
    screenshot(french_phone, "aftercare-08-mine-fr")

    # Henk de Wit was discharged today: the aftercare page offers to set his up; the form starts from his last
    # pain score, his plan's exercises and 13 and 26 weeks.
    henk = Episode.objects.get(patient__last_name="de Wit")
    log_in(page, demo, "anna")
    page.goto(f"{demo}/aftercare/")
    page.locator(f"a[href='/aftercare/episodes/{henk.pk}/']").click()
    assert page.input_value("#id_weeks") == "13, 26" and page.input_value("#id_baseline_pain") == "2"
    screenshot(page, "aftercare-09-setup-nl")
    page.fill("#id_weeks", "6, 12, 26")
    page.click("text=Nazorg opslaan")
    page.locator("h1", has_text="Nazorg van Henk de Wit").wait_for()
    assert list(CheckIn.objects.filter(plan__episode=henk).values_list("weeks", flat=True)) == [6, 12, 26]

    log_in(french_page, demo, "anna")
    french_page.goto(f"{demo}/aftercare/")
    assert "Suivi après traitement" in french_page.inner_text("main")
    screenshot(french_page, "aftercare-10-practice-fr")
    french_page.goto(f"{demo}/patients/{henk.patient_id}/")
    assert "Suivi après traitement" in french_page.locator("#aftercare-panel").inner_text()
    screenshot(french_page, "aftercare-11-patient-page-fr")
