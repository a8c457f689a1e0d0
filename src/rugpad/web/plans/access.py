"""Loading plans through the care app's access rules: a clinician reaches the plans of their practice's episodes,
a patient only their own; anything else is a 404, and every successful load is audit-logged (by `care.access`)."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from rugpad.web.audit.log import record_read
from rugpad.web.care.access import access_episode, access_own_patient, require_clinician
from rugpad.web.care.models import Episode, Patient
from rugpad.web.plans.models import TreatmentPlan


def access_episode_for_plan(request: HttpRequest, episode_id: int) -> tuple[Episode, TreatmentPlan | None]:
    """The episode (clinicians of its practice only) and its plan, if it has one yet."""
    require_clinician(request)
    episode = access_episode(request, episode_id)
    return episode, TreatmentPlan.objects.filter(episode=episode).first()


def access_own_plan(request: HttpRequest) -> tuple[Patient, TreatmentPlan]:
    """The logged-in patient's newest plan; a patient without one (or anyone else) gets a 404."""
    patient = access_own_patient(request)
    plan = newest_plan(patient)
    if plan is None:
        raise Http404("No plan yet")
    record_read(request, plan, patient_id=patient.pk)
    return patient, plan


def newest_plan(patient: Patient) -> TreatmentPlan | None:
    """The patient's plan of their most recent episode that has a version yet, with its episode (and the patient
    the caller already holds) attached. Callers have authorised the access."""
    plan = (
        TreatmentPlan.objects.filter(episode__patient=patient, versions__isnull=False)
        .select_related("episode")
        .order_by("-episode__started_on", "-id")
        .first()
    )
    if plan is not None:
        plan.episode.patient = patient  # the same row, already loaded
    return plan
