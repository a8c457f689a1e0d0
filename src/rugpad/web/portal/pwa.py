"""The installable patient app (a progressive web app): the web app manifest and the service worker.

The worker's script is the static file `rugpad/sw.js`, served from the site root (`/sw.js`) so its scope covers
every page. Static files live under content-hashed names (WhiteNoise's manifest storage), which the script cannot
guess: this view writes them, and the patient pages it keeps for offline use, into a first line of configuration.
A change of any of those files changes that line, so browsers install the new worker.

What the worker keeps, and for whom, is decided by the page (`rugpad/pwa.js`): only a signed-in patient's pages
carry a cache id, a keyed hash of the session (`offline_id`), and any other page (a clinician's, the login page,
the logged-out page) empties the worker's page cache. See `static/rugpad/sw.js` for the rules of the cache.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

SW_SOURCE = Path(__file__).resolve().parent.parent / "static" / "rugpad" / "sw.js"
THEME_COLOUR = "#0b5c7a"
"""`--brand` of rugpad.css: the header's colour."""
BACKGROUND_COLOUR = "#f6f8fa"
"""`--bg` of rugpad.css."""

SHELL_ASSETS = (
    "rugpad/rugpad.css",
    "rugpad/htmx.min.js",
    "rugpad/app.js",
    "rugpad/pwa.js",
    "rugpad/icons/icon-192.png",
    "rugpad/icons/favicon-32.png",
    "portal/portal.css",
    "portal/diary.js",
    "plans/plans.css",
    "plans/session.js",
)
"""Static files every offline page needs; anything else a kept page links is found in the page itself."""

ICONS = (
    ("rugpad/icons/icon-192.png", "192x192", "any"),
    ("rugpad/icons/icon-512.png", "512x512", "any"),
    ("rugpad/icons/maskable-512.png", "512x512", "maskable"),
)


@cache
def _worker_source() -> str:
    return SW_SOURCE.read_text(encoding="utf-8")


def offline_pages() -> list[str]:
    """The patient's pages kept for use without a connection: home, today's programme, the guided session (today's
    and, for a day without exercises, "do them anyway"), the diary and the progress page (which lists the education
    modules, kept as they are linked)."""
    names = ("patient_home", "plans_my_exercises", "plans_session", "portal_diary", "outcomes_my_progress")
    return [reverse(name) for name in names] + [reverse("plans_session") + "?all=1"]


def _module_prefix() -> str:
    """The path every education module of the patient starts with (`…/modules/<id>/`)."""
    return reverse("outcomes_my_module", args=[0]).rsplit("0/", 1)[0]


def _assets() -> list[str]:
    found = []
    for name in SHELL_ASSETS:
        try:
            found.append(static(name))
        except ValueError:  # not collected (a development server without that file): the page still names it
            continue
    return found


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    config = {
        "assets": _assets(),
        "pages": offline_pages(),
        "follow": [_module_prefix()],
        "static": settings.STATIC_URL,
        "logout": reverse("logout"),
        "login": reverse("login"),
    }
    body = f"self.RUGPAD = {json.dumps(config, sort_keys=True)};\n" + _worker_source()
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest, in the language the page asks for (`?lang=`), else the request's."""
    lang = request.GET.get("lang", "")
    lang = lang if lang in dict(settings.LANGUAGES) else translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(lang):
        body = {
            "name": _("rugpad: my exercises and diary"),
            "short_name": "rugpad",
            "description": _("Your exercises, diary and progress from your physiotherapy practice."),
            "lang": lang,
            "dir": "ltr",
            "id": reverse("patient_home"),
            "start_url": reverse("patient_home"),
            "scope": "/",
            "display": "standalone",
            "theme_color": THEME_COLOUR,
            "background_color": BACKGROUND_COLOUR,
            "icons": [
                {"src": static(src), "sizes": sizes, "type": "image/png", "purpose": purpose}
                for src, sizes, purpose in ICONS
            ],
        }
    return JsonResponse(body, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})


def offline_id(request: HttpRequest) -> str:
    """A cache id for this sign-in of a patient: a keyed hash of the session key, so the page can name it without
    revealing the session, and a new sign-in (Django gives it a new session key) gets a new, empty cache."""
    session_key = request.session.session_key or ""
    return salted_hmac("rugpad.offline-cache", session_key).hexdigest()[:32]
