"""From stored records to the engine's input, in the CLI contract's format. No clinical rule lives here:
this module only gathers what the clinician recorded and hands it to `rugpad.engine`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rugpad.web.care.models import Episode, Examination, Intake, ProfileOverride, ResponseStatus, Screening


def episode_signs(episode: Episode) -> list[str]:
    """The signs from the latest screening and the latest examination, sorted and without duplicates."""
    screening = episode.latest("screenings")
    examination = episode.latest("examinations")
    intake = episode.latest("intakes")
    signs: set[str] = set()
    if isinstance(screening, Screening):
        signs.update(screening.signs)
    if isinstance(examination, Examination):
        signs.update(examination.signs())
    if isinstance(intake, Intake):
        if intake.corticosteroids:
            signs.add("long_term_corticosteroids")
        if intake.anticoagulants:
            signs.add("anticoagulants")
    return sorted(signs)


def latest_answers(episode: Episode, instrument: str) -> dict[str, Any] | None:
    response = (
        episode.responses.filter(instrument=instrument, status=ResponseStatus.COMPLETED)
        .order_by("-completed_at", "-id")
        .first()
    )
    return dict(response.answers) if response is not None else None


def triage_payload(episode: Episode, today: dt.date) -> dict[str, Any]:
    """Everything the engine needs for one episode; absent facts are left out ("not known")."""
    patient = episode.patient
    payload: dict[str, Any] = {
        "region": episode.region,
        "age": patient.age_on(today),
        "sex": patient.sex,
        "signs": episode_signs(episode),
    }
    if episode.onset_on is not None:
        payload["duration_weeks"] = round((today - episode.onset_on).days / 7, 1)
    intake = episode.latest("intakes")
    if isinstance(intake, Intake):
        if intake.course:
            payload["course"] = intake.course
        if intake.psychosocial_dominant is not None:
            payload["psychosocial_dominant"] = intake.psychosocial_dominant
    startback = latest_answers(episode, "startback")
    if startback is not None and episode.region == "low_back":
        payload["startback"] = startback
    override = episode.latest("overrides")
    if isinstance(override, ProfileOverride):
        payload["profile_override"] = {"profile": override.profile, "reason": override.reason}
    return payload
