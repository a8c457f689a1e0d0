"""The /fhir/ routes, written once against the registry (`registry.KINDS`, `registry.CONTENT`):

    GET  /fhir/metadata                      the CapabilityStatement (open to anybody: it holds no patient data)
    GET  /fhir/<Type>?<search>               a searchset Bundle, one page (`search.py`)
    POST /fhir/<Type>                        create, where the type has `create` (QuestionnaireResponse)
    GET  /fhir/<Type>/<id>                   read
    GET  /fhir/Patient/<id>/$everything      the patient's whole record, paged (`everything.py`)

Every route but metadata is for clinicians (`auth.py`); records come from the kind's `records(user)`, which holds
only what the user may reach, so a record outside it is a 404 (never a 403). Every record shown is audited as a
read of its patient (`audit.log.record_read`: one `view` event per request and patient), and a search that is not
narrowed to one patient also writes one `list` event. Errors are OperationOutcomes (`outcome.py`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import unquote

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from rugpad.web.audit.log import record_list
from rugpad.web.fhir import search
from rugpad.web.fhir.auth import clinician
from rugpad.web.fhir.bundle import context, searchset
from rugpad.web.fhir.capability import capability_statement
from rugpad.web.fhir.everything import patient_everything
from rugpad.web.fhir.outcome import FHIR_JSON, FhirError, error_response, fhir_response
from rugpad.web.fhir.reads import audit_rows, patient_of, record_id, records
from rugpad.web.fhir.registry import CONTENT, KINDS, ContentKind, ResourceKind
from rugpad.web.practice.models import User

FORMATS = frozenset({"json", "application/json", "application/fhir+json", "application/fhir json", "fhir+json"})
"""`_format` values answered (a `+` left unencoded in a query string arrives as a space)."""
log = logging.getLogger("django.request")
MEDIA = frozenset({"*/*", "application/*", "application/json", FHIR_JSON})


def _negotiate(request: HttpRequest) -> None:
    """JSON only: `_format` or `Accept` asking for anything else (XML, Turtle, HTML) is a 406."""
    wanted = request.GET.get("_format")
    if wanted is not None and wanted.strip().lower() not in FORMATS:
        raise FhirError(
            406,
            "not-supported",
            f"_format {wanted!r} is not supported; this server speaks JSON only.",
            expression="_format",
        )
    accept = request.headers.get("Accept", "").strip()
    if accept and not any(part.split(";")[0].strip().lower() in MEDIA for part in accept.split(",")):
        raise FhirError(406, "not-supported", f"Cannot answer Accept: {accept}; this server speaks {FHIR_JSON} only.")


def endpoint(*methods: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A /fhir/ view: only `methods` (405 otherwise), JSON only, every refusal an OperationOutcome. csrf_exempt:
    a token client has no CSRF cookie; `auth.authenticated` checks CSRF for a session's writes instead."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                if request.method not in methods:
                    raise FhirError(
                        405,
                        "not-supported",
                        f"{request.method} is not supported here.",
                        headers={"Allow": ", ".join(methods)},
                    )
                _negotiate(request)
                return view(request, *args, **kwargs)
            except FhirError as error:
                return error_response(error)
            except Http404:
                return error_response(FhirError(404, "not-found", "Not found."))
            except Exception:
                # A client reads every answer as FHIR, a failure too; the error is logged like Django's own.
                log.exception("FHIR request failed: %s %s", request.method, request.path)
                return error_response(FhirError(500, "exception", "The server failed to answer; it has been logged."))

        return wrapper

    return decorate


@endpoint("GET")
def metadata(request: HttpRequest) -> HttpResponse:
    return fhir_response(capability_statement(request))


def _kind(resource_type: str) -> ResourceKind | ContentKind:
    kind = KINDS.get(resource_type) or CONTENT.get(resource_type)
    if kind is None:
        raise FhirError(404, "not-supported", f"This server has no resource type {resource_type!r}.")
    return kind


@endpoint("GET", "POST")
def type_endpoint(request: HttpRequest, resource_type: str) -> HttpResponse:
    user = clinician(request)
    kind = _kind(resource_type)
    if request.method == "POST" and (isinstance(kind, ContentKind) or kind.create is None):
        raise FhirError(405, "not-supported", f"{kind.type} cannot be created here.", headers={"Allow": "GET"})
    if isinstance(kind, ContentKind):
        return fhir_response(_content_search(request, kind, user))
    if request.method == "POST":
        return _create(request, kind, user)
    rows_query = records(kind, user)
    found = search.parse(request, kind, rows_query)
    rows, following = search.page(rows_query, kind, found)
    ctx = context(request, user)
    resources = kind.build(rows, ctx) if rows else []
    audit_rows(request, kind, rows, "search")
    if found.patients is None or len(found.patients) != 1:
        record_list(request, f"FHIR {kind.type} search", len({patient_of(row) for row in rows}))
    own = f"{ctx.base_url}/{kind.type}"
    return fhir_response(searchset(ctx, resources, found.link(own), found.link(own, following) if following else None))


def _create(request: HttpRequest, kind: ResourceKind, user: User) -> HttpResponse:
    assert kind.create is not None
    content_type = (request.content_type or "").lower()
    if content_type not in ("application/json", FHIR_JSON):
        raise FhirError(415, "not-supported", f"Send {FHIR_JSON}, not {content_type or 'no content type'}.")
    try:
        raw = request.body
    except RequestDataTooBig:
        raise FhirError(413, "too-costly", "The body is larger than this server accepts.") from None
    try:
        body = json.loads(raw or b"null")
    except ValueError:
        raise FhirError(400, "structure", "The body is not valid JSON.") from None
    if not isinstance(body, dict) or body.get("resourceType") != kind.type:
        raise FhirError(400, "structure", f"The body must be a {kind.type} resource.", expression="resourceType")
    ctx = context(request, user)
    row, created = kind.create(request, body, ctx)
    row = records(kind, user).get(pk=row.pk)
    resource = kind.build([row], ctx)[0]
    location = ctx.url(kind.type, row.pk)
    return fhir_response(resource, 201 if created else 200, {"Location": location})


@endpoint("GET")
def read(request: HttpRequest, resource_type: str, resource_id: str) -> HttpResponse:
    user = clinician(request)
    kind = _kind(resource_type)
    if isinstance(kind, ContentKind):
        resource = kind.resources().get(resource_id)
        if resource is None:
            raise FhirError(404, "not-found", f"{kind.type}/{resource_id} is not known.")
        return fhir_response(resource)
    pk = record_id(resource_id)
    row = records(kind, user).filter(pk=pk).first() if pk is not None else None
    if row is None:
        raise FhirError(404, "not-found", f"{kind.type}/{resource_id} is not known.")
    ctx = context(request, user)
    resource = kind.build([row], ctx)[0]
    audit_rows(request, kind, [row], "read")
    return fhir_response(resource)


def _content_search(request: HttpRequest, kind: ContentKind, user: User) -> dict[str, Any]:
    """Questionnaires (content): by `_id` and canonical `url` (with or without `|version`); `_count` pages them."""
    resources = list(kind.resources().values())
    applied: list[tuple[str, str]] = []
    count, start = search.DEFAULT_COUNT, 0
    for name in request.GET:
        values = request.GET.getlist(name)
        if name == "_count":
            count = search.parse_count(values)
        elif name == "_cursor":
            start = int(values[-1]) if values[-1].isdigit() else 0
        elif name == "_id":
            wanted = set(search.ids(values))
            resources = [r for r in resources if r["id"] in wanted]
            applied += [(name, value) for value in values]
        elif name == "url":
            urls = set(search.ids(values))
            urls = {unquote(url) for url in urls}  # a canonical's version may come percent-encoded
            resources = [r for r in resources if r.get("url") in urls or f"{r.get('url')}|{r.get('version')}" in urls]
            applied += [(name, value) for value in values]
        elif name != "_format" and not search.lenient(request):
            raise FhirError(
                400,
                "not-supported",
                f"Unknown search parameter {name!r} for {kind.type}; supported: _id, url, _count.",
                expression=name,
            )
    ctx = context(request, user)
    page = resources[start : start + count]
    found = search.Search(count=count, applied=applied)
    own = f"{ctx.base_url}/{kind.type}"
    following = found.link(own, str(start + count)) if start + count < len(resources) else None
    return searchset(ctx, page, found.link(own), following)


@endpoint("GET")
def everything(request: HttpRequest, patient_id: str) -> HttpResponse:
    return fhir_response(patient_everything(request, patient_id))
