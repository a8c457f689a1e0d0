"""Password reset by e-mail for every user: Django's flow (`PasswordResetView` … `PasswordResetCompleteView`) with
our form, throttle and mail job.

No account enumeration: whether or not the address belongs to an account, the answer is the same page, and the
work done in the request is the same (one row counted, one audit event, a job queued only for a known address —
the mail is written and sent by the job, so the response time tells nothing either).

Throttled twice, counted in `PasswordResetRequest` rows (in the database, so every worker process sees them):
- per client address: past `PER_ADDRESS` requests within `WINDOW` the page answers 429 "too many requests" —
  that depends on the asker only, never on the address typed, so it reveals nothing;
- per e-mail address: past `PER_EMAIL` requests within `WINDOW` no further mail is sent (the page looks the same),
  so nobody can flood a person's mailbox.
The link works once: Django's token is made from the password hash, so setting the new password spends it (and, as
every password change, ends the account's API tokens and other sessions).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone

from rugpad.web.audit.log import client_address, record
from rugpad.web.audit.models import AuditAction
from rugpad.web.practice.models import PasswordResetRequest, User

WINDOW = dt.timedelta(hours=1)
"""The throttle counts the requests of the last hour."""
PER_ADDRESS = 10
"""Reset requests from one client address per window (a practice's staff may share one address)."""
PER_EMAIL = 3
"""Reset mails to one e-mail address per window."""


def email_digest(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()


def requests_from(address: str | None, now: dt.datetime) -> int:
    if not address:
        return 0
    return PasswordResetRequest.objects.filter(address=address, at__gt=now - WINDOW).count()


@transaction.atomic
def do_request_password_reset(request: HttpRequest, email: str, link_base: str) -> int:
    """Counts the request and, unless the address had `PER_EMAIL` requests this hour already, queues a reset mail
    to every active account with that address and a usable password. Returns how many mails were queued (never
    shown to the asker)."""
    now = timezone.now()
    digest = email_digest(email)
    PasswordResetRequest.objects.filter(at__lte=now - WINDOW).delete()  # only the window is ever counted
    earlier = PasswordResetRequest.objects.filter(email_digest=digest, at__gt=now - WINDOW).count()
    asked = PasswordResetRequest.objects.create(at=now, address=client_address(request), email_digest=digest)
    users = [
        user for user in User.objects.filter(email__iexact=email.strip(), is_active=True) if user.has_usable_password()
    ]
    if not users:
        record(request, AuditAction.UPDATE, summary="password reset asked for an address of no account")
        return 0
    if earlier >= PER_EMAIL:
        for user in users:
            record(
                request,
                AuditAction.UPDATE,
                user,
                practice=user.practice,
                summary="password reset asked: too many, no mail",
            )
        return 0
    from rugpad.web.practice.tasks import send_password_reset

    def queue(user_id: int) -> None:
        transaction.on_commit(lambda: send_password_reset(user_id, asked.pk, link_base))

    for user in users:
        record(request, AuditAction.EXPORT, user, practice=user.practice, summary="password reset asked: link e-mailed")
        queue(user.pk)
    return len(users)


class ResetForm(PasswordResetForm):
    """Django's form; saving queues the mail job instead of sending in the request."""

    def save(self, *args: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
        assert request is not None
        do_request_password_reset(request, self.cleaned_data["email"], request.build_absolute_uri("/"))


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    form_class = ResetForm
    success_url = reverse_lazy("password_reset_done")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if requests_from(client_address(request), timezone.now()) >= PER_ADDRESS:
            return render(request, "registration/password_reset_throttled.html", status=429)
        return super().post(request, *args, **kwargs)


class ActivePasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's page behind the link; a link to an account deactivated since it was sent does not work."""

    success_url = reverse_lazy("password_reset_complete")

    def get_user(self, uidb64: str) -> Any:
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None
