"""The feedback body (CDS Hooks 2.0): {"feedback": [{card, outcome, acceptedSuggestions?, overrideReason?,
outcomeTimestamp}]}, checked field by field; InvalidInput names the first bad one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils.dateparse import parse_datetime

from rugpad.core.errors import InvalidInput
from rugpad.web.cdshooks.models import FeedbackOutcome

MAX_ITEMS = 50


def _text(raw: object, field: str, limit: int, required: bool = False) -> str:
    if raw is None and not required:
        return ""
    if not isinstance(raw, str) or (required and not raw.strip()) or len(raw) > limit:
        raise InvalidInput(field, f"must be a text of at most {limit} characters" + (" (required)" if required else ""))
    return raw


def _item(raw: object, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise InvalidInput(where, "must be an object")
    outcome = raw.get("outcome")
    if outcome not in FeedbackOutcome.values:
        raise InvalidInput(f"{where}.outcome", "must be accepted or overridden")
    stamp = raw.get("outcomeTimestamp")
    moment = parse_datetime(stamp) if isinstance(stamp, str) else None
    if moment is None or moment.tzinfo is None:
        raise InvalidInput(f"{where}.outcomeTimestamp", "is required: an ISO 8601 instant with its time zone")
    accepted = raw.get("acceptedSuggestions") or []
    if not isinstance(accepted, list) or not all(
        isinstance(s, dict) and isinstance(s.get("id"), str) for s in accepted
    ):
        raise InvalidInput(f"{where}.acceptedSuggestions", 'must be a list of {"id": ...}')
    if accepted and outcome != FeedbackOutcome.ACCEPTED:
        raise InvalidInput(f"{where}.acceptedSuggestions", "only an accepted card has accepted suggestions")
    reason = raw.get("overrideReason")
    coding: Mapping[str, Any] = {}
    comment = ""
    if reason is not None:
        if outcome != FeedbackOutcome.OVERRIDDEN or not isinstance(reason, dict):
            raise InvalidInput(f"{where}.overrideReason", "an object, and only for an overridden card")
        coding = reason.get("reason") or {}
        if not isinstance(coding, dict):
            raise InvalidInput(f"{where}.overrideReason.reason", "must be a Coding")
        comment = _text(reason.get("userComment"), f"{where}.overrideReason.userComment", 2000)
    return {
        "card": _text(raw.get("card"), f"{where}.card", 100, required=True),
        "outcome": outcome,
        "outcome_at": moment.astimezone(dt.UTC),
        "accepted_suggestions": [s["id"][:100] for s in accepted],
        "override_system": _text(coding.get("system"), f"{where}.overrideReason.reason.system", 300),
        "override_code": _text(coding.get("code"), f"{where}.overrideReason.reason.code", 100),
        "override_display": _text(coding.get("display"), f"{where}.overrideReason.reason.display", 300),
        "user_comment": comment,
    }


def parse_feedback(body: Mapping[str, Any]) -> list[dict[str, Any]]:
    items = body.get("feedback")
    if not isinstance(items, list) or not items or len(items) > MAX_ITEMS:
        raise InvalidInput("feedback", f"is required: a list of 1 to {MAX_ITEMS} card outcomes")
    return [_item(item, f"feedback[{index}]") for index, item in enumerate(items)]
