"""Writing audit events. Called by the access helpers (reads of records: `record_read`), the actions (writes:
`record`) and the pages that list patients (`record_list`: one cheap event per page, naming the list and how many
it showed).

Each event is linked into the hash chain inside the caller's transaction (`AuditEvent.save`, `chain.py`).

Reads during a web request are gathered (`ReadsOfRequest`) and written by `AuditReadsMiddleware` as one event per
patient when the response is ready: a page that loads a patient, an episode, its plan and a red flag costs one
insert, not four, and still names every record it read. Outside a request (commands, jobs) a read is written at
once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse

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
    return _create(
        request,
        action,
        (obj._meta.model_name or "") if obj is not None else "",
        str(obj.pk) if obj is not None else "",
        patient_id=patient_id,
        summary=summary,
        actor=actor,
        practice=practice,
    )


def _create(
    request: HttpRequest | None,
    action: AuditAction,
    object_type: str,
    object_id: str,
    *,
    patient_id: int | None,
    summary: str,
    actor: object | None = None,
    practice: object | None = None,
) -> AuditEvent:
    user = actor if actor is not None else getattr(request, "user", None)
    authenticated = bool(user is not None and getattr(user, "is_authenticated", False))
    reads: ReadsOfRequest | None = getattr(request, READS_ATTRIBUTE, None)
    if reads is not None and patient_id is not None and action is not AuditAction.VIEW:
        # counted once the event is committed: a write rolled back leaves the request's reads to be logged
        transaction.on_commit(lambda: reads.written.add(patient_id))
    return AuditEvent.objects.create(
        actor=user if authenticated else None,  # type: ignore[misc]
        actor_name=getattr(user, "username", "") if authenticated else "anonymous",
        actor_role=getattr(user, "role", "") if authenticated else "",
        practice_id=getattr(practice, "pk", None)
        if practice is not None
        else (getattr(user, "practice_id", None) if authenticated else None),
        action=action,
        object_type=object_type,
        object_id=object_id,
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


READS_ATTRIBUTE = "rugpad_audit_reads"


@dataclass(slots=True)
class _Read:
    object_type: str
    object_id: str
    summary: str


@dataclass(slots=True)
class ReadsOfRequest:
    """The records one request read, by patient (None: records of no patient), in the order they were read, and the
    patients the request wrote an event about (their reads need no event of their own)."""

    by_patient: dict[int | None, list[_Read]] = field(default_factory=dict)
    written: set[int] = field(default_factory=set)

    def add(self, obj: models.Model | None, patient_id: int | None, summary: str) -> None:
        read = _Read((obj._meta.model_name or "") if obj is not None else "", str(obj.pk) if obj else "", summary)
        reads = self.by_patient.setdefault(patient_id, [])
        if all((r.object_type, r.object_id) != (read.object_type, read.object_id) for r in reads):
            reads.append(read)


def _read_summary(reads: list[_Read]) -> str:
    """The first record's own summary, then every other record read on the same page ("also: episode 3, …")."""
    first, others = reads[0], reads[1:]
    also = ", ".join(f"{r.object_type} {r.object_id}" + (f" ({r.summary})" if r.summary else "") for r in others)
    return "; ".join(part for part in (first.summary, f"also: {also}" if also else "") if part)


def record_read(
    request: HttpRequest | None, obj: models.Model | None, *, patient_id: int | None, summary: str = ""
) -> None:
    """A `view` event for `obj`: gathered when the request is being audited by `AuditReadsMiddleware`, else written
    at once."""
    reads: ReadsOfRequest | None = getattr(request, READS_ATTRIBUTE, None)
    if reads is None:
        record(request, AuditAction.VIEW, obj, patient_id=patient_id, summary=summary)
    else:
        reads.add(obj, patient_id, summary)


def write_reads(request: HttpRequest, reads: ReadsOfRequest) -> None:
    """One `view` event per patient whose records the request read: the first record named as the object, every
    other one in the summary. A patient the request also wrote about is left out: the write's event, by the same
    actor from the same address at the same moment, already records that they reached this patient's record."""
    for patient_id, patient_reads in reads.by_patient.items():
        if patient_id in reads.written:
            continue
        first = patient_reads[0]
        _create(
            request,
            AuditAction.VIEW,
            first.object_type,
            first.object_id,
            patient_id=patient_id,
            summary=_read_summary(patient_reads),
        )


class AuditReadsMiddleware:
    """Gathers the reads of each request and writes them when the response is ready, even an error response
    (whatever was read may have been shown in part)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        reads = ReadsOfRequest()
        setattr(request, READS_ATTRIBUTE, reads)
        try:
            return self.get_response(request)
        finally:
            if reads.by_patient.keys() - reads.written:
                write_reads(request, reads)
