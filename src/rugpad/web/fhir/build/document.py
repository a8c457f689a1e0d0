"""The letter to the GP (`outcomes.GpReport`) as a DocumentReference to its PDF and as a Composition of the same
content.

Both read the report's frozen content — what `outcomes.report.build_content` made when the letter was written, the
structure the letter's HTML and PDF are drawn from — so the three never disagree and nothing is read again from the
records. A letter leaves rugpad only with the patient's consent, as on the GP letter pages: a report whose episode's
latest consent is not "given" is not there for /fhir/ at all, and the PDF itself (`GET /fhir/Binary/<id>`) is an
export through `outcomes.actions.do_export_report`, which checks the consent again and writes the export's audit
event. Like the letter pages, these are for clinicians only.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from html import escape
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse

from rugpad.web.care.access import NOBODY, reach
from rugpad.web.fhir.codes import code_system
from rugpad.web.fhir.registry import BuildContext, ResourceKind, register
from rugpad.web.fhir.validate import validated
from rugpad.web.outcomes.models import ConsentDecision, GpReport, ReportConsent
from rugpad.web.practice.models import User

KIND_SYSTEM = code_system("gp-report-kind")
SECTION_SYSTEM = code_system("gp-report-section")
SECTION_CODES = ("reason", "findings", "risk", "red-flags", "treatment", "outcomes", "advice")
"""The sections of the letter in the order `outcomes.report.build_content` writes them (headings are translated
text, so the code names each by its place; a letter of another shape keeps its headings without codes)."""
PDF = "application/pdf"


def records(user: User) -> QuerySet[GpReport]:
    """The GP letters of the episodes a clinician may see whose latest consent is "given"."""
    latest = ReportConsent.objects.filter(episode=OuterRef("episode")).order_by("-recorded_at", "-id")
    where = reach(user, "episode__patient__") if user.is_authenticated and user.is_clinician else NOBODY
    return (
        GpReport.objects.filter(where)
        .annotate(consent=Subquery(latest.values("decision")[:1]))
        .filter(consent=ConsentDecision.GIVEN)
        .select_related("episode__patient__practice", "created_by")
    )


def _author(report: GpReport) -> dict[str, Any]:
    user = report.created_by
    return {"display": (user.get_full_name() or user.get_username()) if user is not None else "?"}


def _common(report: GpReport) -> dict[str, Any]:
    patient = report.episode.patient
    return {
        "id": str(report.pk),
        "meta": {"lastUpdated": report.created_at},
        "subject": {"reference": f"Patient/{patient.pk}", "display": str(patient)},
    }


def _kind(report: GpReport) -> dict[str, Any]:
    return {
        "coding": [{"system": KIND_SYSTEM, "code": report.kind, "display": report.get_kind_display()}],
        "text": report.content["title"],
    }


def attachment(report: GpReport, ctx: BuildContext) -> dict[str, Any]:
    """The PDF as FHIR attaches it: where to fetch it, its size and its SHA-1 (base64, as FHIR asks)."""
    pdf = bytes(report.pdf)
    return {
        "contentType": PDF,
        "language": report.lang,
        "url": ctx.url("Binary", report.pk),
        "size": len(pdf),
        "hash": base64.b64encode(hashlib.sha1(pdf, usedforsecurity=False).digest()).decode("ascii"),
        "title": report.content["title"],
        "creation": report.created_at,
    }


def build_documents(rows: Sequence[GpReport], ctx: BuildContext) -> list[dict[str, Any]]:
    return [
        validated(
            {
                "resourceType": "DocumentReference",
                **_common(report),
                "status": "current",
                "docStatus": "final",
                "type": _kind(report),
                "date": report.created_at,
                "author": [_author(report)],
                "description": report.content["title"],
                "content": [{"attachment": attachment(report, ctx)}],
                "context": {"related": [{"reference": f"EpisodeOfCare/{report.episode_id}"}]},
            }
        )
        for report in rows
    ]


def _div(paragraphs: Sequence[str], items: Sequence[str]) -> str:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    if items:
        body += "<ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>"
    return f'<div xmlns="http://www.w3.org/1999/xhtml">{body or "<p></p>"}</div>'


def _sections(content: dict[str, Any]) -> list[dict[str, Any]]:
    sections = content["sections"]
    codes = SECTION_CODES if len(sections) == len(SECTION_CODES) else (None,) * len(sections)
    result = []
    for section, code in zip(sections, codes, strict=True):
        entry: dict[str, Any] = {
            "title": section["heading"],
            "text": {"status": "generated", "div": _div(section["paragraphs"], section["items"])},
        }
        if code is not None:
            entry["code"] = {"coding": [{"system": SECTION_SYSTEM, "code": code}], "text": section["heading"]}
        result.append(entry)
    return result


def build_compositions(rows: Sequence[GpReport], ctx: BuildContext) -> list[dict[str, Any]]:
    result = []
    for report in rows:
        content = report.content
        heading = [content["title"], *(f"{label}: {value}" for label, value in content["meta"])]
        result.append(
            validated(
                {
                    "resourceType": "Composition",
                    **_common(report),
                    "language": report.lang,
                    "text": {"status": "generated", "div": _div([*heading, *content["signature"]], [])},
                    "status": "final",
                    "type": _kind(report),
                    "date": report.created_at,
                    "author": [_author(report)],
                    "title": content["title"],
                    "custodian": {"display": str(report.episode.patient.practice)},
                    "section": _sections(content),
                }
            )
        )
    return result


def binary(request: HttpRequest, report_id: str) -> HttpResponse:
    """`GET /fhir/Binary/<id>`: the letter's PDF — as FHIR's Binary resource when the client asks for FHIR JSON,
    else the PDF itself — released through the letter's own export action (consent checked, export audited)."""
    from rugpad.web.fhir.auth import clinician
    from rugpad.web.fhir.outcome import FHIR_JSON, FhirError, fhir_response
    from rugpad.web.outcomes.actions import ConsentMissing, do_export_report

    user = clinician(request)
    report = records(user).filter(pk=int(report_id)).first() if report_id.isdigit() else None
    if report is None:
        raise FhirError(404, "not-found", f"Binary/{report_id} is not known.")
    try:
        do_export_report(request, report)
    except ConsentMissing:  # withdrawn between the query and the export's own check
        raise FhirError(404, "not-found", f"Binary/{report_id} is not known.") from None
    pdf = bytes(report.pdf)
    if FHIR_JSON in request.headers.get("Accept", ""):
        data = base64.b64encode(pdf).decode("ascii")
        return fhir_response({"resourceType": "Binary", "id": str(report.pk), "contentType": PDF, "data": data})
    response = HttpResponse(pdf, content_type=PDF)
    response["Content-Disposition"] = f'inline; filename="rugpad-report-{report.pk}.pdf"'
    return response


DOCUMENTS = register(
    ResourceKind(
        type="DocumentReference",
        records=records,
        patient_field="episode__patient_id",
        date_field="created_at",
        updated_field="created_at",
        build=build_documents,
    )
)
COMPOSITIONS = register(
    ResourceKind(
        type="Composition",
        records=records,
        patient_field="episode__patient_id",
        date_field="created_at",
        updated_field="created_at",
        build=build_compositions,
    )
)
