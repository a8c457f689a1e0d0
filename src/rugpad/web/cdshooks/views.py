"""CDS Hooks 2.0 at /cds-services: discovery, the two services, feedback, and the rule explanations cards link to.

    GET  /cds-services                   discovery (public: it names services, no patient data)
    POST /cds-services/{id}              a hook call: JWT → body → prefetch (or fetch, or 412) → engine → cards
    POST /cds-services/{id}/feedback     what the clinician did with the cards
    GET  /cds-services/rules/{rule}      a rule's explanation, for the clinician who follows a card's link

A failed check answers with an OperationOutcome (CDS Hooks 3.0 does; 2.0 leaves the body open) naming the field.
"""

from __future__ import annotations

import functools
import json
import logging
import os
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from rugpad import engine
from rugpad.core.errors import InvalidInput
from rugpad.web.audit.log import client_address
from rugpad.web.cdshooks import actions, reading
from rugpad.web.cdshooks.auth import Caller, Unauthorized, verify
from rugpad.web.cdshooks.cards import CardContext, order_cards, patient_view_cards
from rugpad.web.cdshooks.feedback import parse_feedback
from rugpad.web.cdshooks.models import CdsCall
from rugpad.web.cdshooks.orders import selected_orders
from rugpad.web.cdshooks.prefetch import PrefetchMissing, complete, patient_id
from rugpad.web.cdshooks.services import SERVICES, Service, discovery_json
from rugpad.web.i18n import reader_lang

logger = logging.getLogger("rugpad.cdshooks")

_CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Authorization, Content-Type, Accept-Language",
    "Access-Control-Max-Age": "600",
}
"""Browser-based CDS clients (a SMART app, the CDS Hooks sandbox) call from another origin. Any origin may: a call
is authorised by its signed bearer token, never by a cookie, so another site's page gains nothing from it."""


def cors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answers a preflight (OPTIONS) itself and adds the CORS headers to every answer of `view`."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = HttpResponse(status=204) if request.method == "OPTIONS" else view(request, *args, **kwargs)
        for name, value in _CORS.items():
            response[name] = value
        return response

    return wrapped


def _outcome(status: int, code: str, message: str, field: str | None = None) -> JsonResponse:
    issue: dict[str, Any] = {"severity": "error", "code": code, "diagnostics": message}
    if field:
        issue["expression"] = [field]
    return JsonResponse({"resourceType": "OperationOutcome", "issue": [issue]}, status=status)


def _unauthorized(request: HttpRequest, problem: Unauthorized) -> JsonResponse:
    logger.warning("CDS Hooks call refused (401) from %s: %s", client_address(request), problem)
    response = _outcome(401, "login", f"not authorised: {problem}")
    description = str(problem).replace('"', "'")[:200]
    response["WWW-Authenticate"] = (
        f'Bearer realm="cds-services", error="invalid_token", error_description="{description}"'
    )
    return response


def _base_url(request: HttpRequest) -> str:
    """rugpad's public address (`RUGPAD_CDS_BASE_URL`, e.g. behind a proxy), else the request's own."""
    configured = getattr(settings, "RUGPAD_CDS_BASE_URL", None) or os.environ.get("RUGPAD_CDS_BASE_URL", "")
    return (configured or request.build_absolute_uri("/")).rstrip("/")


def _service_url(request: HttpRequest, service_id: str) -> str:
    return _base_url(request) + reverse("cdshooks:service", args=[service_id])


@cors
@require_GET
def discovery(request: HttpRequest) -> JsonResponse:
    return JsonResponse(discovery_json())


def _body(request: HttpRequest) -> dict[str, Any]:
    try:
        body = json.loads(request.body or b"null")
    except ValueError:
        raise InvalidInput("body", "is not JSON") from None
    if not isinstance(body, dict):
        raise InvalidInput("body", "must be a JSON object")
    return body


