"""The GP report: drafted any time, sent only with recorded consent; discharge closes the episode."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from rugpad import engine
from rugpad.core.vocab import Lang
from rugpad.web.audit.models import AuditEvent
from rugpad.web.care.models import EpisodeStatus
from rugpad.web.demo import as_user
from rugpad.web.outcomes import actions, clock
from rugpad.web.outcomes.models import GpReport, ReportConsent
from tests.web.conftest import World, client_for
from tests.web.outcomes.helpers import ODI_20, ODI_40, fill

CONSENT = {"decision": "given", "method": "verbal", "given_by": "Pat Ienta", "recipient": "Huisarts Jansen", "note": ""}
REPORT = {"lang": "nl", "treatment": "Vier behandelingen met oefentherapie.", "advice": "Blijf wandelen; géén rust."}


@pytest.fixture
def today(world: World, monkeypatch: pytest.MonkeyPatch) -> dt.date:
    day = world.episode.started_on + dt.timedelta(days=28)
    monkeypatch.setattr(clock, "today", lambda: day)
    fill(world.clinician, world.episode, "nprs", {"1": 8}, world.episode.started_on)
    fill(world.clinician, world.episode, "nprs", {"1": 3}, day)
    fill(world.clinician, world.episode, "odi", ODI_40, world.episode.started_on)
    fill(world.clinician, world.episode, "odi", ODI_20, day)
    return day


def _draft(world: World) -> GpReport:
    response = client_for(world.clinician).post(reverse("outcomes_new_report", args=[world.episode.pk]), REPORT)
    assert response.status_code == 302
    return GpReport.objects.get(episode=world.episode)


def _pdf_text(data: bytes) -> str:
    """The PDF's text with runs of white space collapsed (line breaks fall anywhere)."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def test_a_report_can_be_drafted_without_consent_but_not_exported(world: World, today: dt.date) -> None:
    report = _draft(world)
    client = client_for(world.clinician)
    page = client.get(reverse("outcomes_report", args=[report.pk])).content.decode()
    assert "CONCEPT" in page or "DRAFT" in page
    response = client.post(reverse("outcomes_report_pdf", args=[report.pk]))
    assert response.status_code == 302 and response["Content-Type"] != "application/pdf"
    report.refresh_from_db()
    assert report.exported_at is None
    assert not AuditEvent.objects.filter(action="export").exists()


