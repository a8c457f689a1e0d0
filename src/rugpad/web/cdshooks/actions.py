"""The writes of the CDS Hooks service, each with its audit event in the same transaction.

A hook call is a read of clinical advice about a patient who lives in another system: no rugpad patient is
involved, so the audit event names no patient; it names the caller (issuer and subject), the service, the hook
instance and how many cards of each indicator were answered. No FHIR data of the patient is stored. When the
issuer is configured with a practice, the events belong to that practice's audit log (its admin reads them)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest

from rugpad.web.audit.log import record
from rugpad.web.audit.models import AuditAction
from rugpad.web.cdshooks.auth import Caller, Unauthorized
from rugpad.web.cdshooks.models import CdsCall, CdsFeedback
from rugpad.web.practice.models import Practice


def do_record_call(caller: Caller, service: str, hook_instance: str) -> CdsCall:
    """Store the call, which spends the token: Unauthorized when its (issuer, jti) was seen before (a replay)."""
    try:
        with transaction.atomic():
            return CdsCall.objects.create(
                issuer=caller.issuer[:300],
                subject=caller.subject,
                jti=caller.jti,
                expires_at=dt.datetime.fromtimestamp(caller.expires_at, tz=dt.UTC),
                service=service[:100],
                hook_instance=hook_instance[:100],
            )
    except IntegrityError:
        raise Unauthorized("this token (jti) was used before") from None


def _who(call: CdsCall) -> str:
    return f"{call.subject} ({call.issuer})"


def _practice(caller: Caller) -> Practice | None:
    """The practice the issuer is configured for (None if none, or if that practice does not exist)."""
    if caller.practice_id is None:
        return None
    return Practice.objects.filter(pk=caller.practice_id).only("pk").first()


def do_audit_advice(
    request: HttpRequest, call: CdsCall, caller: Caller, hook: str, cards: Sequence[Mapping[str, Any]]
) -> None:
    """The audit event of advice read by another system."""
    counts = Counter(str(card.get("indicator")) for card in cards)
    shown = ", ".join(f"{counts[kind]} {kind}" for kind in ("critical", "warning", "info") if counts[kind])
    summary = f"CDS Hooks {hook} {call.service} for {_who(call)}: {len(cards)} cards" + (f" ({shown})" if shown else "")
    with transaction.atomic():
        record(request, AuditAction.VIEW, call, summary=summary, practice=_practice(caller))


def do_record_feedback(
    request: HttpRequest, call: CdsCall, caller: Caller, items: Sequence[Mapping[str, Any]]
) -> list[CdsFeedback]:
    """Store the clinicians' outcomes (already validated) and audit them in one event."""
    with transaction.atomic():
        stored = CdsFeedback.objects.bulk_create([CdsFeedback(call=call, **item) for item in items])
        outcomes = Counter(item["outcome"] for item in items)
        summary = f"CDS Hooks feedback on {call.service} from {_who(call)}: " + ", ".join(
            f"{count} {outcome}" for outcome, count in sorted(outcomes.items())
        )
        record(request, AuditAction.CREATE, call, summary=summary, practice=_practice(caller))
    return stored
