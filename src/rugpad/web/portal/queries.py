"""Read-only queries behind the portal pages. Callers have authorised the user; these never widen what is visible."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Case, Count, Exists, Max, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from rugpad.web.care.access import reach
from rugpad.web.care.models import Episode, EpisodeStatus, Patient
from rugpad.web.care.queries import pending_questionnaires
from rugpad.web.i18n import reader_lang
from rugpad.web.portal import clinical
from rugpad.web.portal.actions import is_editable, open_episode, thread_episode
from rugpad.web.portal.models import Alert, AlertKind, DiaryEntry, Invitation, Message
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
        "messages_for_patient": patient.portal_messages.select_related("author")[:HOME_MESSAGES],
        "unread_messages": unread_for_patient(patient),
        "thread_episode": episode or thread_episode(patient),  # the open episode is the thread's (one query less)
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


# --- messages -------------------------------------------------------------------------------------------------------

THREAD_PAGE = 50
"""Messages on one page of a thread, newest first; older ones a page further."""
HOME_MESSAGES = 3
"""The latest messages on the patient's home screen."""
UNREAD_CAP = 99
"""Unread counts stop here ("99+"): a count never reads more rows than it can show (in no order: none is needed)."""
UNREAD_THREADS = 10
"""Threads with new messages listed on the clinician's dashboard, most recent first."""


def thread(episode: Episode, before: int | None) -> dict[str, Any]:
    """One page of the episode's thread, newest first: the 50 newest, or the 50 before message `before`."""
    messages = episode.portal_messages.select_related("author", "read_by").order_by("-id")
    if before is not None:
        messages = messages.filter(id__lt=before)
    page = list(messages[: THREAD_PAGE + 1])
    shown = page[:THREAD_PAGE]
    newest = shown[0] if shown and before is None else None
    return {
        "episode": episode,
        "patient": episode.patient,
        "thread": shown,
        "older": shown[-1].pk if len(page) > THREAD_PAGE else None,
        "paged": before is not None,
        "closed": episode.status != EpisodeStatus.OPEN,
        # the patient's newest words name an alarm sign and nobody has answered yet: the instructions stay in sight
        "alarm_shown": bool(newest and newest.from_patient and newest.alarm_terms),
    } | contact_text()


def capped(count: int) -> str:
    return f"{UNREAD_CAP}+" if count > UNREAD_CAP else str(count)


def unread_for_patient(patient: Patient) -> int:
    """The clinicians' messages the patient has not read (counted up to the cap)."""
    unread = Message.objects.filter(patient=patient, from_patient=False, read_at__isnull=True)
    return unread.order_by()[: UNREAD_CAP + 1].count()


def unread_in_episode(episode: Episode) -> int:
    """The patient's messages in this episode's thread that no clinician has read (counted up to the cap)."""
    unread = Message.objects.filter(
        patient_id=episode.patient_id, episode=episode, from_patient=True, read_at__isnull=True
    )
    return unread.order_by()[: UNREAD_CAP + 1].count()


def _treated_by(clinician: User) -> Q:
    """Threads a clinician treats: their own patients and unassigned ones (so no message waits for nobody), the
    episodes they opened, and the threads they wrote in."""
    wrote = Message.objects.filter(episode_id=OuterRef("episode_id"), author=clinician, from_patient=False)
    return (
        Q(patient__clinician=clinician)
        | Q(patient__clinician__isnull=True)
        | Q(episode__created_by=clinician)
        | Q(Exists(wrote))
    )


def unread_threads(clinician: User) -> dict[str, Any]:
    """The dashboard's new messages: how many (up to the cap) and the 10 threads they are in, most recent first.
    They are found by the message's own practice column (`portal_message_practice_unread`), so the count reads the
    practice's unread messages, never its patients."""
    unread = Message.objects.filter(
        practice_id=clinician.practice_id or 0, from_patient=True, read_at__isnull=True, episode__isnull=False
    ).filter(_treated_by(clinician))
    total = unread.order_by()[: UNREAD_CAP + 1].count()
    if not total:
        return {"total": 0}
    rows = list(
        unread.order_by()
        .values("episode_id")
        .annotate(count=Count("id"), last=Max("created_at"))
        .order_by("-last", "-episode_id")[: UNREAD_THREADS + 1]
    )
    more, rows = len(rows) > UNREAD_THREADS, rows[:UNREAD_THREADS]
    episodes = Episode.objects.select_related("patient").in_bulk([row["episode_id"] for row in rows])
    threads = [{"episode": episodes[row["episode_id"]], **row} for row in rows if row["episode_id"] in episodes]
    return {"total": total, "shown": capped(total), "threads": threads, "more": more}
