"""Shared helpers for the portal tests."""

from __future__ import annotations

from typing import Any

from django.utils import timezone


def diary_post(**overrides: Any) -> dict[str, Any]:
    """A complete, valid diary form submission for today; override any field."""
    data: dict[str, Any] = {
        "day": timezone.localdate().isoformat(),
        "pain_now": "4",
        "pain_exercise": "3",
        "pain_next_morning": "",
        "exercises": "yes",
        "minutes_walked": "30",
        "sleep_quality": "7",
        "medication": "none",
        "note": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
