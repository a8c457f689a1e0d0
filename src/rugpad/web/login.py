"""Sign-in, throttled per client address as well as per account.

django-axes locks a user name + address pair after `AXES_FAILURE_LIMIT` failures. Password spraying — one password
tried against many accounts from one address — never trips that lock, so this view also refuses every sign-in from
an address with `RUGPAD_LOGIN_FAILURES_PER_ADDRESS` failures (over all user names) within the axes cool-off time.
The limit is higher than the per-account one: a practice's staff may share one address behind its router.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from rugpad.web.audit.log import client_address


def failures_from(address: str | None, now: dt.datetime) -> int:
    """Failed sign-ins from `address`, over every user name, within the cool-off time."""
    if not address:
        return 0
    since = now - dt.timedelta(hours=float(settings.AXES_COOLOFF_TIME))
    attempts = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since)
    return int(attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0)


class ThrottledLoginView(auth_views.LoginView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if failures_from(client_address(request), timezone.now()) >= settings.RUGPAD_LOGIN_FAILURES_PER_ADDRESS:
            return render(request, "registration/locked_out.html", status=429)
        return super().post(request, *args, **kwargs)
