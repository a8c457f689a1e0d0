"""Authorise by loading (built on `care.access`): a record outside the user's reach is a 404, every load is audited."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from rugpad.web.audit.log import record_read
from rugpad.web.care.access import reach
from rugpad.web.outcomes.models import EducationAssignment, GpReport
from rugpad.web.practice.models import User


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


def require_practice_staff(request: HttpRequest) -> User:
    """The practice outcome dashboard is for the practice's admins and clinicians (aggregates only); a patient or a
    user without a practice gets a 404."""
    user = request.user
    if not user.is_authenticated or not (user.is_clinician or user.is_practice_admin):
        raise Http404("Not found")
    return user
