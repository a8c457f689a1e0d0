"""API tokens: created by their owner (the plain token is shown once and never stored), looked up by digest,
expiring, revoked by the owner or — all of them — when the owner's password changes. Every event is audited.

    created ──(expires_at passes)──▶ expired
       └──────(owner revokes / password changes)──▶ revoked

Only clinicians hold tokens: the API's record routes are theirs (see `User.may_use_api_tokens`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from rugpad.web.audit.log import record
from rugpad.web.audit.models import AuditAction
from rugpad.web.practice.models import ApiToken, User, request_user

DEFAULT_LIFETIME_DAYS = 90
"""A new token works this long unless its owner picks otherwise."""
MAX_LIFETIME_DAYS = 365
"""No token lives longer than a year: a forgotten token stops working on its own."""
LAST_USED_PRECISION = dt.timedelta(hours=1)
"""`last_used_at` is written at most this often per token, so a busy API client costs no commit per request."""
TOKEN_NAME_MAX_LENGTH = 100


class TokenNotAllowed(PermissionError):
    """Raised when somebody who may not hold API tokens (a patient, an admin, an inactive account) asks for one."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def tokens_of(user: User) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first, revoked and expired ones included (the page shows their state)."""
    return ApiToken.objects.filter(user=user)


def access_own_token(request: HttpRequest, token_id: int) -> ApiToken:
    """One of the signed-in user's own tokens; anybody else's (or none) is a 404."""
    try:
        return tokens_of(request_user(request)).get(pk=token_id)
    except ApiToken.DoesNotExist:
        raise Http404("No such token") from None


@transaction.atomic
def do_create_token(
    user: User, name: str, *, days: int = DEFAULT_LIFETIME_DAYS, request: HttpRequest | None = None
) -> str:
    """A new token for `user`, valid for `days` days; returns the plain token (shown once, never stored)."""
    if not user.may_use_api_tokens:
        raise TokenNotAllowed("only clinicians hold API tokens")
    if not 1 <= days <= MAX_LIFETIME_DAYS:
        raise ValueError(f"a token lives 1 to {MAX_LIFETIME_DAYS} days, not {days}")
    name = name.strip()[:TOKEN_NAME_MAX_LENGTH]
    token = secrets.token_urlsafe(32)
    expires_at = timezone.now() + dt.timedelta(days=days)
    created = ApiToken.objects.create(user=user, name=name, digest=_digest(token), expires_at=expires_at)
    record(
        request,
        AuditAction.CREATE,
        created,
        actor=user,
        summary=f"API token {name!r} created, expires {expires_at:%Y-%m-%d}",
    )
    return token


@transaction.atomic
def do_revoke_token(request: HttpRequest | None, token: ApiToken, *, actor: User) -> bool:
    """Revokes one token; False (and nothing written) when it was already revoked."""
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if revoked:
        token.refresh_from_db(fields=["revoked_at"])
        record(request, AuditAction.UPDATE, token, actor=actor, summary=f"API token {token.name!r} revoked")
    return bool(revoked)


@transaction.atomic
def do_revoke_all_tokens(user: User, *, reason: str, request: HttpRequest | None = None) -> int:
    """Revokes every token of `user` that still works (expired ones are left as they are); one audit event per
    token, naming the reason. Returns how many were revoked."""
    now = timezone.now()
    live = list(tokens_of(user).filter(revoked_at__isnull=True, expires_at__gt=now))
    ApiToken.objects.filter(pk__in=[token.pk for token in live]).update(revoked_at=now)
    for token in live:
        record(request, AuditAction.UPDATE, token, actor=user, summary=f"API token {token.name!r} revoked: {reason}")
    return len(live)


def user_for_token(token: str) -> User | None:
    """The owner of a working token (not revoked, not expired, owner still allowed), or None."""
    now = timezone.now()
    found = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(token), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if found is None or not found.user.may_use_api_tokens:
        return None
    if found.last_used_at is None or now - found.last_used_at >= LAST_USED_PRECISION:
        # One conditional UPDATE: of concurrent requests in the same hour at most one writes.
        ApiToken.objects.filter(pk=found.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_PRECISION)
        ).update(last_used_at=now)
    return found.user


def revoke_tokens_on_password_change(sender: Any, user: User, **kwargs: Any) -> None:
    """Receiver of `practice.signals.password_changed`: a new password ends every token made under the old one."""
    do_revoke_all_tokens(user, reason="password changed")
