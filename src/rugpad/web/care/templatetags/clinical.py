"""Template filters for showing the engine's vocabulary and explanations in the reader's language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

# The words a clinician reads for the engine's vocabulary values (urgency, strength, verdict, risk).
VOCABULARY_LABELS = {
    "emergency": _("emergency"),
    "urgent": _("urgent"),
    "soon": _("soon"),
    "none": _("none"),
    "do": _("do"),
    "consider": _("consider"),
    "do_not": _("do not"),
    "allowed": _("allowed"),
    "caution": _("caution"),
    "contraindicated": _("contra-indicated"),
    "low": _("low"),
    "medium": _("medium"),
    "high": _("high"),
    "continue": _("continue"),
    "progress": _("progress"),
    "reevaluate_risk_factors": _("re-evaluate risk factors"),
    "refer": _("refer"),
    "stop": _("stop"),
    "measure": _("measure first"),
    "red_flag": _("red flag"),
    "worsened": _("worsened"),
    "improved": _("improved"),
    "partial": _("partly improved"),
    "not_improved": _("not improved"),
    "incomplete": _("not fully measured"),
    "unknown": _("unknown"),
    "verified": _("verified"),
    "secondary": _("secondary source"),
    "unverified": _("unverified"),
}


@register.filter
def vocab(value: object) -> object:
    """`{{ result.urgency|vocab }}` → "spoed" in Dutch; unknown values are shown as they are."""
    return VOCABULARY_LABELS.get(str(value), value)


@register.filter
def get(mapping: Mapping[str, Any] | None, key: object) -> Any:
    return mapping.get(str(key)) if mapping else None
