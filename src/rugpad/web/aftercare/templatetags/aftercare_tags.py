"""Template tags that let the care pages show aftercare without the care app depending on it: the patient's home
block, the clinician's panel on a patient page, the recurrence flags on the dashboard, and the patient's menu
link. Each reads a fixed number of rows, whatever the history."""

from __future__ import annotations

from typing import Any

from django import template

from rugpad.web.aftercare import queries
from rugpad.web.audit.log import record_list, record_read
from rugpad.web.care.models import Episode, EpisodeStatus, Patient
from rugpad.web.i18n import reader_lang
from rugpad.web.outcomes import clock

register = template.Library()


def _is(context: template.Context, role: str) -> bool:
    user = context.get("user")
    return user is not None and bool(getattr(user, role, False))


@register.inclusion_tag("aftercare/_home.html", takes_context=True)
def aftercare_home(context: template.Context, patient: Patient) -> dict[str, Any]:
    """On the patient's home page after discharge: the check-in asked now, and "come back if…"."""
    if not _is(context, "is_patient"):
        return {"show": False}
    block = queries.patient_block(patient, clock.today(), reader_lang())
    if block.get("plan") is not None:
        record_read(context.get("request"), block["plan"], patient_id=patient.pk, summary="aftercare")
    return block | {"practice": patient.practice}


@register.inclusion_tag("aftercare/_patient_panel.html", takes_context=True)
def aftercare_patient(context: template.Context, patient: Patient) -> dict[str, Any]:
    """On a patient page for a clinician of the practice (the page has authorised and logged the patient)."""
    if not _is(context, "is_clinician"):
        return {"show": False}
    panel = queries.patient_panel(patient, clock.today(), reader_lang())
    for row in panel["plans"]:
        record_read(context.get("request"), row["plan"], patient_id=patient.pk, summary="aftercare")
    return panel | {"show": True, "patient": patient}


@register.inclusion_tag("aftercare/_dashboard.html", takes_context=True)
def aftercare_dashboard(context: template.Context) -> dict[str, Any]:
    """The practice's open recurrence flags on the dashboard, oldest first (one walk of an index)."""
    user = context.get("user")
    if not _is(context, "is_clinician") or user is None or user.practice_id is None:
        return {"flags": []}
    flags, more = queries.open_flags(user.practice_id, reader_lang(), queries.DASHBOARD_ROWS)
    request = context.get("request")
    if flags and request is not None:
        record_list(request, "aftercare flags on the dashboard", len({row.flag.patient_id for row in flags}))
    return {"flags": flags, "more": more, "action": queries.action_text(reader_lang())}


@register.simple_tag(takes_context=True)
def aftercare_for_patient(context: template.Context) -> bool:
    """Whether the signed-in patient's newest episode has closed: their menu then offers the aftercare page."""
    user = context.get("user")
    if not _is(context, "is_patient") or user is None:
        return False
    newest = Episode.objects.filter(patient__user_id=user.pk).order_by("-started_on", "-id").values("status").first()
    return newest is not None and newest["status"] == EpisodeStatus.CLOSED
