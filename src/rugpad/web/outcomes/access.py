"""Authorise by loading (built on `care.access`): a record outside the user's reach is a 404, every load is audited."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from rugpad.web.audit.log import record_read
from rugpad.web.care.access import reach
from rugpad.web.outcomes.models import EducationAssignment, GpReport


def access_report(request: HttpRequest, report_id: int) -> GpReport:
    try:
        report = GpReport.objects.select_related("episode__patient").get(
            reach(request.user, "episode__patient__"),  # type: ignore[arg-type]
            pk=report_id,
        )
    except GpReport.DoesNotExist:
        raise Http404("No such report") from None
    record_read(request, report, patient_id=report.episode.patient_id)
    return report


def access_assignment(request: HttpRequest, assignment_id: int) -> EducationAssignment:
    try:
        assignment = EducationAssignment.objects.select_related("episode__patient").get(
            reach(request.user, "episode__patient__"),  # type: ignore[arg-type]
            pk=assignment_id,
        )
    except EducationAssignment.DoesNotExist:
        raise Http404("No such module") from None
    record_read(request, assignment, patient_id=assignment.episode.patient_id)
    return assignment
