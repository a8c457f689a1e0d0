"""Outcomes in the browser: a patient fills a scheduled questionnaire on a phone; the clinician reads the chart,
records consent and downloads the GP report (its PDF text checked)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader

from rugpad.web.care import actions as care_actions
from rugpad.web.care.models import Episode, InstrumentResponse, ResponseStatus
from rugpad.web.demo import as_user
from rugpad.web.jobs.tasks import request_due_questionnaires
from tests.e2e.conftest import load_demo_here, log_in, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(live_server: Any) -> str:
    load_demo_here()
    request_due_questionnaires.call_local()  # the periodic job, run now
    return str(live_server.url)


def test_the_patient_fills_a_scheduled_questionnaire_on_a_phone(page: Any, demo: str) -> None:
    requested = InstrumentResponse.objects.get(
        episode__patient__user__username="sanne", moment="intake", instrument="odi", status=ResponseStatus.REQUESTED
    )
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, demo, "sanne")
    page.goto(f"{demo}/me/questionnaires/{requested.pk}/")
    for item in range(1, 11):
        page.check(f"input[name=item_{item}][value='1']")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    requested.refresh_from_db()
    assert requested.status == ResponseStatus.COMPLETED and requested.score == 20
    page.goto(f"{demo}/outcomes/me/")
    assert page.locator("svg.chart").count() >= 1
    screenshot(page, "outcomes-01-patient-progress-phone")


def test_the_clinician_reads_the_chart_and_sends_the_gp_report(page: Any, demo: str) -> None:
    noor = Episode.objects.get(patient__last_name="Bos")
    nprs = noor.responses.get(moment="reevaluation-3-4-weeks", instrument="nprs")
    care_actions.do_record_response(as_user(noor.patient.clinician), noor, "nprs", {"1": 2}, requested=nprs)
    log_in(page, demo, "anna")
    page.goto(f"{demo}/outcomes/episodes/{noor.pk}/")
    chart = page.locator("#charts svg.chart").first
    assert chart.is_visible() and "Pijnscore" in page.locator("#charts").inner_text()
    assert "eval-" in page.locator("#decision").inner_text()
    screenshot(page, "outcomes-02-evaluation")

    page.click("text=Stel een tussenverslag op")
    page.fill("#report_treatment", "Drie behandelingen: uitleg, wandelschema en oefeningen voor de rug.")
    page.fill("#report_advice", "Wandelschema uitbreiden; herbeoordeling over twee weken.")
    page.click("button:has-text('Verslag opstellen')")
    assert page.locator(".draft").first.is_visible()  # no consent yet: draft only
    screenshot(page, "outcomes-03-report-draft")

    page.click("text=Toestemming vastleggen")
    page.click("text=Leg het antwoord van de patiënt vast")
    page.check("input[name=decision][value=given]")
    page.check("input[name=method][value=verbal]")
    page.click("#consent button[type=submit]")
    page.click("#reports a >> nth=0")
    with page.expect_download() as download_info:
        page.click("button:has-text('PDF downloaden om te versturen')")
    pdf = download_info.value.path()
    with open(pdf, "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Tussenverslag fysiotherapie" in text and "Noor Bos" in text
    assert "Pijnscore (NPRS 0-10): 6 → 2" in text and "klinisch belangrijk" in text
    # the letter says what the screening asked and found absent, never a sign nobody asked about as "absent"
    assert "Rode vlaggen" in text and "Gescreend op" in text
    assert "Caudasyndroom" in text and "gevraagd, afwezig" in text
