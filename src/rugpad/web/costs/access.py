"""Loading through the care app's rules: a clinician reaches their practice's patients, a patient only themselves,
the practice admin only the practice's tariffs (no clinical record); anything else is a 404. Reads are audited
by `care.access` (and a policy read by `queries.policy_of`)."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from rugpad.web.care.access import access_episode, access_patient, require_clinician, require_practice_admin
from rugpad.web.care.models import Episode, Patient
from rugpad.web.practice.models import Practice


def access_patient_for_costs(request: HttpRequest, patient_id: int) -> Patient:
    """A patient of the clinician's practice (with their practice), for their policy."""
    require_clinician(request)
    patient = access_patient(request, patient_id, summary="insurance policy")
    patient.practice = Practice.objects.get(pk=patient.practice_id)
    return patient


def access_episode_for_costs(request: HttpRequest, episode_id: int) -> Episode:
    require_clinician(request)
    return access_episode(request, episode_id)


def access_own_practice_as_admin(request: HttpRequest) -> Practice:
    user = require_practice_admin(request)
    if user.practice is None:
        raise Http404("Not found")
    return user.practice


def public_practice(practice_id: int) -> Practice:
    """Any practice, for its public price list (tariffs are public; nothing else is shown)."""
    return get_object_or_404(Practice, pk=practice_id)
