"""From stored records to the engine's input. No clinical rule lives here: this module only gathers what was
recorded about an episode (`episode_facts`) and hands it to `rugpad.engine`, whose `episode_state` is the one
answer every page, gate, letter and API route reads (`state_of`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from rugpad import engine
from rugpad.core.episode import EpisodeFacts, EpisodeState, Measurement
from rugpad.core.episode import Screening as ScreeningFacts
from rugpad.core.flags import FlagEvent, FlagEventKind, FlagOrigin, FlagRecord
from rugpad.core.vocab import Course, Region, Sex, Urgency
from rugpad.web.care.models import (
    Episode,
    EpisodeStatus,
    Examination,
    Intake,
    ProfileOverride,
    RedFlag,
    ResponseStatus,
    Screening,
)


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


def flag_record(flag: RedFlag) -> FlagRecord:
    """A stored red flag with its events as the core's `FlagRecord` (events prefetched by the caller, or loaded)."""
    return FlagRecord(
        key=str(flag.pk),
        rule_id=flag.rule_id,
        origin=FlagOrigin(flag.origin),
        urgency=Urgency(flag.urgency),
        signs=frozenset(flag.signs),
        raised_at=flag.raised_at,
        events=tuple(
            FlagEvent(FlagEventKind(e.kind), e.at, e.note, e.counterpart, str(e.recorded_by or ""))
            for e in flag.events.all()
        ),
    )


def episode_facts(episode: Episode, today: dt.date) -> EpisodeFacts:
    """Everything recorded about the episode, as the core's plain facts."""
    patient = episode.patient
    screening = episode.latest("screenings")
    examination = episode.latest("examinations")
    intake = episode.latest("intakes")
    intake_signs: set[str] = set()
    if isinstance(intake, Intake):
        if intake.corticosteroids:
            intake_signs.add("long_term_corticosteroids")
        if intake.anticoagulants:
            intake_signs.add("anticoagulants")
    override = episode.latest("overrides")
    completed = episode.responses.filter(status=ResponseStatus.COMPLETED, completed_at__isnull=False)
    flags = episode.red_flags.prefetch_related("events__recorded_by")
    return EpisodeFacts(
        region=Region(episode.region),
        today=today,
        started_on=episode.started_on,
        onset_on=episode.onset_on,
        closed=episode.status == EpisodeStatus.CLOSED,
        age=patient.age_on(today),
        sex=Sex(patient.sex) if patient.sex else None,
        screening=ScreeningFacts(
            frozenset(screening.asked) | frozenset(screening.signs),
            frozenset(screening.signs),
            timezone.localdate(screening.recorded_at),
        )
        if isinstance(screening, Screening)
        else None,
        examination_signs=frozenset(examination.signs()) if isinstance(examination, Examination) else frozenset(),
        examination_asked=frozenset(examination.tested_signs())
        if isinstance(examination, Examination)
        else frozenset(),
        intake_signs=frozenset(intake_signs),
        course=Course(intake.course) if isinstance(intake, Intake) and intake.course else None,
        psychosocial_dominant=intake.psychosocial_dominant if isinstance(intake, Intake) else None,
        startback=latest_answers(episode, "startback"),
        profile_override={"profile": override.profile, "reason": override.reason}
        if isinstance(override, ProfileOverride)
        else None,
        measurements=tuple(
            Measurement(r.instrument, timezone.localdate(r.completed_at), r.score, r.moment)
            for r in completed.order_by("completed_at", "id")
            if r.completed_at is not None
        ),
        flags=tuple(flag_record(flag) for flag in flags),
    )


def state_of(episode: Episode, today: dt.date | None = None) -> EpisodeState:
    """The episode's one clinical state, computed by the engine from its records."""
    return engine.episode_state(episode_facts(episode, today or timezone.localdate()))
