"""Authorise by loading: every page and API route gets records through these helpers.

A record the user may not see raises Http404 (never 403, which would reveal that it exists). Every successful
load of a patient record writes a `view` audit event, so no read goes unlogged.

Who sees what:
- a clinician: the patients of their own practice;
- a patient: only themselves;
- a practice admin: no clinical records (they manage accounts and read the audit log of their practice).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from rugpad.web.audit.log import record_read
from rugpad.web.care.models import Episode, InstrumentResponse, Patient, RedFlag
from rugpad.web.practice.models import User, request_user

NOBODY = Q(pk__in=[])
"""A condition no row meets (Django answers it without asking the database)."""


def reach(user: User, patient: str = "") -> Q:
    """The condition a record must meet for `user` to see it, where `patient` is the path from the record to its
    patient ("" for a patient, "patient__" for an episode, "episode__patient__" for a plan). A join on the
    patient's own columns, which the indexes on (practice, …) and (user) answer — not a list of the practice's
    patients built for every request."""
    if not user.is_authenticated:
        return NOBODY
    if user.is_clinician and user.practice_id is not None:
        return Q(**{f"{patient}practice_id": user.practice_id})
    if user.is_patient:
        return Q(**{f"{patient}user_id": user.pk})
    return NOBODY


def patients_visible_to(user: User) -> QuerySet[Patient]:
    return Patient.objects.filter(reach(user))


def episodes_visible_to(user: User) -> QuerySet[Episode]:
    return Episode.objects.filter(reach(user, "patient__"))


def access_patient(request: HttpRequest, patient_id: int, *, summary: str = "") -> Patient:
    """The patient, if the user may see them; `summary` names what the page shows of them (e.g. "diary")."""
    try:
        patient = patients_visible_to(request_user(request)).get(pk=patient_id)
    except Patient.DoesNotExist:
        raise Http404("No such patient") from None
    record_read(request, patient, patient_id=patient.pk, summary=summary)
    return patient


OWN_PATIENT = "rugpad_own_patient"


def access_own_patient(request: HttpRequest) -> Patient:
    """The logged-in patient's own record (with their practice); anybody else (clinicians and admins included) gets
    a 404. Loaded once per request however many parts of a page ask for it."""
    own: Patient | None = getattr(request, OWN_PATIENT, None)
    if own is not None:
        return own
    user = request_user(request)
    patient = (
        Patient.objects.select_related("practice").filter(user_id=user.pk).first()
        if user.is_authenticated and user.is_patient
        else None
    )
    if patient is None:
        raise Http404("Not found")
    record_read(request, patient, patient_id=patient.pk)
    setattr(request, OWN_PATIENT, patient)
    return patient


def access_episode(request: HttpRequest, episode_id: int) -> Episode:
    try:
        episode = episodes_visible_to(request_user(request)).select_related("patient").get(pk=episode_id)
    except Episode.DoesNotExist:
        raise Http404("No such episode") from None
    record_read(request, episode, patient_id=episode.patient_id)
    return episode


def access_red_flag(request: HttpRequest, flag_id: int) -> RedFlag:
    """A red flag of an episode the user may see; its view is logged like the episode's."""
    try:
        flag = RedFlag.objects.select_related("episode__patient").get(
            reach(request_user(request), "episode__patient__"), pk=flag_id
        )
    except RedFlag.DoesNotExist:
        raise Http404("No such red flag") from None
    record_read(request, flag, patient_id=flag.episode.patient_id)
    return flag


def access_response(request: HttpRequest, response_id: int) -> InstrumentResponse:
    try:
        response = InstrumentResponse.objects.select_related("episode__patient").get(
            reach(request_user(request), "episode__patient__"), pk=response_id
        )
    except InstrumentResponse.DoesNotExist:
        raise Http404("No such questionnaire") from None
    record_read(request, response, patient_id=response.episode.patient_id)
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
