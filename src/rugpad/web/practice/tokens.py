"""API tokens: created once (the plain token is returned to the caller and never stored), looked up by digest."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from rugpad.web.audit.log import record
from rugpad.web.audit.models import AuditAction
from rugpad.web.practice.models import ApiToken, User


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def do_create_token(user: User, name: str) -> str:
    token = secrets.token_urlsafe(32)
    created = ApiToken.objects.create(user=user, name=name, digest=_digest(token))
    record(None, AuditAction.CREATE, created, actor=user, summary=f"API token {name!r} created")
    return token


def user_for_token(token: str) -> User | None:
    found = ApiToken.objects.select_related("user").filter(digest=_digest(token)).first()
    if found is None or not found.user.is_active:
        return None
    ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
    return found.user
