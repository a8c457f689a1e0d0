"""Prefetch: what the caller sent, and what rugpad fetches itself from the caller's FHIR server when a key is missing.

CDS Hooks 2.0: a missing key (or an OperationOutcome in its place) means the client did not or could not fetch it;
`null` means there is no such data. rugpad then asks `fhirServer` with the `fhirAuthorization` bearer token (never
logged or stored), all missing keys at once, each with a short timeout. What can be had neither way is a 412.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.conf import settings

from rugpad.core.errors import InvalidInput

TEMPLATES: Mapping[str, str] = {
    "patient": "Patient/{{context.patientId}}",
    "conditions": "Condition?patient={{context.patientId}}",
    "observations": "Observation?patient={{context.patientId}}&_count=100",
    "questionnaireResponses": "QuestionnaireResponse?patient={{context.patientId}}&_count=50",
}
"""Every service asks for these; the queries are the spec's recommended subset (a read and reference searches)."""

FETCH_TIMEOUT_SECONDS = 2.0
MAX_RESPONSE_BYTES = 5_000_000
_FHIR_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")


class PrefetchMissing(Exception):
    """The data a service needs could be had neither from the prefetch nor from the caller's FHIR server."""

    def __init__(self, keys: list[str], reason: str) -> None:
        super().__init__(f"{', '.join(keys)}: {reason}")
        self.keys = keys


def patient_id(context: Mapping[str, Any]) -> str:
    value = context.get("patientId")
    if not isinstance(value, str) or not _FHIR_ID.fullmatch(value):
        raise InvalidInput("context.patientId", "is required: a FHIR id (letters, digits, '-', '.'; 1-64 characters)")
    return value


def _missing(prefetch: Mapping[str, Any]) -> list[str]:
    return [
        key
        for key in TEMPLATES
        if key not in prefetch
        or (isinstance(prefetch[key], dict) and prefetch[key].get("resourceType") == "OperationOutcome")
    ]


def _query(key: str, context_patient: str) -> str:
    return TEMPLATES[key].replace("{{context.patientId}}", urllib.parse.quote(context_patient, safe=""))


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is refused (it would carry the access token to wherever it points); it fails as an HTTPError."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def _fetch(base: str, token: str, query: str) -> object:
    request = urllib.request.Request(
        f"{base.rstrip('/')}/{query}",
        headers={"Accept": "application/fhir+json", "Authorization": f"Bearer {token}"},
    )
    try:
        with _OPENER.open(request, timeout=FETCH_TIMEOUT_SECONDS) as response:
            body = response.read(MAX_RESPONSE_BYTES + 1)
    except urllib.error.HTTPError as exc:
        exc.close()  # it holds the connection open
        raise
    if len(body) > MAX_RESPONSE_BYTES:
        raise ValueError("the answer is too large")
    return json.loads(body)


def _server(body: Mapping[str, Any]) -> tuple[str, str] | None:
    """The caller's FHIR server and access token, or None when it gave none to fetch with."""
    server, authorization = body.get("fhirServer"), body.get("fhirAuthorization")
    if server is None and authorization is None:
        return None
    if not isinstance(server, str) or not server:
        raise InvalidInput("fhirServer", "must be the FHIR server's base URL when fhirAuthorization is given")
    scheme = urllib.parse.urlsplit(server).scheme
    plain_allowed = getattr(settings, "RUGPAD_CDS_PLAIN_HTTP_FHIR", False)
    if scheme != "https" and not (scheme == "http" and plain_allowed):
        raise InvalidInput("fhirServer", "must be an https URL (CDS Hooks 2.0)")
    if authorization is None:
        return None
    if not isinstance(authorization, dict):
        raise InvalidInput("fhirAuthorization", "must be an object with access_token and token_type")
    token = authorization.get("access_token")
    if not isinstance(token, str) or not token or authorization.get("token_type", "Bearer") != "Bearer":
        raise InvalidInput("fhirAuthorization.access_token", "a Bearer access token is required")
    return server, token


def complete(body: Mapping[str, Any], context: Mapping[str, Any]) -> dict[str, object]:
    """Every prefetch key the services need, from the request or fetched; PrefetchMissing when that fails."""
    given = body.get("prefetch")
    if given is None:
        given = {}
    if not isinstance(given, dict):
        raise InvalidInput("prefetch", "must be an object of prefetch key to FHIR resource")
    prefetch = dict(given)
    missing = _missing(prefetch)
    if not missing:
        return prefetch
    server = _server(body)
    if server is None:
        raise PrefetchMissing(missing, "not prefetched, and no fhirServer with fhirAuthorization to fetch them from")
    who = patient_id(context)
    base, token = server
    with ThreadPoolExecutor(max_workers=len(missing)) as pool:
        futures = {key: pool.submit(_fetch, base, token, _query(key, who)) for key in missing}
        for key, future in futures.items():
            try:
                prefetch[key] = future.result()
            except (OSError, ValueError) as exc:  # URLError and timeouts are OSErrors; bad JSON a ValueError
                reason = f"HTTP {exc.code}" if isinstance(exc, urllib.error.HTTPError) else type(exc).__name__
                raise PrefetchMissing([key], f"could not be fetched from fhirServer ({reason})") from None
    return prefetch
