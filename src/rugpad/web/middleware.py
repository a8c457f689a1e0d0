"""What every request and response of rugpad passes through: no page is stored by a browser or proxy, no sign-in
lasts longer than the absolute session lifetime, and every response carries a strict Content-Security-Policy."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers, patch_cache_control

SIGNED_IN_AT = "rugpad_signed_in_at"
RENEWED_AT = "rugpad_renewed_at"


class NoStoreMiddleware:
    """Pages, PDFs and calendars hold patient data (or, for an invitation, a one-time link): no browser or proxy
    may keep a copy, so the back button on a shared computer shows nothing after logging out. Static files are
    served before this (WhiteNoise) and keep their long cache."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        add_never_cache_headers(response)
        patch_cache_control(response, no_store=True, private=True)
        return response


class AbsoluteSessionLifetimeMiddleware:
    """A session ends `RUGPAD_SESSION_MAX_HOURS` after sign-in however active it is (the idle timeout alone would let
    a session on a shared computer live for ever while somebody keeps using it). The first request after sign-in
    stamps the time; a later request past the limit signs the user out and sends them to the login page.

    It also keeps the idle timeout (`SESSION_COOKIE_AGE`) running from the latest request: the session is saved
    again once `RUGPAD_SESSION_RENEW_SECONDS` have passed since it was last renewed, so a session ends between
    `SESSION_COOKIE_AGE` minus that and `SESSION_COOKIE_AGE` after the last request, at one write per few minutes
    instead of one per request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            signed_in_at = request.session.setdefault(SIGNED_IN_AT, now)
            if now - float(signed_in_at) > settings.RUGPAD_SESSION_MAX_HOURS * 3600:
                logout(request)  # flushes the session, so the next sign-in starts a new lifetime
                return redirect(f"{settings.LOGIN_URL_PATH}?next={request.path}")
            if now - float(request.session.get(RENEWED_AT, 0)) >= settings.RUGPAD_SESSION_RENEW_SECONDS:
                request.session[RENEWED_AT] = now  # marks the session modified: saved with a new expiry
        return self.get_response(request)


CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",  # data: for the small inline images of stylesheets (e.g. the admin's icons)
        "font-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "object-src 'none'",
    )
)
"""Only files served by rugpad itself may run or style a page: no inline script, no event-handler attribute, no
`style="…"` attribute and no `<style>` element (behaviour lives in static JS files, looks in static CSS files).
Injected markup, should any ever slip past the escaping, can then neither run nor restyle a page to mislead."""


class ContentSecurityPolicyMiddleware:
    """Sends `CONTENT_SECURITY_POLICY` with every response: pages, the JSON API, redirects, error pages and (placed
    before WhiteNoise) static files alike — a JSON body or an SVG opened directly in a browser tab is a page too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        return response
