"""Loading aftercare records through the care app's rules: a clinician reaches the aftercare of their practice's
patients, a patient only their own check-ins, the practice admin nothing. Anything else is a 404 (never a 403), and
every successful load is audit-logged (`record_read`, gathered per request into one `view` event per patient)."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from rugpad.web.aftercare.models import AftercarePlan, CheckIn, RecurrenceFlag
from rugpad.web.audit.log import record_read
from rugpad.web.care.access import access_episode, access_own_patient, reach, require_clinician
from rugpad.web.care.models import Episode, EpisodeStatus
from rugpad.web.practice.models import request_user


def access_discharged_episode(request: HttpRequest, episode_id: int) -> Episode:
    """An episode of the clinician's practice that has closed: aftercare follows a discharge. An open episode is a
    404 like any record out of reach (it has nothing to set yet)."""
    require_clinician(request)
    episode = access_episode(request, episode_id)
    if episode.status != EpisodeStatus.CLOSED:
        raise Http404("Not discharged")
    return episode


def access_plan(request: HttpRequest, plan_id: int) -> AftercarePlan:
    """An aftercare plan of the clinician's practice, with its episode and patient."""
    user = require_clinician(request)
    try:
        plan = AftercarePlan.objects.select_related("episode", "patient").get(reach(user, "patient__"), pk=plan_id)
    except AftercarePlan.DoesNotExist:
        raise Http404("No such aftercare plan") from None
    plan.episode.patient = plan.patient  # the same row, already loaded
    record_read(request, plan, patient_id=plan.patient_id)
    return plan


def access_flag(request: HttpRequest, flag_id: int) -> RecurrenceFlag:
    """A recurrence flag of the clinician's practice."""
    user = require_clinician(request)
    try:
        flag = RecurrenceFlag.objects.select_related("plan", "patient").get(reach(user, "patient__"), pk=flag_id)
    except RecurrenceFlag.DoesNotExist:
        raise Http404("No such flag") from None
    record_read(request, flag, patient_id=flag.patient_id)
    return flag


def access_own_checkin(request: HttpRequest, checkin_id: int) -> CheckIn:
    """One of the signed-in patient's own check-ins (with its plan, episode and patient); anybody else — clinicians
    included: the answers are the patient's to give — gets a 404."""
    patient = access_own_patient(request)
    try:
        checkin = CheckIn.objects.select_related("plan__episode").get(
            pk=checkin_id, patient_id=patient.pk, patient__user_id=request_user(request).pk
        )
    except CheckIn.DoesNotExist:
        raise Http404("No such check-in") from None
    checkin.patient = patient
    checkin.plan.patient = patient
    checkin.plan.episode.patient = patient
    record_read(request, checkin, patient_id=patient.pk)
    return checkin
