"""Every write to a patient record goes through one of these actions.

Each owns its transaction and writes the audit event inside it, so a record never changes without a trace and
a failed write leaves nothing behind. Views and API routes call these; they never save models themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, TypeVar

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from rugpad import engine
from rugpad.web.audit.log import record
from rugpad.web.audit.models import AuditAction
from rugpad.web.care.clinical import triage_payload
from rugpad.web.care.models import (
    AlarmAction,
    Episode,
    Examination,
    InstrumentResponse,
    Intake,
    Patient,
    ProfileOverride,
    ResponseStatus,
    Screening,
    TriageRecord,
)
from rugpad.web.practice.models import request_user

RecordT = TypeVar("RecordT", Intake, Examination)
"""A per-episode record kept as versions (intake, examination)."""


@transaction.atomic
def do_create_patient(request: HttpRequest, **fields: Any) -> Patient:
    actor = request_user(request)
    assert actor.practice is not None, "only clinicians of a practice create patients"
    patient = Patient.objects.create(practice=actor.practice, clinician=fields.pop("clinician", actor), **fields)
    record(request, AuditAction.CREATE, patient, patient_id=patient.pk, summary="patient created")
    return patient


@transaction.atomic
def do_open_episode(
    request: HttpRequest, patient: Patient, *, region: str, started_on: dt.date, onset_on: dt.date | None
) -> Episode:
    episode = Episode.objects.create(
        patient=patient, region=region, started_on=started_on, onset_on=onset_on, created_by=request_user(request)
    )
    record(request, AuditAction.CREATE, episode, patient_id=patient.pk, summary=f"episode opened ({region})")
    do_refresh_triage(request, episode)
    return episode


@transaction.atomic
def do_save_intake(request: HttpRequest, intake: Intake) -> Intake:
    return _save_new_version(request, intake, "intake recorded")


@transaction.atomic
def do_save_screening(request: HttpRequest, episode: Episode, signs: list[str], notes: str) -> Screening:
    screening = Screening.objects.create(
        episode=episode, signs=sorted(set(signs)), notes=notes, recorded_by=request_user(request)
    )
    record(
        request,
        AuditAction.UPDATE,
        screening,
        patient_id=episode.patient_id,
        summary=f"red-flag screening: {len(screening.signs)} signs",
    )
    do_refresh_triage(request, episode)
    return screening


@transaction.atomic
def do_save_examination(request: HttpRequest, examination: Examination) -> Examination:
    return _save_new_version(request, examination, "examination recorded")


def _save_new_version(request: HttpRequest, entry: RecordT, summary: str) -> RecordT:
    """Stores `entry` as a new row (the earlier versions stay as history) and refreshes the episode's triage;
    runs inside the calling action's transaction."""
    entry.pk = None
    entry.recorded_by = request_user(request)
    entry.save()
    record(request, AuditAction.UPDATE, entry, patient_id=entry.episode.patient_id, summary=summary)
    do_refresh_triage(request, entry.episode)
    return entry


@transaction.atomic
def do_record_response(
    request: HttpRequest,
    episode: Episode,
    instrument: str,
    answers: Mapping[str, object],
    *,
    activities: Mapping[str, str] | None = None,
    moment: str = "",
    requested: InstrumentResponse | None = None,
) -> InstrumentResponse:
    """Scores the answers with the engine (raising InvalidInput before anything is stored) and keeps them."""
    scored = engine.score(instrument, answers)
    response = requested or InstrumentResponse(episode=episode, instrument=instrument, moment=moment)
    response.instrument_version = engine.instrument(instrument).version
    response.answers = {k: v for k, v in answers.items() if v is not None}
    response.activities = dict(activities or {})
    response.result = scored.to_dict()
    response.score = float(scored.score) if scored.score is not None else None
    response.status = ResponseStatus.COMPLETED
    response.completed_at = timezone.now()
    response.filled_by = request_user(request)
    response.save()
    record(
        request,
        AuditAction.UPDATE if requested else AuditAction.CREATE,
        response,
        patient_id=episode.patient_id,
        summary=f"{instrument} completed",
    )
    do_refresh_triage(request, episode)
    return response


@transaction.atomic
def do_request_response(
    request: HttpRequest, episode: Episode, instrument: str, moment: str = ""
) -> InstrumentResponse:
    """Sends a questionnaire to the patient: it appears on their home page until they complete it."""
    engine.instrument(instrument)  # refuses an unknown instrument
    response = InstrumentResponse.objects.create(
        episode=episode,
        instrument=instrument,
        moment=moment,
        status=ResponseStatus.REQUESTED,
        requested_at=timezone.now(),
    )
    record(request, AuditAction.CREATE, response, patient_id=episode.patient_id, summary=f"{instrument} requested")
    return response


@transaction.atomic
def do_override_profile(request: HttpRequest, episode: Episode, profile: str, reason: str) -> ProfileOverride:
    override = ProfileOverride.objects.create(
        episode=episode, profile=profile, reason=reason, recorded_by=request_user(request)
    )
    record(request, AuditAction.UPDATE, override, patient_id=episode.patient_id, summary=f"profile set to {profile}")
    do_refresh_triage(request, episode)
    return override


@transaction.atomic
def do_record_alarm_action(
    request: HttpRequest, episode: Episode, *, red_flag: str, action_taken: str, referred_to: str, acted_at: dt.datetime
) -> AlarmAction:
    action = AlarmAction.objects.create(
        episode=episode,
        red_flag=red_flag,
        action_taken=action_taken,
        referred_to=referred_to,
        acted_at=acted_at,
        recorded_by=request_user(request),
    )
    record(request, AuditAction.UPDATE, action, patient_id=episode.patient_id, summary=f"action on {red_flag}")
    return action


def do_refresh_triage(request: HttpRequest, episode: Episode) -> TriageRecord:
    """Runs the engine on the episode as recorded now and keeps its answer (called inside the writing action)."""
    payload = triage_payload(episode, timezone.localdate())
    result = engine.triage(payload).to_dict()
    triage = TriageRecord.objects.create(
        episode=episode,
        payload=payload,
        result=result,
        urgency=str(result["urgency"]),
        profile=str(result.get("profile") or ""),
        recorded_by=request_user(request),
    )
    weeks = result.get("reevaluate_after_weeks")
    if isinstance(weeks, int | float) and episode.next_evaluation_on is None:
        episode.next_evaluation_on = episode.started_on + dt.timedelta(weeks=weeks)
        episode.save(update_fields=["next_evaluation_on"])
    return triage
