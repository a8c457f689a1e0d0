"""Template tags that let other apps' pages show the reminders without depending on the jobs app's models:

- `{% patient_reminders patient %}` on a clinician's page (the patient or episode page): the patient's latest
  reminders and whether they responded;
- `{% reminders_link %}` on the patient's home page: their reminder settings in one line, linking to the page."""

from __future__ import annotations

from typing import Any

from django import template

from rugpad.web.care.models import Patient
from rugpad.web.jobs import queries
from rugpad.web.jobs.actions import reminder_settings

register = template.Library()


@register.inclusion_tag("jobs/_patient_reminders.html", takes_context=True)
def patient_reminders(context: template.Context, patient: Patient) -> dict[str, Any]:
    user = context.get("user")
    if user is None or not getattr(user, "is_clinician", False) or user.practice_id != patient.practice_id:
        return {"rows": [], "hidden": True}
    return {"rows": queries.patient_reminders(patient)}


@register.inclusion_tag("jobs/_reminders_link.html", takes_context=True)
def reminders_link(context: template.Context) -> dict[str, Any]:
    user = context.get("user")
    if user is None or not getattr(user, "is_patient", False):
        return {"hidden": True}
    settings = reminder_settings(user)
    return {"on": settings.exercises or settings.questionnaires, "at": f"{settings.at:%H:%M}"}
