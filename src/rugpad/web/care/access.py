"""Authorise by loading: every page and API route gets records through these helpers.

A record the user may not see raises Http404 (never 403, which would reveal that it exists). Every successful
load of a patient record writes a `view` audit event, so no read goes unlogged.

Who sees what:
- a clinician: the patients of their own practice;
- a patient: only themselves;
- a practice admin: no clinical records (they manage accounts and read the audit log of their practice).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from rugpad.web.audit.log import record
from rugpad.web.audit.models import AuditAction
from rugpad.web.care.models import Episode, InstrumentResponse, Patient, RedFlag
from rugpad.web.practice.models import User, request_user


def patients_visible_to(user: User) -> QuerySet[Patient]:
    if not user.is_authenticated:
        return Patient.objects.none()
    if user.is_clinician and user.practice_id is not None:
        return Patient.objects.filter(practice_id=user.practice_id)
    if user.is_patient:
        return Patient.objects.filter(user_id=user.pk)
    return Patient.objects.none()


def episodes_visible_to(user: User) -> QuerySet[Episode]:
    return Episode.objects.filter(patient__in=patients_visible_to(user))


def access_patient(request: HttpRequest, patient_id: int, *, summary: str = "") -> Patient:
    """The patient, if the user may see them; `summary` names what the page shows of them (e.g. "diary")."""
    try:
        patient = patients_visible_to(request_user(request)).get(pk=patient_id)
    except Patient.DoesNotExist:
        raise Http404("No such patient") from None
    record(request, AuditAction.VIEW, patient, patient_id=patient.pk, summary=summary)
    return patient


def access_own_patient(request: HttpRequest) -> Patient:
    """The logged-in patient's own record; anybody else (clinicians and admins included) gets a 404."""
    user = request_user(request)
    patient = getattr(user, "patient_profile", None) if user.is_authenticated and user.is_patient else None
    if patient is None:
        raise Http404("Not found")
    return access_patient(request, patient.pk)


def access_episode(request: HttpRequest, episode_id: int) -> Episode:
    try:
        episode = episodes_visible_to(request_user(request)).select_related("patient").get(pk=episode_id)
    except Episode.DoesNotExist:
        raise Http404("No such episode") from None
    record(request, AuditAction.VIEW, episode, patient_id=episode.patient_id)
    return episode


def access_red_flag(request: HttpRequest, flag_id: int) -> RedFlag:
    """A red flag of an episode the user may see; its view is logged like the episode's."""
    try:
        flag = RedFlag.objects.select_related("episode__patient").get(
            pk=flag_id, episode__in=episodes_visible_to(request_user(request))
        )
    except RedFlag.DoesNotExist:
        raise Http404("No such red flag") from None
    record(request, AuditAction.VIEW, flag, patient_id=flag.episode.patient_id)
    return flag


def access_response(request: HttpRequest, response_id: int) -> InstrumentResponse:
    try:
        response = InstrumentResponse.objects.select_related("episode__patient").get(
            pk=response_id, episode__in=episodes_visible_to(request_user(request))
        )
    except InstrumentResponse.DoesNotExist:
        raise Http404("No such questionnaire") from None
    record(request, AuditAction.VIEW, response, patient_id=response.episode.patient_id)
    return response


def require_clinician(request: HttpRequest) -> User:
    """Pages that change records or show a caseload are for clinicians; others get a 404."""
    user = request_user(request)
    if not user.is_authenticated or not user.is_clinician:
        raise Http404("Not found")
    return user


def require_practice_admin(request: HttpRequest) -> User:
    user = request_user(request)
    if not user.is_authenticated or not user.is_practice_admin:
        raise Http404("Not found")
    return user
