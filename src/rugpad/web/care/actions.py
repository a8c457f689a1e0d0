"""Every write to a patient record goes through one of these actions.

Each owns its transaction and writes the audit event inside it, so a record never changes without a trace and
a failed write leaves nothing behind. Views and API routes call these; they never save models themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from rugpad import engine
from rugpad.core.bounds import ACTIVITY, LABEL
from rugpad.core.flags import Firing, FlagEvent, FlagEventKind
from rugpad.core.flags import FlagStage as CoreFlagStage
from rugpad.web.audit.log import record
from rugpad.web.audit.models import AuditAction
from rugpad.web.care.clinical import flag_record, state_of
from rugpad.web.care.models import (
    Episode,
    EpisodeStatus,
    Examination,
    InstrumentResponse,
    Intake,
    Patient,
    ProfileOverride,
    RedFlag,
    RedFlagEvent,
    ResponseStatus,
    Screening,
    TriageRecord,
)
from rugpad.web.outcomes import summary as outcome_summary
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
def do_save_screening(
    request: HttpRequest, episode: Episode, signs: list[str], notes: str, asked: list[str] | None = None
) -> Screening:
    """Stores the checklist: the signs present and every sign it asked about, present or not (by default the
    whole checklist of the episode's region, as the screening page shows it)."""
    if asked is None:
        asked = [sign.id for _group, group_signs in engine.sign_groups(episode.region) for sign in group_signs]
    screening = Screening.objects.create(
        episode=episode,
        signs=sorted(set(signs)),
        asked=sorted(set(asked) | set(signs)),
        notes=notes,
        recorded_by=request_user(request),
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
    LABEL.check("moment", moment)
    for number, activity in (activities or {}).items():  # the API passes them as posted: no NUL reaches the database
        ACTIVITY.check(f"activities.{number}", activity)
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
    LABEL.check("moment", moment)
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


def do_refresh_triage(request: HttpRequest, episode: Episode) -> TriageRecord:
    """Computes the episode's state as recorded now (called inside the writing action): stores every red flag the
    engine raises anew, and keeps the engine's triage as history."""
    state = state_of(episode)
    store_new_flags(request, episode, state.new_flags)
    payload = state.facts.triage_payload()
    result = state.triage.to_dict()
    triage = TriageRecord.objects.create(
        episode=episode,
        payload=payload,
        result=result,
        urgency=str(state.urgency),
        profile=str(result.get("profile") or ""),
        recorded_by=request_user(request),
    )
    weeks = result.get("reevaluate_after_weeks")
    if isinstance(weeks, int | float) and episode.next_evaluation_on is None:
        episode.next_evaluation_on = episode.started_on + dt.timedelta(weeks=weeks)
        episode.save(update_fields=["next_evaluation_on"])
    outcome_summary.refresh_episode(episode)  # every record that changes the episode's outcome passes here
    return triage


def do_store_pending_flags(request: HttpRequest, episode: Episode, today: dt.date | None = None) -> list[RedFlag]:
    """Stores the red flags that fire now without any record having changed (an age or a duration passed a rule's
    threshold), so that they reach the dashboard and can be acted on. Nothing is written, and no write lock taken,
    when there are none (the common case on every episode page)."""
    if not state_of(episode, today).new_flags:
        return []
    with transaction.atomic():  # looked at again under the lock: another request may have stored them meanwhile
        episode = Episode.objects.select_for_update().get(pk=episode.pk)
        state = state_of(episode, today)
        if not state.new_flags:
            return []
        stored = store_new_flags(request, episode, state.new_flags)
        do_refresh_triage(request, episode)
        return stored


def store_new_flags(
    request: HttpRequest, episode: Episode, firings: Iterable[Firing], reference: str = ""
) -> list[RedFlag]:
    """Keeps each newly raised red flag (the engine decided which are new), each with its audit event."""
    stored = []
    for firing in firings:
        flag = RedFlag.objects.create(
            episode=episode,
            rule_id=firing.rule_id,
            origin=str(firing.origin),
            urgency=str(firing.urgency),
            signs=sorted(firing.signs),
            raised_at=timezone.now(),
            raised_by=request_user(request),
            reference=reference,
        )
        record(
            request,
            AuditAction.CREATE,
            flag,
            patient_id=episode.patient_id,
            summary=f"red flag raised: {firing.rule_id} ({firing.urgency}, {firing.origin})",
        )
        stored.append(flag)
    return stored


@transaction.atomic
def do_record_flag_event(
    request: HttpRequest, flag: RedFlag, *, kind: str, at: dt.datetime, note: str, counterpart: str = ""
) -> RedFlagEvent:
    """One step of the red flag's life cycle (action, assessment, withdrawal); the core checks that the step is
    allowed now and that the note (and, for an assessment, who assessed) is there. A confirmed flag refers the
    patient: the episode closes for rugpad care."""
    flag = RedFlag.objects.select_for_update().get(pk=flag.pk)
    event = FlagEvent(FlagEventKind(kind), at, note.strip(), counterpart.strip(), str(request_user(request)))
    stage = engine.check_flag_event(flag_record(flag), event, timezone.now())
    stored = RedFlagEvent.objects.create(
        flag=flag,
        kind=event.kind.value,
        at=event.at,
        note=event.note,
        counterpart=event.counterpart,
        recorded_by=request_user(request),
    )
    flag.stage = stage.value
    flag.save(update_fields=["stage"])
    record(
        request,
        AuditAction.UPDATE,
        flag,
        patient_id=flag.episode.patient_id,
        summary=f"red flag {flag.rule_id}: {event.kind.value} → {stage.value}",
    )
    if stage is CoreFlagStage.CONFIRMED and flag.episode.status == EpisodeStatus.OPEN:
        episode = flag.episode
        episode.status = EpisodeStatus.CLOSED
        episode.save(update_fields=["status"])
        record(
            request,
            AuditAction.UPDATE,
            episode,
            patient_id=episode.patient_id,
            summary=f"episode closed: referred ({flag.rule_id} confirmed)",
        )
    do_refresh_triage(request, flag.episode)
    return stored
