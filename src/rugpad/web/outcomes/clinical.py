"""The outcomes pages' view of the episode's one clinical state (`rugpad.core.episode`, via `care.clinical.state_of`).
No rule lives here: measurement moments, their states, change from baseline, the decision and its clock are the
state's; this module adds what only storage knows (the stored questionnaires of a moment, the chart series).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from rugpad import engine
from rugpad.core.education import EducationModule
from rugpad.core.episode import EpisodeState, MomentStatus
from rugpad.core.evaluation import Change, Decision, GlobalEffect
from rugpad.core.schedule import Moment
from rugpad.core.vocab import Region
from rugpad.web.care.clinical import state_of
from rugpad.web.care.models import Episode, InstrumentResponse, ResponseStatus


@dataclass(frozen=True, slots=True)
class MomentState:
    moment: Moment
    state: str
    """done | due | overdue | upcoming | missed (not measured before the episode closed)."""
    responses: tuple[InstrumentResponse, ...]


@dataclass(frozen=True, slots=True)
class Series:
    instrument: str
    points: tuple[tuple[dt.date, float], ...]


@dataclass(frozen=True, slots=True)
class Evaluation:
    changes: tuple[Change, ...]
    decision: Decision | None
    """None once the episode is closed: nothing is left to decide."""
    weeks: float
    gpe: GlobalEffect | None
    series: tuple[Series, ...]
    clock_field: str = "started_on"
    clock_start: dt.date | None = None
    closed: bool = False

    @property
    def clock_label(self) -> str:
        """The date's label, translated: the episode fields' own labels."""
        return str(_("complaint started on") if self.clock_field == "onset_on" else _("first contact"))


def schedule_states(episode: Episode, today: dt.date, state: EpisodeState | None = None) -> tuple[MomentState, ...]:
    """Every moment of the episode with its state on `today`, and the questionnaires sent for it."""
    state = state or state_of(episode, today)
    responses = list(episode.responses.all())
    return tuple(
        MomentState(item.moment, str(item.status), tuple(r for r in responses if r.moment == item.moment.key))
        for item in state.moments
    )


def missing_requests(episode: Episode, today: dt.date) -> list[tuple[str, str]]:
    """(moment key, instrument) pairs that are due, not measured, and not yet sent to the patient."""
    state = state_of(episode, today)
    if state.closed:
        return []
    sent = {(r.moment, r.instrument) for r in episode.responses.all()}
    wanted = []
    for item in state.moments:
        if item.status not in (MomentStatus.DUE, MomentStatus.OVERDUE):
            continue
        done = {m.instrument for m in state.facts.measurements if engine.measurement_counts_for(m, item.moment)}
        wanted += [
            (item.moment.key, code)
            for code in item.moment.instruments
            if code not in done and (item.moment.key, code) not in sent
        ]
    return wanted


def next_evaluation(episode: Episode, today: dt.date) -> dt.date | None:
    """The due date of the first moment after the intake that is not done (None when all are, or it is closed)."""
    state = state_of(episode, today)
    if state.closed:
        return None
    return next(
        (m.moment.due for m in state.moments if m.status is not MomentStatus.DONE and m.moment.key != "intake"), None
    )


def series_of(episode: Episode) -> tuple[Series, ...]:
    by_code: dict[str, list[tuple[dt.date, float]]] = {}
    completed = episode.responses.filter(status=ResponseStatus.COMPLETED, completed_at__isnull=False)
    for response in completed.order_by("completed_at", "id"):
        if response.score is not None and response.completed_at is not None:
            by_code.setdefault(response.instrument, []).append((response.completed_at.date(), response.score))
    return tuple(Series(code, tuple(points)) for code, points in by_code.items())


def evaluate(episode: Episode, today: dt.date, state: EpisodeState | None = None) -> Evaluation:
    """The state's evaluation: change per instrument, the decision (none once closed), GPE, and the chart series."""
    state = state or state_of(episode, today)
    clock_start = episode.onset_on if state.clock_from == "onset_on" else episode.started_on
    return Evaluation(
        state.changes, state.decision, state.weeks, state.gpe, series_of(episode), state.clock_from, clock_start,
        state.closed,
    )  # fmt: skip


def education_for(episode: Episode) -> tuple[EducationModule, ...]:
    state = state_of(episode)
    return engine.education_for(Region(episode.region), state.triage.profile, bool(state.triage.radicular))


def education_module(module_id: str) -> EducationModule | None:
    return engine.education_library().get(module_id)
