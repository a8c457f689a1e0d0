"""The one write of /fhir/: a posted QuestionnaireResponse filed through the care app's own action."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.http import HttpRequest

from rugpad.web.care import actions as care_actions
from rugpad.web.care.models import Episode, InstrumentResponse, ResponseStatus
from rugpad.web.fhir.models import Submission


def do_file_response(
    request: HttpRequest,
    episode: Episode,
    instrument: str,
    answers: Mapping[str, object],
    activities: Mapping[str, str],
    identifier: tuple[str, str] | None,
) -> tuple[InstrumentResponse, bool]:
    """Files the answers exactly as the clinician's and the patient's forms do (`care.actions.do_record_response`:
    scored by the engine, InvalidInput naming the item before anything is stored, audited, the triage refreshed),
    completing the oldest questionnaire the episode still waits for from this instrument, if any. With an
    `identifier` (system, value) the filing is kept under it, in the same transaction: the same identifier again in
    this practice returns the stored response and False, and writes nothing — also when two copies race."""
    if identifier is not None:
        stored = _filed(episode, identifier)
        if stored is not None:
            return stored, False
    try:
        with transaction.atomic():
            requested = (
                episode.responses.filter(instrument=instrument, status=ResponseStatus.REQUESTED)
                .order_by("requested_at", "pk")
                .first()
            )
            response = care_actions.do_record_response(
                request, episode, instrument, answers, activities=activities, requested=requested
            )
            if identifier is not None:
                Submission.objects.create(
                    practice_id=episode.patient.practice_id,
                    system=identifier[0],
                    value=identifier[1],
                    response=response,
                )
    except IntegrityError:
        stored = _filed(episode, identifier) if identifier is not None else None
        if stored is None:
            raise
        return stored, False
    return response, True


def _filed(episode: Episode, identifier: tuple[str, str]) -> InstrumentResponse | None:
    submission = (
        Submission.objects.select_related("response")
        .filter(practice_id=episode.patient.practice_id, system=identifier[0], value=identifier[1])
        .first()
    )
    return submission.response if submission is not None else None
