"""Read-only queries behind the portal pages. Callers have authorised the user; these never widen what is visible."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Case, Q, QuerySet, Value, When
from django.utils import timezone

from rugpad.web.care.access import reach
from rugpad.web.care.models import Patient
from rugpad.web.care.queries import pending_questionnaires
from rugpad.web.i18n import reader_lang
from rugpad.web.portal import clinical
from rugpad.web.portal.actions import is_editable, open_episode
from rugpad.web.portal.models import Alert, AlertKind, DiaryEntry, Invitation
from rugpad.web.practice.models import User

RECENT_DAYS = 14
ALARM_URGENCIES = ("emergency", "urgent", "soon")


def alert_view(alert: Alert) -> dict[str, Any]:
    """An alert as the clinician reads it: the red flag (from the triage) or the trend rule, in their language."""
    if alert.kind == AlertKind.ALARM:
        flags = clinical.entry_red_flags(
            alert.detail.get("flags", []), alert.detail.get("payloads", []), alert.patient.practice.country
        )
        top = next((f for f in flags if f["id"] == alert.rule_id), flags[0] if flags else {})
        about = {"name": top.get("name", alert.rule_id), "text": top.get("action", ""), "source": top.get("source", "")}
        about["evidence"] = top.get("evidence", "")
    else:
        about = clinical.trend_view(alert.rule_id, alert.detail)
    return {"alert": alert, "patient": alert.patient, **about}


OPEN_ALERTS_SHOWN = 50
"""Open alerts on the dashboard, most urgent first; the patient's diary page lists all of theirs."""


def open_alerts(clinician: User) -> list[dict[str, Any]]:
    """Open alerts for the dashboard: every alarm in the practice (so none waits for an absent colleague),
    trends only for the clinician's own and unassigned patients. Most urgent first, then newest."""
    rank = Case(
        *(When(urgency=urgency, then=Value(i)) for i, urgency in enumerate(ALARM_URGENCIES)),
        default=Value(len(ALARM_URGENCIES)),
    )
    alerts = (
        Alert.objects.filter(reach(clinician, "patient__"), acknowledged_at__isnull=True)
        .filter(Q(kind=AlertKind.ALARM) | Q(patient__clinician=clinician) | Q(patient__clinician__isnull=True))
        .select_related("patient__practice")
        .order_by(rank, "-created_at", "-id")
    )
    return [alert_view(a) for a in alerts[:OPEN_ALERTS_SHOWN]]


RECENT_LIMIT = 30
"""At most this many of the recent entries on the patient's diary page (a few a day for two weeks)."""
DIARY_PAGE_SIZE = 50
"""Entries on one page of the clinician's diary page, newest first."""
ACKNOWLEDGED_SHOWN = 20
"""Acknowledged alerts on the clinician's diary page, newest first (open alerts are all shown: one per rule)."""


def recent_entries(patient: Patient, today: dt.date) -> QuerySet[DiaryEntry]:
    return patient.diary_entries.filter(current=True, day__gte=today - dt.timedelta(days=RECENT_DAYS))


def patient_diary(patient: Patient, page_number: str | int | None) -> dict[str, Any]:
    """The clinician's diary page: every open alert, the latest acknowledged ones, one page of current entries."""
    alerts = patient.portal_alerts.select_related("patient__practice", "acknowledged_by")
    shown = [
        *alerts.filter(acknowledged_at__isnull=True),
        *alerts.filter(acknowledged_at__isnull=False)[:ACKNOWLEDGED_SHOWN],
    ]
    page = Paginator(patient.diary_entries.filter(current=True), DIARY_PAGE_SIZE).get_page(page_number)
    return {"patient": patient, "alerts": [alert_view(a) for a in shown], "entries": page.object_list, "page": page}


def entry_view(entry: DiaryEntry) -> dict[str, Any]:
    now = timezone.now()
    history = DiaryEntry.objects.filter(Q(pk=entry.first.pk) | Q(original=entry.first)).order_by("version")
    return {
        "entry": entry,
        "editable": is_editable(entry, now),
        "red_flags": clinical.entry_red_flags(entry.alarm_flags, entry.alarm_payloads, entry.patient.practice.country),
        "questions": {q.id: q.question.get(reader_lang()) for q in clinical.alarm_questions(None)},
        "history": history,
        "practice": entry.patient.practice,
    }


def patient_home(patient: Patient, today: dt.date) -> dict[str, Any]:
    """Everything on the patient's home screen, in the order a patient needs it."""
    episode = open_episode(patient)
    lang = reader_lang()
    module = clinical.contact_module()
    entries = list(recent_entries(patient, today)[:3])
    return {
        "patient": patient,
        "practice": patient.practice,
        "programme": todays_programme(patient, today),
        "next_evaluation": episode.next_evaluation_on if episode else None,
        # a planned day already past is not "planned around" any more: the patient reads that it is due
        "evaluation_passed": bool(episode and episode.next_evaluation_on and episode.next_evaluation_on < today),
        "pending": pending_questionnaires(patient),
        "messages_for_patient": patient.portal_messages.select_related("author")[:5],
        "today_entries": [e for e in entries if e.day == today],
        "last_alarm": next((e for e in entries if e.alarm_urgency in ALARM_URGENCIES), None),
        "contact_title": module.title.get(lang),
        "contact_body": module.body.get(lang),
    }


def contact_text() -> dict[str, str]:
    """When and whom to contact (the content's contact module), shown with an alarm answer that could not be sent."""
    lang = reader_lang()
    module = clinical.contact_module()
    return {"contact_title": module.title.get(lang), "contact_body": module.body.get(lang)}


def todays_programme(patient: Patient, today: dt.date) -> str | None:
    """Today's exercises from the plans app (None without a plan)."""
    from rugpad.web.plans import queries as plans_queries  # plans builds on portal; imported when needed

    return plans_queries.todays_programme(patient, today)


def latest_invitation(patient: Patient) -> Invitation | None:
    return patient.invitations.first()
