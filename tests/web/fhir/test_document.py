"""DocumentReference and Composition of the GP letter: the same frozen content, only with the patient's consent, and
the PDF through `GET /fhir/Binary/<id>` as the letter's own audited export."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape
from fhir.resources.R4B.composition import Composition
from fhir.resources.R4B.documentreference import DocumentReference

import rugpad.web.fhir.build.extra  # noqa: F401  (registers the types)
from rugpad.web.audit.models import AuditAction, AuditEvent
from rugpad.web.demo import as_user
from rugpad.web.fhir.registry import KINDS, BuildContext
from rugpad.web.outcomes import actions
from rugpad.web.outcomes.models import GpReport
from rugpad.web.practice.models import User
from tests.web.conftest import TODAY, World, client_for


def built(type_: str, user: User) -> list[dict[str, Any]]:
    kind = KINDS[type_]
    rows = list(kind.records(user).order_by("pk"))
    return kind.build(rows, BuildContext(user=user, base_url="http://testserver/fhir", today=TODAY))


def _report(clinician: User, episode: Any) -> GpReport:
    return actions.do_generate_report(
        as_user(clinician), episode, kind="interim", treatment="Uitleg & oefeningen <thuis>", advice="Doorgaan.",
        today=TODAY,
    )  # fmt: skip


def _consent(clinician: User, episode: Any, decision: str = "given") -> None:
    actions.do_record_consent(as_user(clinician), episode, decision=decision, method="verbal", given_by="Pat",
                              recipient="Huisarts", note="")  # fmt: skip


@pytest.fixture
def reported(world: World) -> tuple[World, GpReport]:
    report = _report(world.clinician, world.episode)
    _consent(world.clinician, world.episode)
    _report(world.other_clinician, world.other_episode)
    _consent(world.other_clinician, world.other_episode)
    return world, report


def test_without_consent_neither_resource_is_emitted(world: World) -> None:
    _report(world.clinician, world.episode)
    assert built("DocumentReference", world.clinician) == built("Composition", world.clinician) == []
    _consent(world.clinician, world.episode, "refused")
    assert built("DocumentReference", world.clinician) == []


def test_a_withdrawn_consent_takes_them_away_again(reported: tuple[World, GpReport]) -> None:
    world = reported[0]
    assert len(built("DocumentReference", world.clinician)) == 1
    _consent(world.clinician, world.episode, "withdrawn")
    assert built("DocumentReference", world.clinician) == built("Composition", world.clinician) == []


def test_the_document_reference_points_at_the_pdf_with_its_size_and_sha1(reported: tuple[World, GpReport]) -> None:
    world, report = reported
    (document,) = built("DocumentReference", world.clinician)
    DocumentReference.model_validate(document)
    attachment = document["content"][0]["attachment"]
    pdf = bytes(report.pdf)
    assert attachment["contentType"] == "application/pdf"
    assert attachment["url"] == f"http://testserver/fhir/Binary/{report.pk}"
    assert attachment["size"] == len(pdf)
    assert base64.b64decode(attachment["hash"]) == hashlib.sha1(pdf).digest()
    assert attachment["title"] == document["description"] == report.content["title"]
    assert document["subject"]["reference"] == f"Patient/{world.patient.pk}"
    assert document["author"] == [{"display": world.clinician.get_username()}]


def test_the_composition_has_the_letters_sections_word_for_word(reported: tuple[World, GpReport]) -> None:
    world, report = reported
    (composition,) = built("Composition", world.clinician)
    Composition.model_validate(composition)
    sections = report.content["sections"]
    assert [s["title"] for s in composition["section"]] == [s["heading"] for s in sections]
    assert [s["code"]["coding"][0]["code"] for s in composition["section"]] == [
        "reason", "findings", "risk", "red-flags", "treatment", "outcomes", "advice",
    ]  # fmt: skip
    treatment = composition["section"][4]["text"]["div"]
    assert "Uitleg &amp; oefeningen &lt;thuis&gt;" in treatment  # escaped, never markup
    for section, resource in zip(sections, composition["section"], strict=True):
        for paragraph in section["paragraphs"] + section["items"]:
            assert str(escape(paragraph)) in resource["text"]["div"]


def test_only_clinicians_of_the_practice_get_them(reported: tuple[World, GpReport]) -> None:
    world, report = reported
    assert [d["id"] for d in built("DocumentReference", world.clinician)] == [str(report.pk)]
    assert str(report.pk) not in [d["id"] for d in built("DocumentReference", world.other_clinician)]
    assert built("DocumentReference", world.patient_user) == []  # the GP letter pages are the clinician's too
    assert built("Composition", world.admin) == []


def test_a_page_costs_the_same_queries_for_one_letter_or_many(reported: tuple[World, GpReport]) -> None:
    world = reported[0]

    def queries() -> int:
        total = 0
        for type_ in ("DocumentReference", "Composition"):
            kind = KINDS[type_]
            rows = list(kind.records(world.clinician).order_by("pk"))
            with CaptureQueriesContext(connection) as captured:
                kind.build(rows, BuildContext(user=world.clinician, base_url="http://t/fhir", today=TODAY))
            total += len(captured)
        return total

    one = queries()
    _report(world.clinician, world.episode)
    _report(world.clinician, world.episode)
    assert len(built("Composition", world.clinician)) == 3
    assert queries() == one == 0


def test_binary_gives_the_pdf_as_the_letters_audited_export(reported: tuple[World, GpReport]) -> None:
    world, report = reported
    response = client_for(world.clinician).get(f"/fhir/Binary/{report.pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content == bytes(report.pdf)
    report.refresh_from_db()
    assert report.exported_at is not None and report.exported_by == world.clinician
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="gpreport", object_id=str(report.pk))


def test_binary_as_fhir_json_carries_the_same_bytes(reported: tuple[World, GpReport]) -> None:
    world, report = reported
    response = client_for(world.clinician).get(f"/fhir/Binary/{report.pk}", HTTP_ACCEPT="application/fhir+json")
    assert response.status_code == 200
    body = response.json()
    assert body["resourceType"] == "Binary" and body["contentType"] == "application/pdf"
    assert base64.b64decode(body["data"]) == bytes(report.pdf)


@pytest.mark.parametrize("who", ["other_clinician", "admin", "patient_user"])
def test_binary_is_a_404_for_anybody_else(reported: tuple[World, GpReport], who: str) -> None:
    world, report = reported
    response = client_for(getattr(world, who)).get(f"/fhir/Binary/{report.pk}")
    assert response.status_code == 404
    assert response.json()["resourceType"] == "OperationOutcome"
    report.refresh_from_db()
    assert report.exported_at is None


def test_binary_without_consent_is_a_404_and_nothing_leaves(world: World) -> None:
    report = _report(world.clinician, world.episode)
    assert client_for(world.clinician).get(f"/fhir/Binary/{report.pk}").status_code == 404
    assert client_for(None).get(f"/fhir/Binary/{report.pk}").status_code == 401
    report.refresh_from_db()
    assert report.exported_at is None


def test_read_and_search_over_http_answer_the_practice_only(reported: tuple[World, GpReport]) -> None:
    world = reported[0]
    first = built("DocumentReference", world.clinician)[0]
    url = f"/fhir/DocumentReference/{first['id']}"
    response = client_for(world.clinician).get(url)
    assert response.status_code == 200 and response.json() == first
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, patient_id=world.patient.pk, actor=world.clinician)
    assert client_for(world.other_clinician).get(url).status_code == 404
    found = client_for(world.other_clinician).get(f"/fhir/DocumentReference?patient={world.patient.pk}").json()
    assert found.get("entry", []) == []
