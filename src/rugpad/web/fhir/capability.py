"""`GET /fhir/metadata`: the CapabilityStatement, generated from the registry and the URL table, so it cannot claim
a type, interaction, parameter or operation the server does not have."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from rugpad import __version__
from rugpad.web.fhir import search
from rugpad.web.fhir.bundle import base_url
from rugpad.web.fhir.outcome import FHIR_JSON
from rugpad.web.fhir.registry import CONTENT, KINDS
from rugpad.web.fhir.validate import validated

COMMON = {
    "_id": "The record's id; a comma gives alternatives.",
    "_lastUpdated": "When the record last changed: a date (YYYY, YYYY-MM, YYYY-MM-DD) with prefix eq, lt, le, gt or "
    "ge; repeat for a range.",
    "patient": "The patient: Patient/<id> or <id>; a comma gives alternatives.",
}
DATE = "The resource's clinical date ({field}): a date with prefix eq, lt, le, gt or ge; repeat for a range."
EVERYTHING = "http://hl7.org/fhir/OperationDefinition/Patient-everything"
EXPORT = "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export"
SECURITY = (
    "A clinician's API token as `Authorization: Bearer <token>` (made on /account/tokens/), or the signed-in "
    "browser session (CSRF checked on writes). Records of the clinician's own practice only; anything else is 404. "
    "Every record read is written to the audit log."
)


def _resource(kind_type: str) -> dict[str, Any]:
    kind = KINDS[kind_type]
    interactions = [{"code": "read"}, {"code": "search-type"}] + ([{"code": "create"}] if kind.create else [])
    params = [
        {
            "name": name,
            "type": kind_param,
            "documentation": DATE.format(field=kind.date_field) if name == "date" else COMMON[name],
        }
        for name, kind_param in search.parameters(kind).items()
    ]
    resource: dict[str, Any] = {
        "type": kind.type,
        "interaction": interactions,
        "versioning": "no-version",
        "readHistory": False,
        "updateCreate": False,
        "conditionalCreate": False,
        "searchParam": params,
    }
    if kind.type == "Patient":
        resource["operation"] = [{"name": "everything", "definition": EVERYTHING}]
    return resource


def capability_statement(request: HttpRequest) -> dict[str, Any]:
    resources = [_resource(name) for name in sorted(KINDS)]
    resources += [
        {
            "type": name,
            "interaction": [{"code": "read"}, {"code": "search-type"}],
            "searchParam": [
                {"name": "_id", "type": "token", "documentation": "The instrument's code."},
                {"name": "url", "type": "uri", "documentation": "The canonical URL, with or without |version."},
            ],
        }
        for name in sorted(CONTENT)
    ]
    # The consented GP letter's PDF, which a DocumentReference's attachment points at (`export.py`).
    resources.append({"type": "Binary", "interaction": [{"code": "read"}]})
    rest: dict[str, Any] = {
        "mode": "server",
        "documentation": "Paging: _count (default 50, at most 200) and the Bundle's next link; no totals. Unknown "
        "search parameters are refused (400) unless the request says Prefer: handling=lenient.",
        "security": {"description": SECURITY},
        "resource": resources,
        "operation": [{"name": "export", "definition": EXPORT}],
    }
    return validated(
        {
            "resourceType": "CapabilityStatement",
            "status": "active",
            "date": timezone.now().isoformat(),
            "publisher": "rugpad",
            "kind": "instance",
            "software": {"name": "rugpad", "version": __version__},
            "implementation": {"description": "rugpad FHIR R4 API", "url": base_url(request)},
            "fhirVersion": "4.0.1",
            "format": ["json", FHIR_JSON],
            "rest": [rest],
        }
    )