def test_with_consent_the_pdf_is_exported_and_audited(world: World, today: dt.date) -> None:
    report = _draft(world)
    client = client_for(world.clinician)
    assert client.post(reverse("outcomes_consent", args=[world.episode.pk]), CONSENT).status_code == 302
    response = client.post(reverse("outcomes_report_pdf", args=[report.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "Pat Ienta" in text and "géén rust" in text
    assert "Vermoeden van caudasyndroom" not in text  # no screening recorded in this world: nothing claimed
    assert "8 → 3" in text
    report.refresh_from_db()
    assert report.exported_at is not None and report.exported_by == world.clinician
    assert AuditEvent.objects.filter(action="export", object_id=str(report.pk)).exists()


def test_the_letter_says_what_was_asked_and_found_absent_and_what_was_not_asked(world: World, today: dt.date) -> None:
    """Only signs that were asked are reported as absent; what nobody asked is said as such (never 'absent')."""
    from rugpad.web.care.actions import do_save_screening

    labels = {sign.id: sign.label.get(Lang.NL) for _group, signs in engine.sign_groups("low_back") for sign in signs}
    asked = ["saddle_anaesthesia", "bladder_dysfunction", "history_of_cancer"]
    do_save_screening(as_user(world.clinician), world.episode, ["history_of_cancer"], "", asked=asked)
    report = actions.do_generate_report(
        as_user(world.clinician), world.episode, kind="interim", treatment="x", advice="y", today=today
    )
    content = report.content
    section = next(s for s in content["sections"] if s["heading"] == "Rode vlaggen")

    def group(label: str) -> str:
        return next(item for item in section["items"] if label in item)

    assert f"aanwezig: {labels['history_of_cancer']}" in group(labels["history_of_cancer"])
    cauda = group(labels["saddle_anaesthesia"]).split(" · ")
    assert any("gevraagd, afwezig:" in part and labels["saddle_anaesthesia"] in part for part in cauda)
    infection = group(labels["fever"]).split(" · ")
    assert any("niet gevraagd:" in part and labels["fever"] in part for part in infection)
    assert not any("afwezig" in part and labels["fever"] in part for part in infection)
    assert any(item.startswith("Rode vlag ") for item in section["items"])  # the flag it raised, with its stage
    text = _pdf_text(bytes(report.pdf))
    assert "Rode vlaggen" in text and labels["fever"] in text


def test_the_letter_carries_no_instruction_for_the_therapist(world: World, today: dt.date) -> None:
    """The decision is reported as an outcome and a decision, never as the therapist's to-do ("measure first")."""
    report = actions.do_generate_report(
        as_user(world.clinician), world.episode, kind="interim", treatment="x", advice="y", today=today
    )
    text = _pdf_text(bytes(report.pdf))
    outcomes = text.lower().split("uitkomsten")[1].split("advies")[0]
    assert "vul" not in outcomes and "eerst meten" not in outcomes and "besluit" not in outcomes
    assert "evaluatie" in outcomes and "verbetering" in outcomes  # the outcome in words for the GP
    assert "2.7" not in text  # numbers with a decimal comma in a Dutch letter


def test_withdrawn_consent_blocks_the_export_again(world: World, today: dt.date) -> None:
    report = _draft(world)
    request = as_user(world.clinician)
    actions.do_record_consent(request, world.episode, **CONSENT)
    actions.do_record_consent(request, world.episode, **(CONSENT | {"decision": "withdrawn"}))
    with pytest.raises(actions.ConsentMissing):
        actions.do_export_report(request, report)


def test_consent_without_a_decision_is_refused_next_to_the_field(world: World, today: dt.date) -> None:
    response = client_for(world.clinician).post(
        reverse("outcomes_consent", args=[world.episode.pk]), CONSENT | {"decision": ""}
    )
    assert response.status_code == 400
    assert 'class="field has-error radios"' in response.content.decode() or "has-error" in response.content.decode()
    assert not ReportConsent.objects.exists()


def test_a_report_without_treatment_text_is_refused(world: World, today: dt.date) -> None:
    response = client_for(world.clinician).post(
        reverse("outcomes_new_report", args=[world.episode.pk]), REPORT | {"treatment": ""}
    )
    assert response.status_code == 400 and "has-error" in response.content.decode()
    assert not GpReport.objects.exists()


def test_discharge_closes_the_episode_with_a_final_report(world: World, today: dt.date) -> None:
    client = client_for(world.clinician)
    refused = client.post(reverse("outcomes_discharge", args=[world.episode.pk]), REPORT)
    assert refused.status_code == 400  # the confirmation box is required
    world.episode.refresh_from_db()
    assert world.episode.status == EpisodeStatus.OPEN
    without_reason = client.post(reverse("outcomes_discharge", args=[world.episode.pk]), REPORT | {"confirm": "on"})
    assert without_reason.status_code == 400, "no end measurement and no reason: the episode stays open"
    assert "zonder eindmeting" in without_reason.content.decode()
    world.episode.refresh_from_db()
    assert world.episode.status == EpisodeStatus.OPEN
    response = client.post(
        reverse("outcomes_discharge", args=[world.episode.pk]),
        REPORT | {"confirm": "on", "reason": "Patiënt kwam niet meer; telefonisch nagebeld."},
    )
    assert response.status_code == 302
    world.episode.refresh_from_db()
    assert world.episode.status == EpisodeStatus.CLOSED and world.episode.next_evaluation_on is None
    report = GpReport.objects.get(episode=world.episode)
    assert report.kind == "discharge" and report.created_by == world.clinician
    text = _pdf_text(bytes(report.pdf))
    assert "Eindverslag" in text and "telefonisch nagebeld" in text
    assert actions.do_request_due(as_user(world.clinician), world.episode, today + dt.timedelta(days=60)) == []


def test_an_english_letter_can_be_drafted(world: World, today: dt.date) -> None:
    report = actions.do_generate_report(
        as_user(world.clinician), world.episode, kind="interim", treatment="x", advice="y", today=today, lang="en"
    )
    assert "Interim report" in _pdf_text(bytes(report.pdf))
