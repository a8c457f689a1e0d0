"""Authorise by loading, for the portal's records; built on `care.access` (404 outside reach, `view` audited)."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from rugpad.web.audit.log import record_read
from rugpad.web.care.access import reach, require_clinician
from rugpad.web.care.models import Episode
from rugpad.web.portal.models import Alert, DiaryEntry
from rugpad.web.practice.models import request_user


def access_entry(request: HttpRequest, entry_id: int) -> DiaryEntry:
    """A diary entry of a visible patient: the patient themselves or a clinician of their practice."""
    try:
        entry = DiaryEntry.objects.select_related("patient").get(reach(request_user(request), "patient__"), pk=entry_id)
    except DiaryEntry.DoesNotExist:
        raise Http404("No such diary entry") from None
    record_read(request, entry, patient_id=entry.patient_id)
    return entry


def access_own_entry(request: HttpRequest, entry_id: int) -> DiaryEntry:
    """A diary entry the patient may change: only their own (clinicians read entries, never write them)."""
    user = request_user(request)
    if not user.is_authenticated or not user.is_patient:
        raise Http404("Not found")
    return access_entry(request, entry_id)


def access_alert(request: HttpRequest, alert_id: int) -> Alert:
    require_clinician(request)
    try:
        alert = Alert.objects.select_related("patient").get(reach(request_user(request), "patient__"), pk=alert_id)
    except Alert.DoesNotExist:
        raise Http404("No such alert") from None
    record_read(request, alert, patient_id=alert.patient_id)
    return alert


def access_thread(request: HttpRequest, episode_id: int) -> Episode:
    """An episode's message thread: for the patient themselves and the clinicians of their practice (anybody else,
    practice admins included, gets a 404). Its view is logged like the episode's."""
    user = request_user(request)
    if not user.is_authenticated or not (user.is_patient or user.is_clinician):
        raise Http404("Not found")
    try:
        episode = Episode.objects.select_related("patient__practice").get(reach(user, "patient__"), pk=episode_id)
    except Episode.DoesNotExist:
        raise Http404("No such episode") from None
    record_read(request, episode, patient_id=episode.patient_id, summary="messages")
    return episode
