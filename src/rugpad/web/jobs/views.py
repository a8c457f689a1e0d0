"""The patient's reminder settings (with push for this phone), and the clinician's list of reminders sent."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rugpad.web.audit.log import record_list
from rugpad.web.care.access import access_own_patient, require_clinician
from rugpad.web.jobs import actions, queries
from rugpad.web.jobs.forms import ReminderSettingsForm
from rugpad.web.jobs.models import PushSubscription
from rugpad.web.jobs.notify import push_enabled
from rugpad.web.practice.models import request_user

PUSH_SERVICES = (
    "fcm.googleapis.com",
    "android.googleapis.com",
    "push.services.mozilla.com",
    "push.apple.com",
    "notify.windows.com",
)
"""The push services browsers subscribe with (Chrome/Android, Firefox, Safari, Edge). A subscription naming any
other host is refused: the worker posts to the endpoint, and must never be pointed at an address inside the
practice's network."""

KEY = re.compile(r"^[A-Za-z0-9_-]+={0,2}$")
"""A browser's subscription keys: base64url."""


def _page_number(request: HttpRequest) -> int:
    value = request.GET.get("page", "1")
    return int(value) if value.isdigit() and 0 < len(value) <= 6 and int(value) > 0 else 1


@login_required
def reminders(request: HttpRequest) -> HttpResponse:
    """The patient chooses which reminders they get and when; a phone with the app installed can get them as
    notifications too (when push is configured)."""
    patient = access_own_patient(request)
    user = request_user(request)
    current = actions.reminder_settings(user)
    initial = {"exercises": current.exercises, "questionnaires": current.questionnaires, "at": f"{current.at:%H:%M}"}
    form = ReminderSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        actions.do_save_reminder_settings(request, patient, user, **form.cleaned_data)
        messages.success(request, _("Your reminder settings are saved."))
        return redirect("jobs_reminders")
    context: dict[str, Any] = {
        "form": form,
        "push": push_enabled(),
        "vapid_key": settings.RUGPAD_VAPID_PUBLIC_KEY,
        "phones": PushSubscription.objects.filter(user=user).count(),
    }
    return render(request, "jobs/reminders.html", context, status=400 if form.is_bound else 200)


def _known_push_service(endpoint: object) -> bool:
    if not isinstance(endpoint, str) or len(endpoint) > 1000 or not endpoint.startswith("https://"):
        return False
    try:
        parts = urlsplit(endpoint)
        host, port = parts.hostname or "", parts.port
    except ValueError:
        return False
    return port in (None, 443) and any(host == s or host.endswith("." + s) for s in PUSH_SERVICES)


def _subscription_errors(payload: dict[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not _known_push_service(payload.get("endpoint")):
        errors["endpoint"] = [_("This is not the address of a known push service.")]
    if payload.get("unsubscribe"):
        return errors
    keys = payload.get("keys")
    keys = keys if isinstance(keys, dict) else {}
    for name, longest in (("p256dh", 200), ("auth", 100)):
        value = keys.get(name)
        if not isinstance(value, str) or not 0 < len(value) <= longest or not KEY.match(value):
            errors[name] = [_("This key of the subscription is missing or not valid.")]
    return errors


@login_required
@require_POST
def push_subscription(request: HttpRequest) -> HttpResponse:
    """The page's script sends this browser's push subscription as JSON: `{endpoint, keys: {p256dh, auth}}` keeps
    it (201, or 200 when known), `{endpoint, unsubscribe: true}` forgets it (200). 400 with `errors` for bad input;
    404 when push is not configured."""
    patient = access_own_patient(request)
    if not push_enabled():
        raise Http404("Push is not configured")
    try:
        payload = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"errors": {"__all__": [_("The request is not valid JSON.")]}}, status=400)
    payload = payload if isinstance(payload, dict) else {}
    errors = _subscription_errors(payload)
    if errors:
        return JsonResponse({"errors": errors}, status=400)
    user = request_user(request)
    if payload.get("unsubscribe"):
        removed = actions.do_unsubscribe_push(request, patient, user, endpoint=payload["endpoint"])
        return JsonResponse({"subscribed": False, "removed": removed})
    keys = payload["keys"]
    _subscription, created = actions.do_subscribe_push(
        request, patient, user, endpoint=payload["endpoint"], p256dh=keys["p256dh"], auth=keys["auth"]
    )
    return JsonResponse({"subscribed": True}, status=201 if created else 200)


@login_required
def sent_reminders(request: HttpRequest) -> HttpResponse:
    """The practice's reminders, newest first: who was reminded of what, how, and whether they responded."""
    clinician = require_clinician(request)
    page = _page_number(request)
    rows, has_next = queries.practice_reminders(clinician, page)
    record_list(request, "reminders sent", len({row.reminder.patient_id for row in rows}))
    return render(request, "jobs/sent_reminders.html", {"rows": rows, "page": page, "has_next": has_next})