def _authorised(
    request: HttpRequest, service_id: str, extra_audience: str = ""
) -> tuple[Service, Caller, CdsCall, dict[str, Any]] | HttpResponse:
    """The service, the caller, the call (its token now spent) and the body; or the 404/401/400 response."""
    service = SERVICES.get(service_id)
    if service is None:
        return _outcome(404, "not-found", f"no CDS service {service_id!r}; see GET /cds-services")
    audience = _service_url(request, service_id)
    try:
        caller = verify(
            request.headers.get("Authorization", ""),
            [audience, *([audience + extra_audience] if extra_audience else [])],
        )
    except Unauthorized as problem:
        return _unauthorized(request, problem)
    try:
        body = _body(request)
    except InvalidInput as problem:
        return _outcome(400, "invalid", str(problem), problem.field)
    instance = body.get("hookInstance")
    try:
        call = actions.do_record_call(caller, service.id, instance if isinstance(instance, str) else "")
    except Unauthorized as problem:
        return _unauthorized(request, problem)
    return service, caller, call, body


def _check_call(service: Service, body: dict[str, Any]) -> dict[str, Any]:
    if body.get("hook") != service.hook:
        raise InvalidInput("hook", f"this service answers {service.hook!r}, not {body.get('hook')!r}")
    instance = body.get("hookInstance")
    if not isinstance(instance, str) or not instance or len(instance) > 100:
        raise InvalidInput("hookInstance", "is required: the UUID of this hook's firing")
    context = body.get("context")
    if not isinstance(context, dict):
        raise InvalidInput("context", "is required: an object with the hook's context (patientId, userId, ...)")
    if service.hook == "order-select":
        if not isinstance(context.get("selections"), list) or not all(
            isinstance(s, str) for s in context["selections"]
        ):
            raise InvalidInput("context.selections", "is required: a list of references to the selected draft orders")
        if not isinstance(context.get("draftOrders"), dict):
            raise InvalidInput("context.draftOrders", "is required: a Bundle of the draft orders")
    return context


def _explanation_url(request: HttpRequest) -> Callable[[str], str]:
    base = _base_url(request)
    return lambda rule_id: base + reverse("cdshooks:explanation", args=[rule_id])


def _advice(request: HttpRequest, service: Service, caller: Caller, body: dict[str, Any]) -> list[dict[str, Any]]:
    """The cards: the body checked, the prefetch completed, one triage per region by the engine."""
    context = _check_call(service, body)
    data = reading.patient_data(complete(body, context), patient_id(context))
    cases = reading.cases(data, timezone.localdate())
    try:
        results = {region: engine.triage(case) for region, case in cases.items()}
    except InvalidInput as problem:  # the caller's data, e.g. a STarT Back answer out of range
        raise InvalidInput(f"prefetch ({problem.field})", problem.problem) from None
    ctx = CardContext(reader_lang(), caller.country, _explanation_url(request))
    if service.hook == "order-select":
        return order_cards(selected_orders(context["draftOrders"], context["selections"]), results, ctx)
    return patient_view_cards(results, cases, ctx)


@csrf_exempt
@cors
@require_POST
def service_call(request: HttpRequest, service_id: str) -> HttpResponse:
    authorised = _authorised(request, service_id)
    if isinstance(authorised, HttpResponse):
        return authorised
    service, caller, call, body = authorised
    try:
        cards = _advice(request, service, caller, body)
    except InvalidInput as problem:
        return _outcome(400, "invalid", str(problem), problem.field)
    except PrefetchMissing as problem:
        logger.info("CDS Hooks %s: 412, %s", service.id, problem)
        return _outcome(412, "incomplete", f"prefetch missing: {problem}", f"prefetch.{problem.keys[0]}")
    actions.do_audit_advice(request, call, caller, service.hook, cards)
    return JsonResponse({"cards": cards, "systemActions": []})


@csrf_exempt
@cors
@require_POST
def feedback(request: HttpRequest, service_id: str) -> HttpResponse:
    authorised = _authorised(request, service_id, extra_audience="/feedback")
    if isinstance(authorised, HttpResponse):
        return authorised
    _service, caller, call, body = authorised
    try:
        items = parse_feedback(body)
    except InvalidInput as problem:
        return _outcome(400, "invalid", str(problem), problem.field)
    actions.do_record_feedback(request, call, caller, items)
    return JsonResponse({})


@require_GET
def explanation(request: HttpRequest, rule_id: str) -> HttpResponse:
    """A rule in plain words (public: rules are published content, not patient data)."""
    try:
        explained = engine.explain(rule_id)
    except (InvalidInput, KeyError):
        raise Http404 from None
    return render(request, "cdshooks/explanation.html", {"rule": explained.to_dict(reader_lang())})
