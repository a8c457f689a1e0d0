"""The practice app's background jobs: the account e-mails (staff invitations, password resets).

Both make their secret in the worker — the invitation's token, the password-reset token — so no link ever sits in
the job queue, and both are idempotent: a retried or doubled job sends nothing twice (an invitation's send number
is claimed on its row; a reset mail under its `Delivery` key). The mails hold a link and no personal or clinical
content.
"""

from __future__ import annotations

import secrets

from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from huey.contrib.djhuey import db_task  # type: ignore[import-untyped]

from rugpad.web.audit.log import record
from rugpad.web.audit.models import AuditAction
from rugpad.web.jobs.delivery import email_once
from rugpad.web.practice.accounts import token_digest
from rugpad.web.practice.models import StaffInvitation, User


def _link(base: str, path: str) -> str:
    return base.rstrip("/") + path


@db_task(retries=3, retry_delay=60)  # type: ignore[untyped-decorator]
def send_staff_invitation(invitation_id: int, send_number: int, link_base: str, lang: str) -> bool:
    """Mails send `send_number` of an invitation with a fresh link; False (nothing sent) when that send is no longer
    wanted (resent since, revoked, used, expired) or went out already."""
    token = secrets.token_urlsafe(32)
    digest = token_digest(token)
    with transaction.atomic():
        claimed = StaffInvitation.objects.filter(
            pk=invitation_id,
            sends=send_number,
            mailed__lt=send_number,
            used_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        ).update(digest=digest, mailed=send_number)
    if not claimed:
        return False
    invitation = StaffInvitation.objects.select_related("practice").get(pk=invitation_id)
    with translation.override(lang):
        body = _(
            "%(practice)s invites you to rugpad.\n\n"
            "Open this link to choose your username and password (it works once, until %(expires)s):\n%(link)s\n"
        ) % {
            "practice": invitation.practice.name,
            "expires": timezone.localtime(invitation.expires_at).strftime("%d-%m-%Y %H:%M"),
            "link": _link(link_base, reverse("staff_join", args=[token])),
        }
        subject = _("Your rugpad account")
    try:
        send_mail(subject, body, None, [invitation.email])
    except Exception:
        # give the send back, so the retry makes a new link and mails it
        StaffInvitation.objects.filter(pk=invitation_id, mailed=send_number, digest=digest).update(
            digest=None, mailed=send_number - 1
        )
        raise
    record(
        None,
        AuditAction.EXPORT,
        invitation,
        practice=invitation.practice,
        summary=f"staff invitation e-mailed (send {send_number})",
    )
    return True


@db_task(retries=3, retry_delay=60)  # type: ignore[untyped-decorator]
def send_password_reset(user_id: int, request_id: int, link_base: str) -> bool:
    """Mails `user` a password-reset link (Django's token: it works once and stops when the password changes or
    after PASSWORD_RESET_TIMEOUT). At most once per reset request, whatever the retries."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password():
        return False
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    with translation.override(user.preferred_language or "nl"):
        subject = _("A new password for rugpad")
        body = _(
            "Open this link to choose a new password for rugpad:\n%(link)s\n\n"
            "Did you not ask for this? Then ignore this e-mail; your password stays as it is.\n"
        ) % {"link": _link(link_base, path)}
    return email_once(f"password-reset:{request_id}:to:{user.pk}", user, subject, body)
