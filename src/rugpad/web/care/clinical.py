"""From stored records to the engine's input. No clinical rule lives here: this module only gathers what was
recorded about an episode (`episode_facts`) and hands it to `rugpad.engine`, whose `episode_state` is the one
answer every page, gate, letter and API route reads (`state_of`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import Prefetch, prefetch_related_objects
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
    InstrumentResponse,
    Intake,
    ProfileOverride,
    RedFlag,
    RedFlagEvent,
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


HISTORIES = ("screenings", "examinations", "intakes", "overrides")
"""The versioned records of an episode whose newest version is a fact."""
COMPLETED = "completed_responses"


def _fact_lookups() -> list[str | Prefetch[Any]]:
    return [
        "patient",
        *HISTORIES,
        Prefetch(
            "responses",
            queryset=InstrumentResponse.objects.filter(status=ResponseStatus.COMPLETED).order_by("completed_at", "id"),
            to_attr=COMPLETED,
        ),
        Prefetch(
            "red_flags",
            queryset=RedFlag.objects.prefetch_related(
                Prefetch("events", queryset=RedFlagEvent.objects.select_related("recorded_by"))
            ),
        ),
    ]


def load_facts(episodes: Sequence[Episode]) -> None:
    """Loads every record the episodes' facts are made of, afresh, in one query per kind of record whatever the
    number of episodes (a list of due episodes costs what one episode costs). `forget_facts` drops them again."""
    forget_facts(episodes)  # after a write the old rows are stale
    prefetch_related_objects(list(episodes), *_fact_lookups())


def forget_facts(episodes: Sequence[Episode]) -> None:
    """Drops the loaded records, so that later reads of `episode.screenings` and the like ask the database."""
    for episode in episodes:
        getattr(episode, "_prefetched_objects_cache", {}).clear()
        episode.__dict__.pop(COMPLETED, None)


def _newest(episode: Episode, history: str) -> Any:
    rows = list(getattr(episode, history).all())
    return max(rows, key=lambda row: (row.recorded_at, row.pk)) if rows else None


def episode_facts(episode: Episode, today: dt.date, *, loaded: bool = False) -> EpisodeFacts:
    """Everything recorded about the episode, as the core's plain facts (`loaded`: `load_facts` has just run and the
    caller forgets them; otherwise they are loaded and forgotten here)."""
    if not loaded:
        load_facts([episode])
        try:
            return episode_facts(episode, today, loaded=True)
        finally:
            forget_facts([episode])
    patient = episode.patient
    screening = _newest(episode, "screenings")
    examination = _newest(episode, "examinations")
    intake = _newest(episode, "intakes")
    intake_signs: set[str] = set()
    if isinstance(intake, Intake):
        if intake.corticosteroids:
            intake_signs.add("long_term_corticosteroids")
        if intake.anticoagulants:
            intake_signs.add("anticoagulants")
    override = _newest(episode, "overrides")
    completed: list[InstrumentResponse] = getattr(episode, COMPLETED)
    startback = [r for r in completed if r.instrument == "startback"]
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
        startback=dict(max(startback, key=_completion_order).answers) if startback else None,
        profile_override={"profile": override.profile, "reason": override.reason}
        if isinstance(override, ProfileOverride)
        else None,
        measurements=tuple(
            Measurement(r.instrument, timezone.localdate(r.completed_at), r.score, r.moment)
            for r in completed
            if r.completed_at is not None
        ),
        flags=tuple(flag_record(flag) for flag in episode.red_flags.all()),
    )


def _completion_order(response: InstrumentResponse) -> tuple[dt.datetime, int]:
    return (response.completed_at or dt.datetime.min.replace(tzinfo=dt.UTC), response.pk)


def state_of(episode: Episode, today: dt.date | None = None) -> EpisodeState:
    """The episode's one clinical state, computed by the engine from its records (read afresh)."""
    return states_of([episode], today or timezone.localdate())[episode.pk]


def states_of(episodes: Sequence[Episode], today: dt.date) -> dict[int, EpisodeState]:
    """The states of several episodes by id, their records read in a fixed number of queries."""
    load_facts(episodes)
    try:
        return {e.pk: engine.episode_state(episode_facts(e, today, loaded=True)) for e in episodes}
    finally:
        forget_facts(episodes)
