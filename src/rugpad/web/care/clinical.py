"""From stored records to the engine's input. No clinical rule lives here: this module only gathers what was
recorded about an episode (`episode_facts`) and hands it to `rugpad.engine`, whose `episode_state` is the one
answer every page, gate, letter and API route reads (`state_of`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
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


def flag_record(flag: RedFlag, events: Sequence[RedFlagEvent] | None = None) -> FlagRecord:
    """A stored red flag with its events as the core's `FlagRecord` (`events` when the caller loaded them)."""
    return FlagRecord(
        key=str(flag.pk),
        rule_id=flag.rule_id,
        origin=FlagOrigin(flag.origin),
        urgency=Urgency(flag.urgency),
        signs=frozenset(flag.signs),
        raised_at=flag.raised_at,
        events=tuple(
            FlagEvent(FlagEventKind(e.kind), e.at, e.note, e.counterpart, str(e.recorded_by or ""))
            for e in (flag.events.select_related("recorded_by") if events is None else events)
        ),
    )


@dataclass(slots=True)
class EpisodeRecords:
    """The stored records an episode's facts are made of: the newest version of each versioned record, the
    completed questionnaires in the order they were completed, and the red flags with their events."""

    newest: dict[type[Any], Any] = field(default_factory=dict)
    completed: list[InstrumentResponse] = field(default_factory=list)
    flags: list[tuple[RedFlag, list[RedFlagEvent]]] = field(default_factory=list)


HISTORIES: tuple[type[Screening | Examination | Intake | ProfileOverride], ...] = (
    Screening,
    Examination,
    Intake,
    ProfileOverride,
)
"""The versioned records of an episode whose newest version is a fact."""


def load_records(episodes: Sequence[Episode]) -> dict[int, EpisodeRecords]:
    """The records of several episodes by id, read afresh in one query per kind of record however many episodes
    there are (a page of due episodes costs what one episode costs). Nothing is kept on the episode objects, so
    a later read after a write never sees stale rows."""
    ids = [episode.pk for episode in episodes]
    records = {pk: EpisodeRecords() for pk in ids}
    # one episode (most pages) is asked with "=", several with "IN"; rows are ordered here, not by the database
    of_episodes = Q(episode_id=ids[0]) if len(ids) == 1 else Q(episode_id__in=ids)
    for model in HISTORIES:
        for row in model.objects.filter(of_episodes).order_by():
            newest = records[row.episode_id].newest
            known = newest.get(model)
            if known is None or (row.recorded_at, row.pk) > (known.recorded_at, known.pk):
                newest[model] = row
    completed = InstrumentResponse.objects.filter(of_episodes, status=ResponseStatus.COMPLETED).order_by()
    for response in sorted(completed, key=_completion_order):
        records[response.episode_id].completed.append(response)
    flags = sorted(RedFlag.objects.filter(of_episodes).order_by(), key=lambda flag: (flag.raised_at, flag.pk))
    events: dict[int, list[RedFlagEvent]] = {flag.pk: [] for flag in flags}
    if flags:
        stored_events = RedFlagEvent.objects.filter(flag_id__in=list(events)).select_related("recorded_by")
        for event in sorted(stored_events.order_by(), key=lambda event: event.pk):
            events[event.flag_id].append(event)
    for flag in flags:
        records[flag.episode_id].flags.append((flag, events[flag.pk]))
    return records


def episode_facts(episode: Episode, today: dt.date, records: EpisodeRecords | None = None) -> EpisodeFacts:
    """Everything recorded about the episode, as the core's plain facts (`records`: loaded by the caller)."""
    if records is None:
        records = load_records([episode])[episode.pk]
    patient = episode.patient
    screening = records.newest.get(Screening)
    examination = records.newest.get(Examination)
    intake = records.newest.get(Intake)
    intake_signs: set[str] = set()
    if isinstance(intake, Intake):
        if intake.corticosteroids:
            intake_signs.add("long_term_corticosteroids")
        if intake.anticoagulants:
            intake_signs.add("anticoagulants")
    override = records.newest.get(ProfileOverride)
    completed = records.completed
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
        flags=tuple(flag_record(flag, flag_events) for flag, flag_events in records.flags),
    )


def _completion_order(response: InstrumentResponse) -> tuple[dt.datetime, int]:
    return (response.completed_at or dt.datetime.min.replace(tzinfo=dt.UTC), response.pk)


def state_of(episode: Episode, today: dt.date | None = None) -> EpisodeState:
    """The episode's one clinical state, computed by the engine from its records (read afresh)."""
    return states_of([episode], today or timezone.localdate())[episode.pk]


def states_of(episodes: Sequence[Episode], today: dt.date) -> dict[int, EpisodeState]:
    """The states of several episodes by id, their records read in a fixed number of queries."""
    records = load_records(episodes)
    return {e.pk: engine.episode_state(episode_facts(e, today, records[e.pk])) for e in episodes}
