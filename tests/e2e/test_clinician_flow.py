"""A physiotherapist takes a new patient from first contact to a stratified, explained result in the browser."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from rugpad.web.care.models import Episode, Patient
from tests.e2e.conftest import log_in, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_clinician_takes_a_new_patient_to_an_explained_result(page: Any, demo: str) -> None:
    log_in(page, demo, "anna")
    assert page.locator("#alarms-h").is_visible()
    assert "Bakker" in page.locator("section[aria-labelledby=alarms-h]").inner_text()
    screenshot(page, "01-dashboard")

    page.click("text=Nieuwe patiënt")
    page.fill("#id_first_name", "Wim")
    page.fill("#id_last_name", "Testpersoon")
    page.fill("#id_date_of_birth", "1972-04-01")
    page.check("input[name=sex][value=male]")
    page.click("main button[type=submit]")
    page.wait_for_url("**/patients/*/")
    page.check("input[name=region][value=low_back]")
    page.fill("#id_onset_on", (timezone.localdate() - timezone.timedelta(days=14)).isoformat())
    page.click("button:has-text('Episode openen')")
    page.wait_for_url("**/episodes/*/")
    episode = Episode.objects.get(patient__last_name="Testpersoon")

    page.click("text=Anamnese")
    page.fill("#id_complaint", "Rugpijn na tillen, uitstraling naar het bovenbeen.")
    page.select_option("#id_course", "not_improving")
    page.fill("#id_help_request", "Weer kunnen werken in de bouw.")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/episodes/{episode.pk}/")

    page.click("text=Screening rode vlaggen")
    screenshot(page, "02-screening")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/episodes/{episode.pk}/")

    page.goto(f"{demo}/episodes/{episode.pk}/questionnaires/startback/")
    answers = {"1": "1", "2": "0", "3": "1", "4": "1", "5": "0", "6": "1", "7": "0", "8": "0", "9": "2"}
    for item, value in answers.items():
        page.check(f"input[name=item_{item}][value='{value}']")
    screenshot(page, "03-startback")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/episodes/{episode.pk}/")

    result = page.locator("#result")
    assert "middelmatig" in result.inner_text()  # STarT Back risk "medium", in Dutch (the KNGF word)
    assert "2" in result.locator("dd strong").first.inner_text()
    first_rule = result.locator("details.rule").first
    first_rule.locator("summary").click()
    why = first_rule.locator(".why").inner_text()
    assert "Regel" in why and "Bron" in why
    screenshot(page, "04-result")


def test_red_flag_shows_the_emergency_banner_with_the_action(page: Any, demo: str) -> None:
    log_in(page, demo, "anna")
    patient = Patient.objects.get(last_name="de Vries")
    episode = patient.episodes.first()
    page.goto(f"{demo}/episodes/{episode.pk}/screening/")
    page.check("input[name=sign_saddle_anaesthesia]")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/episodes/{episode.pk}/")
    banner = page.locator("#alarm")
    assert banner.is_visible()
    assert "SPOED" in banner.inner_text().upper()
    assert banner.locator(".action").first.inner_text().strip()
    screenshot(page, "05-emergency")


def test_a_patient_cannot_open_another_patients_page(page: Any, demo: str) -> None:
    log_in(page, demo, "sanne")
    assert "Sanne" in page.locator("h1").inner_text()
    screenshot(page, "06-patient-home")
    other = Patient.objects.get(last_name="Smit")
    other_response = other.episodes.first().responses.first()
    for url in (
        f"/patients/{other.pk}/",
        f"/episodes/{other.episodes.first().pk}/",
        f"/me/questionnaires/{other_response.pk}/",
        f"/api/patients/{other.pk}",
    ):
        response = page.goto(f"{demo}{url}")
        assert response.status in (401, 404), url
