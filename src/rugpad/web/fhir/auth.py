"""Who is asking /fhir/, decided exactly as the JSON API decides it (`web/api.py`), one of two, never both:

- a bearer token (`Authorization: Bearer …`, a clinician's API token): no CSRF check — a browser never sends this
  header by itself; the header is judged by its token alone (wrong, expired or revoked: 401, even beside a session);
- else the signed-in browser session, with Django's CSRF check on writes (403 when it fails).
Neither: 401. Nothing here assumes a session, so a SMART-style launch can later add a third way (an OAuth access
token) in this one place.

The record routes are for clinicians, like /api/: a patient reads their own record in the portal, a practice admin
sees no clinical records. Anybody else signed in gets the 404 a record outside their reach gets.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.middleware.csrf import CsrfViewMiddleware

from rugpad.web.fhir.outcome import FhirError
from rugpad.web.practice.models import User, request_user
from rugpad.web.practice.tokens import user_for_token

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="rugpad"'}


def _bearer(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _space, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def authenticated(request: HttpRequest) -> User:
    """The user the request acts for (set as `request.user`, so the audit names them), or FhirError 401/403."""
    token = _bearer(request)
    if token is not None:
        user = user_for_token(token) if token else None
        if user is None:
            raise FhirError(
                401, "login", "The bearer token is not valid (wrong, expired or revoked).", headers=CHALLENGE
            )
        request.user = user
        return user
    user = request_user(request)
    if not user.is_authenticated:
        raise FhirError(401, "login", "Sign in, or send a bearer token.", headers=CHALLENGE)
    if request.method in UNSAFE:
        # The views are csrf_exempt (a token client has no CSRF cookie); a session's write is checked here instead.
        refused = CsrfViewMiddleware(lambda _request: None).process_view(request, None, (), {})  # type: ignore[arg-type]
        if refused is not None:
            raise FhirError(403, "forbidden", "CSRF check failed.")
    return user


def clinician(request: HttpRequest) -> User:
    """The signed-in clinician; anybody else signed in gets a 404 (the routes do not exist for them)."""
    user = authenticated(request)
    if not user.is_clinician or user.practice_id is None:
        raise FhirError(404, "not-found", "Not found.")
    return user
