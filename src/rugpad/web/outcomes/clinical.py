"""Stored records → the core's schedule, evaluation and education rules. No clinical rule lives here: this module
gathers the episode's case and measurements and hands them to `rugpad.core` with the packaged content.

A moment counts as done when each of its instruments has a completed response for it: one stored with that
`moment` key, or one without a key (filled in by the clinician) completed within the moment's window.

Two clocks: the measurement schedule counts from the start of treatment (`started_on`); the decision rules count the
guideline's weeks (NHG 3-4 / 6-8 weeks, KNGF neck 6 weeks) from the onset of the complaint (`onset_on`), falling
back to the start of treatment when the onset is not known.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from rugpad.content.education import load_education
from rugpad.content.evaluation import load_change_rules, load_decision_rules, load_global_rating, load_schedule
from rugpad.core.education import EducationModule, modules_for
from rugpad.core.evaluation import Change, Decision, GlobalEffect, change, decide, global_effect
from rugpad.core.schedule import Moment, measurement_moments
from rugpad.core.vocab import Region
from rugpad.web.care.models import Episode, InstrumentResponse, ResponseStatus, TriageRecord


@dataclass(frozen=True, slots=True)
class Case:
    region: Region
    profile: str | None
    radicular: bool
    red_flag_now: bool


@dataclass(frozen=True, slots=True)
class MomentState:
    moment: Moment
    state: str
    """done | due | overdue | upcoming."""
    responses: tuple[InstrumentResponse, ...]


@dataclass(frozen=True, slots=True)
class Series:
    instrument: str
    points: tuple[tuple[dt.date, float], ...]


@dataclass(frozen=True, slots=True)
class Evaluation:
    changes: tuple[Change, ...]
    decision: Decision
    weeks: float
    """Weeks since `clock_start`: the onset of the complaint, or the start of treatment when it is unknown."""
    gpe: GlobalEffect | None
    series: tuple[Series, ...]
    clock_field: str = "started_on"
    """Which date the decision's weeks count from: "onset_on" or "started_on"."""
    clock_start: dt.date | None = None

    @property
    def clock_label(self) -> str:
        """The date's label, translated: the episode fields' own labels."""
        return str(_("complaint started on") if self.clock_field == "onset_on" else _("first contact"))


def decision_clock(episode: Episode) -> tuple[str, dt.date]:
    """The guidelines count their weeks from the onset of the complaint; without an onset, from the first contact."""
    if episode.onset_on is not None:
        return "onset_on", episode.onset_on
    return "started_on", episode.started_on


def case_of(episode: Episode) -> Case:
    """Region, profile (the clinician's override already counts in the stored triage) and radicular status."""
    triage = episode.latest("triages")
    result: dict[str, Any] = triage.result if isinstance(triage, TriageRecord) else {}
    profile = result.get("profile")
    return Case(
        region=Region(episode.region),
        profile=str(profile) if profile else None,
        radicular=bool(result.get("radicular")),
        red_flag_now=result.get("urgency", "none") != "none",
    )


def moments_of(episode: Episode) -> tuple[Moment, ...]:
    case = case_of(episode)
    return measurement_moments(load_schedule(), case.region, case.profile, case.radicular, episode.started_on)


def _completed(episode: Episode) -> list[InstrumentResponse]:
    return list(
        episode.responses.filter(status=ResponseStatus.COMPLETED, completed_at__isnull=False).order_by(
            "completed_at", "id"
        )
    )


def _counts_for(response: InstrumentResponse, moment: Moment) -> bool:
    if response.moment:
        return response.moment == moment.key
    day = response.completed_at.date() if response.completed_at else None
    return day is not None and moment.due <= day <= moment.window_end


def schedule_states(episode: Episode, today: dt.date) -> tuple[MomentState, ...]:
    """Every moment of the episode with its state on `today`."""
    responses = list(episode.responses.all())
    completed = [r for r in responses if r.status == ResponseStatus.COMPLETED]
    states = []
    for moment in moments_of(episode):
        done = all(
            any(r.instrument == code and _counts_for(r, moment) for r in completed) for code in moment.instruments
        )
        if done:
            state = "done"
        elif moment.due > today:
            state = "upcoming"
        else:
            state = "overdue" if moment.overdue(today) else "due"
        mine = tuple(r for r in responses if r.moment == moment.key)
        states.append(MomentState(moment, state, mine))
    return tuple(states)


def missing_requests(episode: Episode, today: dt.date) -> list[tuple[str, str]]:
    """(moment key, instrument) pairs that are due and have neither a response nor an open request yet."""
    states = schedule_states(episode, today)
    existing = {(r.moment, r.instrument) for r in episode.responses.all()}
    completed = [r for r in episode.responses.all() if r.status == ResponseStatus.COMPLETED]
    wanted = []
    for item in states:
        if item.state not in ("due", "overdue"):
            continue
        for code in item.moment.instruments:
            if (item.moment.key, code) in existing or any(
                r.instrument == code and _counts_for(r, item.moment) for r in completed
            ):
                continue
            wanted.append((item.moment.key, code))
    return wanted


def next_evaluation(episode: Episode, today: dt.date) -> dt.date | None:
    """The due date of the first moment after the intake that is not done (None when all are done)."""
    for item in schedule_states(episode, today):
        if item.state != "done" and item.moment.key != "intake":
            return item.moment.due
    return None


def series_of(episode: Episode) -> tuple[Series, ...]:
    by_code: dict[str, list[tuple[dt.date, float]]] = {}
    for response in _completed(episode):
        if response.score is not None and response.completed_at is not None:
            by_code.setdefault(response.instrument, []).append((response.completed_at.date(), response.score))
    return tuple(Series(code, tuple(points)) for code, points in by_code.items())


def evaluate(episode: Episode, today: dt.date) -> Evaluation:
    """Per instrument with an MCID rule: baseline (first) to latest; the decision rule; GPE when present."""
    rules = load_change_rules()
    series = series_of(episode)
    changes = []
    for item in series:
        rule = rules.get(item.instrument)
        if rule is None:
            continue
        baseline = item.points[0][1]
        follow_up = item.points[-1][1] if len(item.points) > 1 else None
        changes.append(change(rule, baseline, follow_up))
    case = case_of(episode)
    clock_field, clock_start = decision_clock(episode)
    weeks = round(max((today - clock_start).days, 0) / 7, 1)
    required = dict.fromkeys(
        code for moment in moments_of(episode) if moment.key != "intake" for code in moment.instruments if code in rules
    )
    decision = decide(
        load_decision_rules(),
        case.region,
        case.profile,
        case.radicular,
        weeks,
        changes,
        case.red_flag_now,
        required=[rules[code] for code in required],
    )
    gpe_points = next((s.points for s in series if s.instrument == load_global_rating().instrument), ())
    gpe = global_effect(load_global_rating(), int(gpe_points[-1][1])) if gpe_points else None
    return Evaluation(tuple(changes), decision, weeks, gpe, series, clock_field, clock_start)


def education_for(episode: Episode) -> tuple[EducationModule, ...]:
    case = case_of(episode)
    return modules_for(load_education(), case.region, case.profile, case.radicular)


def education_module(module_id: str) -> EducationModule | None:
    return load_education().get(module_id)
