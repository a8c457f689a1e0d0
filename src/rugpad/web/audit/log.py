"""Writing audit events. Called by the access helpers (reads of one record), the actions (writes) and the pages
that list patients (`record_list`: one cheap event per page, naming the list and how many it showed).

Each event is linked into the hash chain inside the caller's transaction (`AuditEvent.save`, `chain.py`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.http import HttpRequest

from rugpad.web.audit.models import AuditAction, AuditEvent


def client_address(request: HttpRequest | None) -> str | None:
    """Where a request came from. Behind `RUGPAD_PROXY_COUNT` trusted reverse proxies the client is the address
    that many hops back in X-Forwarded-For (the proxies append; anything further left can be forged). Login
    throttling (django-axes) uses this same function, so a lock-out hits the client, not the proxy."""
    if request is None:
        return None
    proxies: int = getattr(settings, "RUGPAD_PROXY_COUNT", 0)
    forwarded: list[str] = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    remote: str | None = request.META.get("REMOTE_ADDR") or None
    return remote


def record(
    request: HttpRequest | None,
    action: AuditAction,
    obj: models.Model | None = None,
    *,
    patient_id: int | None = None,
    summary: str = "",
    actor: object | None = None,
    practice: object | None = None,
) -> AuditEvent:
    """One audit event for `obj` (or a plain event when None), attributed to the request's user."""
    user = actor if actor is not None else getattr(request, "user", None)
    authenticated = bool(user is not None and getattr(user, "is_authenticated", False))
    return AuditEvent.objects.create(
        actor=user if authenticated else None,  # type: ignore[misc]
        actor_name=getattr(user, "username", "") if authenticated else "anonymous",
        actor_role=getattr(user, "role", "") if authenticated else "",
        practice=practice if practice is not None else (getattr(user, "practice", None) if authenticated else None),
        action=action,
        object_type=(obj._meta.model_name or "") if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        patient_id=patient_id,
        summary=summary[:300],
        ip_address=client_address(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else ""),
    )


def record_list(request: HttpRequest, listing: str, count: int) -> AuditEvent:
    """One `list` event for a page that shows several patients' data: which list, how many patients on it. The
    patients are not named one by one (a page stays one insert); the search words are not stored (they may be
    names)."""
    return record(request, AuditAction.LIST, summary=f"{listing}: {count} patients")
