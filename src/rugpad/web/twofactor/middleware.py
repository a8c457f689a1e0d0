"""A password alone is not a sign-in for somebody with two-step sign-in, nor — where `RUGPAD_REQUIRE_2FA` is on —
for a clinician or an admin. Runs after django-otp's `OTPMiddleware` (which tells whether the session was
verified with a code).

A signed-in session that is not verified, of a user who
- has a confirmed authenticator app: every page sends them to the code page;
- has none but must (`devices.required_for`): every page sends them to set it up;
- has none and need not (patients; anybody in the demo): nothing changes.
Open to such a session: the two-step pages themselves, logging in and out, the language switch, the service worker
and manifest, /health/ (static files are served before any middleware). The JSON API with a bearer token is judged
by its token alone (a token is made on a page that needs a verified session); the API with a session cookie
answers 401 instead of a redirect. /fhir/ is judged the same way (its 401 is an OperationOutcome), and CDS Hooks
calls (bearer JWT of another system) never meet a session rule. A verified session costs nothing here; an
unverified one one query.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from rugpad.web.fhir.outcome import fhir_response, outcome
from rugpad.web.practice.models import request_user
from rugpad.web.twofactor.devices import has_second_step, required_for

OPEN_VIEWS = frozenset(
    {
        "twofactor_setup",
        "twofactor_verify",
        "login",
        "logout",
        "set_language",
        "health",
        "service_worker",
        "web_manifest",
        "fhir_metadata",  # public: what the FHIR server supports, no patient data
        "cds_discovery",  # public: the CDS Hooks services rugpad offers
        "cdshooks:explanation",  # public: a rule's explanation, which cards in other systems link to
    }
)
"""URL names (namespaced where the route has a namespace) an unverified session may reach."""


def _has_bearer(request: HttpRequest) -> bool:
    return request.headers.get("Authorization", "").lower().startswith("bearer ")


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_VIEWS:
            return None
        is_fhir = match is not None and (match.url_name or "").startswith("fhir_")
        is_api = match is not None and ("api" in match.namespaces or is_fhir or "cdshooks" in match.namespaces)
        if is_api and _has_bearer(request):
            return None
        user = request_user(request)
        if not user.is_authenticated or user.is_verified():  # type: ignore[attr-defined]
            return None
        if has_second_step(user):
            target = "twofactor_verify"
        elif required_for(user):
            target = "twofactor_setup"
        else:
            return None
        if is_fhir:
            return fhir_response(outcome("login", "Two-step sign-in is not finished"), 401)
        if is_api:
            return JsonResponse({"detail": "Two-step sign-in is not finished"}, status=401)
        url = reverse(target)
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return redirect(url)
