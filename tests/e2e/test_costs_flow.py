"""What a course of treatment costs, in the browser: the practice admin sets a tariff, the clinician reads the
estimate on the plan, and the patient reads it on a 390 px phone — in Dutch, amounts as "€ 47,50" (the space a
no-break space)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from rugpad.web.care.models import Patient
from tests.e2e.conftest import log_in, screenshot


def test_tariff_to_estimate_for_clinician_and_patient(demo: str, page: Any, phone: Any) -> None:
    sanne = Patient.objects.get(user__username="sanne")
    episode = sanne.episodes.order_by("-started_on", "-id").first()
    assert episode is not None

    # The practice admin sets the regular session's tariff from today on.
    log_in(page, demo, "beheer")
    page.click("header >> text=Tarieven")
    page.select_option("#id_kind", "regular")
    page.fill("#id_amount", "47,50")
    page.fill("#id_valid_from", timezone.localdate().isoformat())
    page.click("text=Tarief opslaan")
    page.wait_for_load_state()
    today = page.locator("section:has(#now-h)")
    assert "€\xa047,50" in today.inner_text()
    screenshot(page, "costs-admin-tariffs")
    page.click("text=Openbare tarievenlijst")
    assert "€\xa047,50" in page.locator("table.price-list").inner_text()
    page.click("header button[type=submit]")  # log out

    # The clinician's plan page: Sanne's 6 sessions (a first visit at € 60, then 5 at € 47,50 = € 297,50); her
    # policy covers 9 a year and she has had 5, so 4 are covered and 2 × € 47,50 = € 95,00 is her own.
    log_in(page, demo, "anna")
    page.goto(f"{demo}/plans/episodes/{episode.pk}/")
    card = page.locator("section.costs-estimate")
    card.locator("summary").click()
    text = card.inner_text()
    assert "Verwachte eigen betaling: €\xa095,00" in text
    assert "€\xa0297,50" in text and "nog 4 over" in text
    card.scroll_into_view_if_needed()
    screenshot(page, "costs-clinician-plan")
    # Two sessions a week instead of one: 12 sessions, of which 4 covered (the first visit and 3 at € 47,50), so
    # 8 × € 47,50 = € 380,00 own; the card follows the plan without a reload.
    page.fill("#id_sessions_per_week", "2")
    page.click("form.plan-meta button[type=submit]")
    page.locator("section.costs-estimate", has_text="Verwachte eigen betaling: €\xa0380,00").wait_for()

    # The patient on her phone: the plain-language card of the changed plan, the assumptions folded.
    log_in(phone, demo, "sanne")
    phone.goto(f"{demo}/plans/me/")
    mine = phone.locator("section.costs-estimate")
    assert "Verwachte kosten voor u zelf: €\xa0380,00." in mine.inner_text()
    assert not mine.locator("details.costs-assumptions").evaluate("d => d.open")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    mine.scroll_into_view_if_needed()
    screenshot(phone, "costs-patient-phone")
    for summary in mine.locator("summary").all():
        summary.click()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "costs-patient-phone-open")
