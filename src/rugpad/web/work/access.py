"""Authorise by loading (built on `care.access`): the work records of a patient are for that patient and their
practice's clinicians; anything else is a 404, and every successful load is audited."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from rugpad.web.audit.log import record_read
from rugpad.web.care.access import access_episode, access_own_patient, reach, require_clinician
from rugpad.web.care.models import Episode, EpisodeStatus, Patient
from rugpad.web.work.models import WorkplaceCheck, WorkReport


def access_work_episode(request: HttpRequest, episode_id: int) -> Episode:
    """An episode of the clinician's practice (clinicians only)."""
    require_clinician(request)
    return access_episode(request, episode_id)


def access_own_episode(request: HttpRequest) -> tuple[Patient, Episode | None]:
    """The signed-in patient and the episode their work pages are about: the newest open one, else the newest of
    all (read only), else None. Anybody but a patient gets a 404."""
    patient = access_own_patient(request)
    episodes = Episode.objects.filter(patient=patient).order_by("-started_on", "-id")
    episode = episodes.filter(status=EpisodeStatus.OPEN).first() or episodes.first()
    if episode is not None:
        episode.patient = patient  # the same row, already loaded
        record_read(request, episode, patient_id=patient.pk)
    return patient, episode


def access_check(request: HttpRequest, check_id: int) -> WorkplaceCheck:
    """A workplace check, for a clinician of the patient's practice (the review is theirs)."""
    user = require_clinician(request)
    try:
        check = WorkplaceCheck.objects.select_related("episode__patient").get(
            reach(user, "episode__patient__"), pk=check_id
        )
    except WorkplaceCheck.DoesNotExist:
        raise Http404("No such workplace check") from None
    record_read(request, check, patient_id=check.episode.patient_id)
    return check


def access_work_report(request: HttpRequest, report_id: int) -> WorkReport:
    """A report to the occupational physician, for a clinician of the patient's practice."""
    user = require_clinician(request)
    try:
        report = WorkReport.objects.select_related("episode__patient__practice").get(
            reach(user, "episode__patient__"), pk=report_id
        )
    except WorkReport.DoesNotExist:
        raise Http404("No such report") from None
    record_read(request, report, patient_id=report.episode.patient_id)
    return report
