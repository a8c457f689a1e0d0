"""Every write of the outcomes app: each owns its transaction and writes its audit event inside it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from rugpad.web.audit.log import record
from rugpad.web.audit.models import AuditAction
from rugpad.web.care.actions import do_request_response
from rugpad.web.care.clinical import state_of
from rugpad.web.care.models import Episode, EpisodeStatus, InstrumentResponse
from rugpad.web.outcomes import clinical
from rugpad.web.outcomes import summary as outcome_summary
from rugpad.web.outcomes.models import ConsentDecision, EducationAssignment, GpReport, ReportConsent
from rugpad.web.outcomes.report import build_content, render_pdf
from rugpad.web.practice.models import request_user


class ConsentMissing(Exception):
    """The patient has not (or no longer) agreed to share the report: it may be drafted, not sent."""


def _locked(episode: Episode) -> Episode:
    """The episode row locked until the transaction ends, so two schedulers never request the same moment twice."""
    return Episode.objects.select_for_update().select_related("patient").get(pk=episode.pk)


def _sync_next_evaluation(episode: Episode, today: dt.date) -> None:
    wanted = clinical.next_evaluation(episode, today) if episode.status == EpisodeStatus.OPEN else None
    if episode.next_evaluation_on != wanted:
        episode.next_evaluation_on = wanted
        episode.save(update_fields=["next_evaluation_on"])


@transaction.atomic
def do_request_due(request: HttpRequest, episode: Episode, today: dt.date) -> list[InstrumentResponse]:
    """Asks the patient for every questionnaire of every moment that has fallen due; never twice for one moment."""
    episode = _locked(episode)
    if episode.status != EpisodeStatus.OPEN:
        return []
    created = [
        do_request_response(request, episode, code, moment=key)
        for key, code in clinical.missing_requests(episode, today)
    ]
    _sync_next_evaluation(episode, today)
    return created


@transaction.atomic
def do_assign_education(request: HttpRequest, episode: Episode) -> list[EducationAssignment]:
    """Gives the patient the modules the pathway picks for their profile (modules already given stay); nothing
    for a closed episode."""
    return do_assign_modules(request, episode, [module.id for module in clinical.education_for(episode)])


@transaction.atomic
def do_assign_modules(request: HttpRequest, episode: Episode, module_ids: Sequence[str]) -> list[EducationAssignment]:
    """Gives the patient these education modules in this order (a plan's education items when the plan is saved);
    modules already given stay as they are, unknown ids are passed over, and a closed episode gets nothing."""
    if episode.status != EpisodeStatus.OPEN:
        return []
    have = set(episode.education.values_list("module_id", flat=True))
    created = []
    for order, module_id in enumerate(module_ids):
        if module_id in have or clinical.education_module(module_id) is None:
            continue
        have.add(module_id)
        assignment = EducationAssignment.objects.create(
            episode=episode, module_id=module_id, order=order, assigned_by=request_user(request)
        )
        created.append(assignment)
        record(
            request,
            AuditAction.ASSIGN,
            assignment,
            patient_id=episode.patient_id,
            summary=f"education assigned: {module_id}",
        )
    return created


OPENED = "education opened: "
"""The summary prefix of the audit event that records a patient opening a module (see `do_mark_opened`)."""


@transaction.atomic
def do_mark_opened(request: HttpRequest, assignment: EducationAssignment) -> None:
    """Records that the patient opened the module (shown in their browser, not fetched in the background for use
    without a connection): an audit event of its own, which the clinician's plan editor reads as "opened"."""
    record(
        request,
        AuditAction.VIEW,
        assignment,
        patient_id=assignment.episode.patient_id,
        summary=f"{OPENED}{assignment.module_id}",
    )


@transaction.atomic
def do_mark_read(request: HttpRequest, assignment: EducationAssignment) -> EducationAssignment:
    if assignment.read_at is None:
        assignment.read_at = timezone.now()
        assignment.save(update_fields=["read_at"])
        record(
            request,
            AuditAction.UPDATE,
            assignment,
            patient_id=assignment.episode.patient_id,
            summary=f"education read: {assignment.module_id}",
        )
    return assignment


@transaction.atomic
def do_record_consent(
    request: HttpRequest, episode: Episode, *, decision: str, method: str, given_by: str, recipient: str, note: str
) -> ReportConsent:
    consent = ReportConsent.objects.create(
        episode=episode,
        decision=decision,
        method=method,
        given_by=given_by,
        recipient=recipient,
        note=note,
        recorded_by=request_user(request),
    )
    record(request, AuditAction.UPDATE, consent, patient_id=episode.patient_id, summary=f"report consent {decision}")
    return consent


def has_consent(episode: Episode) -> bool:
    latest = episode.report_consents.order_by("-recorded_at", "-id").first()
    return latest is not None and latest.decision == ConsentDecision.GIVEN


@transaction.atomic
def do_generate_report(
    request: HttpRequest,
    episode: Episode,
    *,
    kind: str,
    treatment: str,
    advice: str,
    today: dt.date,
    lang: str = "nl",
    closing_reason: str = "",
) -> GpReport:
    """Drafts and keeps a report (allowed without consent: only sending needs it)."""
    content = build_content(
        episode,
        kind=kind,
        author=request_user(request),
        today=today,
        treatment=treatment,
        advice=advice,
        lang=lang,
        closing_reason=closing_reason,
    )
    report = GpReport.objects.create(
        episode=episode,
        kind=kind,
        lang=lang,
        content=content,
        pdf=render_pdf(content),
        created_by=request_user(request),
    )
    record(request, AuditAction.CREATE, report, patient_id=episode.patient_id, summary=f"GP report drafted ({kind})")
    return report


@transaction.atomic
def do_export_report(request: HttpRequest, report: GpReport) -> GpReport:
    """Releases the PDF for sending; refused without the patient's recorded consent."""
    if not has_consent(report.episode):
        raise ConsentMissing
    report.exported_at = timezone.now()
    report.exported_by = request_user(request)
    report.save(update_fields=["exported_at", "exported_by"])
    record(request, AuditAction.EXPORT, report, patient_id=report.episode.patient_id, summary="GP report exported")
    return report


@transaction.atomic
def do_discharge(
    request: HttpRequest,
    episode: Episode,
    *,
    treatment: str,
    advice: str,
    today: dt.date,
    lang: str = "nl",
    reason: str = "",
) -> GpReport:
    """Closes the episode with a final evaluation, kept as the discharge report. Needs the end measurement or a
    recorded reason why there is none (the episode state's rule); InvalidInput names `reason` otherwise."""
    episode = _locked(episode)
    state_of(episode, today).check_discharge(reason)
    report = do_generate_report(
        request,
        episode,
        kind="discharge",
        treatment=treatment,
        advice=advice,
        today=today,
        lang=lang,
        closing_reason=reason.strip(),
    )
    episode.status = EpisodeStatus.CLOSED
    episode.next_evaluation_on = None
    episode.save(update_fields=["status", "next_evaluation_on"])
    summary = "episode closed (discharge)" + (" without end measurement: reason recorded" if reason.strip() else "")
    record(request, AuditAction.UPDATE, episode, patient_id=episode.patient_id, summary=summary)
    outcome_summary.refresh_episode(episode)
    return report
