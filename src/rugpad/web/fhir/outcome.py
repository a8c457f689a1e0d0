"""Every refusal of /fhir/ is an OperationOutcome: one issue with a FHIR issue code, the HTTP status, and the
element or parameter to blame in `expression`, so a client can show which input was wrong."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse

FHIR_JSON = "application/fhir+json"
CONTENT_TYPE = f"{FHIR_JSON}; charset=utf-8"


class FhirError(Exception):
    """A request /fhir/ refuses: `status` is the HTTP status, `code` the FHIR issue type (`not-found`, `invalid`,
    `login`, `not-supported`, …), `expression` the parameter or element it names (if one is to blame)."""

    def __init__(
        self,
        status: int,
        code: str,
        diagnostics: str,
        *,
        expression: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(diagnostics)
        self.status = status
        self.code = code
        self.diagnostics = diagnostics
        self.expression = expression
        self.headers = headers or {}


def fhir_response(resource: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None) -> HttpResponse:
    response = HttpResponse(json.dumps(resource, ensure_ascii=False), status=status, content_type=CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def outcome(code: str, diagnostics: str, *, expression: str | None = None, severity: str = "error") -> dict[str, Any]:
    issue: dict[str, Any] = {"severity": severity, "code": code, "diagnostics": diagnostics}
    if expression:
        issue["expression"] = [expression]
    return {"resourceType": "OperationOutcome", "issue": [issue]}


def error_response(error: FhirError) -> HttpResponse:
    return fhir_response(
        outcome(error.code, error.diagnostics, expression=error.expression), error.status, error.headers
    )
