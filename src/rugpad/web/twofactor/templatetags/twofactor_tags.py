"""The patient page's two-step sign-in card, so the care app shows it without depending on this app."""

from __future__ import annotations

from typing import Any

from django import template
from django_otp.plugins.otp_totp.models import TOTPDevice  # type: ignore[import-untyped]

from rugpad.web.care.models import Patient
from rugpad.web.twofactor.models import TwoStepReset

register = template.Library()


@register.inclusion_tag("twofactor/_patient_card.html", takes_context=True)
def patient_two_step(context: template.Context, patient: Patient) -> dict[str, Any]:
    """For a clinician: whether the patient signs in with two steps, the latest reset, and the way to reset. Two
    queries at most, whatever the patient's history; nothing for a patient without an account."""
    user = context.get("user")
    if patient.user_id is None or user is None or not getattr(user, "is_clinician", False):
        return {"show": False}
    latest = TwoStepReset.objects.filter(user_id=patient.user_id).select_related("reset_by").order_by("-at").first()
    return {
        "show": True,
        "patient": patient,
        "on": TOTPDevice.objects.filter(user_id=patient.user_id, confirmed=True).exists(),
        "latest": latest,
    }
