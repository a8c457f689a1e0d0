"""Every write of the work app: each owns its transaction and writes its audit event inside it. The actions take
the request-shaped context of the other apps' actions (`demo.as_user` and the jobs' `on_behalf_of` make one
without a web request)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from rugpad import engine
from rugpad.core.errors import InvalidInput
from rugpad.core.work import BreakSchedule
from rugpad.web.audit.log import record
from rugpad.web.audit.models import AuditAction
from rugpad.web.care.models import Episode, EpisodeStatus
from rugpad.web.outcomes.models import ConsentDecision
from rugpad.web.outcomes.report import render_pdf
from rugpad.web.practice.models import request_user
from rugpad.web.work.models import DAY_DIGITS, BreakRoutine, WorkplaceCheck, WorkReport, WorkReportConsent
from rugpad.web.work.report import build_content


class ConsentMissing(Exception):
    """The patient has not (or no longer) agreed to share the report with the occupational physician."""


def _open(episode: Episode) -> None:
    if episode.status != EpisodeStatus.OPEN:
        raise InvalidInput("episode", "is closed")


@transaction.atomic
def do_submit_check(request: HttpRequest, episode: Episode, answers: Mapping[str, object]) -> WorkplaceCheck:
    """Keeps a new set of answers to the workplace check (the newest counts; the earlier stay as history)."""
    _open(episode)
    checked = engine.check_work_answers(answers)
    check = WorkplaceCheck.objects.create(episode=episode, answers=checked, filled_by=request_user(request))
    record(
        request,
        AuditAction.CREATE,
        check,
        patient_id=episode.patient_id,
        summary=f"workplace check filled in: {len(checked)} answers",
    )
    return check


@transaction.atomic
def do_review_check(request: HttpRequest, check: WorkplaceCheck, note: str) -> WorkplaceCheck:
    """The clinician's review of a check: their note, who and when (a second review replaces the note)."""
    check.review_note = note.strip()
    check.reviewed_by = request_user(request)
    check.reviewed_at = timezone.now()
    check.save(update_fields=["review_note", "reviewed_by", "reviewed_at"])
    record(request, AuditAction.UPDATE, check, patient_id=check.episode.patient_id, summary="workplace check reviewed")
    return check


@transaction.atomic
def do_save_routine(
    request: HttpRequest,
    episode: Episode,
    *,
    days: Sequence[int],
    start: dt.time,
    end: dt.time,
    every_minutes: int,
    active: bool,
) -> BreakRoutine:
    """Keeps the episode's break routine; InvalidInput names the field of a schedule that cannot be (no day, an end
    before the start, no break that fits)."""
    _open(episode)
    schedule = BreakSchedule(frozenset(days), start, end, every_minutes)
    digits = "".join(DAY_DIGITS[day] for day in sorted(schedule.days))
    routine, created = BreakRoutine.objects.select_for_update().get_or_create(
        episode=episode,
        defaults={"days": digits, "start": start, "end": end, "every_minutes": every_minutes, "active": active},
    )
    routine.days, routine.start, routine.end = digits, start, end
    routine.every_minutes, routine.active, routine.updated_by = every_minutes, active, request_user(request)
    routine.save()
    record(
        request,
        AuditAction.CREATE if created else AuditAction.UPDATE,
        routine,
        patient_id=episode.patient_id,
        summary=(
            f"break routine {'on' if active else 'off'}: days {digits} {start:%H:%M}-{end:%H:%M}, "
            f"every {every_minutes} min"
        ),
    )
    return routine


@transaction.atomic
def do_record_consent(
    request: HttpRequest, episode: Episode, *, decision: str, method: str, given_by: str, recipient: str, note: str
) -> WorkReportConsent:
    consent = WorkReportConsent.objects.create(
        episode=episode,
        decision=decision,
        method=method,
        given_by=given_by,
        recipient=recipient,
        note=note,
        recorded_by=request_user(request),
    )
    record(
        request,
        AuditAction.CREATE,
        consent,
        patient_id=episode.patient_id,
        summary=f"occupational physician report consent {decision}",
    )
    return consent


def latest_consent(episode: Episode) -> WorkReportConsent | None:
    return WorkReportConsent.objects.filter(episode=episode).order_by("-recorded_at", "-id").first()


def has_consent(episode: Episode) -> bool:
    latest = latest_consent(episode)
    return latest is not None and latest.decision == ConsentDecision.GIVEN


@transaction.atomic
def do_draft_report(
    request: HttpRequest,
    episode: Episode,
    *,
    today: dt.date,
    lang: str,
    goal_ids: Sequence[int],
    remarks: str,
) -> WorkReport:
    """Drafts and keeps a report (allowed without consent, as the GP letter: only sending it needs consent)."""
    author = request_user(request)
    content = build_content(episode, author=author, today=today, lang=lang, goal_ids=goal_ids, remarks=remarks)
    report = WorkReport.objects.create(
        episode=episode, lang=lang, content=content, pdf=render_pdf(content), created_by=author
    )
    record(
        request,
        AuditAction.CREATE,
        report,
        patient_id=episode.patient_id,
        summary="occupational physician report drafted",
    )
    return report


@transaction.atomic
def do_export_report(request: HttpRequest, report: WorkReport) -> WorkReport:
    """Releases the PDF for sending; refused without the patient's recorded consent."""
    if not has_consent(report.episode):
        raise ConsentMissing
    report.exported_at = timezone.now()
    report.exported_by = request_user(request)
    report.save(update_fields=["exported_at", "exported_by"])
    record(
        request,
        AuditAction.EXPORT,
        report,
        patient_id=report.episode.patient_id,
        summary="occupational physician report exported",
    )
    return report
