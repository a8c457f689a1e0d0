"""Authorise by loading (built on `care.access`): a record outside the user's reach is a 404, every load is audited."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from rugpad.web.audit.log import record
from rugpad.web.audit.models import AuditAction
from rugpad.web.care.access import episodes_visible_to
from rugpad.web.outcomes.models import EducationAssignment, GpReport


def access_report(request: HttpRequest, report_id: int) -> GpReport:
    try:
        report = GpReport.objects.select_related("episode__patient").get(
            pk=report_id,
            episode__in=episodes_visible_to(request.user),  # type: ignore[arg-type]
        )
    except GpReport.DoesNotExist:
        raise Http404("No such report") from None
    record(request, AuditAction.VIEW, report, patient_id=report.episode.patient_id)
    return report


def access_assignment(request: HttpRequest, assignment_id: int) -> EducationAssignment:
    try:
        assignment = EducationAssignment.objects.select_related("episode__patient").get(
            pk=assignment_id,
            episode__in=episodes_visible_to(request.user),  # type: ignore[arg-type]
        )
    except EducationAssignment.DoesNotExist:
        raise Http404("No such module") from None
    record(request, AuditAction.VIEW, assignment, patient_id=assignment.episode.patient_id)
    return assignment
