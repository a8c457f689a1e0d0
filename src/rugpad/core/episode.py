"""One clinical state per episode, computed once from plain facts.

    EpisodeFacts --episode_state(facts, content)--> EpisodeState

Every page, gate, letter and API answer reads this state, so that "is a red flag open?", "may we make a plan?",
"may the patient exercise?", "which measurement is due?" and "what now?" have one answer each:

1. screening — not screened yet, or screened with the signs that were asked and found;
2. red flags — every flag of the episode (records, diary, messages) with its life-cycle stage (`core/flags.py`),
   plus the rules that fire now and no stored flag covers yet (`new_flags`: the app stores them);
3. triage — risk, profile, radicular, manipulation and recommendations, with the flags a doctor excluded no longer
   stopping the pathway;
4. the gate — whether the pathway may proceed: a plan, the guided session, manipulation (never before screening,
   never with an open flag, never in a closed episode), with the reasons in words;
5. evaluation — measurement moments and their states, change from baseline, the decision (none once closed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from rugpad.core.errors import InvalidInput
from rugpad.core.evaluation import (
    Change,
    ChangeRule,
    Decision,
    DecisionRule,
    GlobalEffect,
    GlobalRatingRule,
    change,
    decide,
    global_effect,
)
from rugpad.core.flags import Firing, FlagOrigin, FlagRecord, FlagStage, flags_to_raise
from rugpad.core.instruments import InstrumentDefinition
from rugpad.core.rules import RedFlag, Rulebook
from rugpad.core.schedule import Moment, Schedule, measurement_moments
from rugpad.core.text import Text, phrase
from rugpad.core.triage import TriageResult, parse_case, run_triage
from rugpad.core.vocab import Course, Evidence, Lang, ManipulationVerdict, Region, Sex, Urgency

__all__ = [
    "EpisodeContent",
    "EpisodeFacts",
    "EpisodeState",
    "FlagView",
    "Gate",
    "Measurement",
    "MomentState",
    "MomentStatus",
    "Screening",
    "episode_state",
]


@dataclass(frozen=True, slots=True)
class EpisodeContent:
    """The loaded content the state is computed with (the engine supplies it)."""

    rulebook: Rulebook
    startback: InstrumentDefinition
    schedule: Schedule
    change_rules: Mapping[str, ChangeRule]
    decision_rules: tuple[DecisionRule, ...]
    global_rating: GlobalRatingRule


@dataclass(frozen=True, slots=True)
class Screening:
    """The latest red-flag screening: the signs the checklist asked about and those found present."""

    asked: frozenset[str]
    present: frozenset[str]
    on: dt.date


@dataclass(frozen=True, slots=True)
class Measurement:
    """One completed questionnaire: its score and, when it was sent for one, the measurement moment's key."""

    instrument: str
    completed_on: dt.date
    score: float | None
    moment: str = ""


@dataclass(frozen=True, slots=True)
class EpisodeFacts:
    """Everything recorded about one episode, as plain values. None means "not known"."""

    region: Region
    today: dt.date
    started_on: dt.date
    onset_on: dt.date | None = None
    closed: bool = False
    age: int | None = None
    sex: Sex | None = None
    screening: Screening | None = None
    examination_signs: frozenset[str] = frozenset()
    examination_asked: frozenset[str] = frozenset()
    """The signs the examination tested for, positive or negative."""
    intake_signs: frozenset[str] = frozenset()
    """Signs from the history taking, e.g. long-term corticosteroids, anticoagulants."""
    course: Course | None = None
    psychosocial_dominant: bool | None = None
    work_absence_weeks: float | None = None
    startback: Mapping[str, object] | None = None
    profile_override: Mapping[str, str] | None = None
    measurements: tuple[Measurement, ...] = ()
    flags: tuple[FlagRecord, ...] = ()

    @property
    def recorded_signs(self) -> frozenset[str]:
        present = self.screening.present if self.screening else frozenset()
        return present | self.examination_signs | self.intake_signs

    def triage_payload(self) -> dict[str, object]:
        """The episode as one case in the CLI contract's format (validated by `parse_case`)."""
        payload: dict[str, object] = {"region": str(self.region), "signs": sorted(self.recorded_signs)}
        if self.age is not None:
            payload["age"] = self.age
        if self.sex is not None:
            payload["sex"] = str(self.sex)
        if self.onset_on is not None:
            payload["duration_weeks"] = round(max((self.today - self.onset_on).days, 0) / 7, 1)
        if self.course is not None:
            payload["course"] = str(self.course)
        if self.psychosocial_dominant is not None:
            payload["psychosocial_dominant"] = self.psychosocial_dominant
        if self.work_absence_weeks is not None:
            payload["work_absence_weeks"] = self.work_absence_weeks
        if self.startback is not None and self.region is Region.LOW_BACK:
            payload["startback"] = dict(self.startback)
        if self.profile_override is not None:
            payload["profile_override"] = dict(self.profile_override)
        return payload


@dataclass(frozen=True, slots=True)
class FlagView:
    """One red flag of the episode: what its rule says (name, action, source) and where it stands."""

    rule_id: str
    name: Text
    action: Text
    """For the clinician; a patient reads what the urgency means for them (`engine.patient_action`)."""
    source: str
    evidence: Evidence
    stops_pathway: bool
    stage: FlagStage
    origin: FlagOrigin
    urgency: Urgency
    record: FlagRecord | None
    """None for a rule that fires now and is not stored yet (the app stores it on its next write)."""

    @property
    def is_open(self) -> bool:
        return self.stage.is_open

    @property
    def stops(self) -> bool:
        """An open flag stops the pathway unless its rule says otherwise (e.g. axial spondyloarthritis)."""
        return self.is_open and self.stops_pathway


class MomentStatus(StrEnum):
    DONE = "done"
    DUE = "due"
    OVERDUE = "overdue"
    UPCOMING = "upcoming"
    MISSED = "missed"
    """Not measured before the episode closed."""


@dataclass(frozen=True, slots=True)
class MomentState:
    moment: Moment
    status: MomentStatus


_NOT_SCREENED = phrase("episode.not_screened")
_CLOSED = phrase("episode.closed")
_FOR_PATIENT_NOT_SCREENED = phrase("episode.for_patient.not_screened")
_FOR_PATIENT_FLAG = phrase("episode.for_patient.flag")
_FOR_PATIENT_CLOSED = phrase("episode.for_patient.closed")
_REFERRED = phrase("episode.referred")
_OPEN_FLAG = phrase("episode.open_flag")


@dataclass(frozen=True, slots=True)
class Gate:
    """May the care pathway proceed? One answer for the plan, the guided session and manipulation."""

    may_proceed: bool
    manipulation: ManipulationVerdict | None
    """None while nothing is screened or once the episode is closed (nothing to decide); contraindicated while a red
    flag is open."""
    reasons: tuple[Text, ...]
    """Why not, for the clinician (empty when it may proceed)."""
    for_patient: Text | None = None
    """Why not, in plain words for the patient (None when it may proceed)."""


@dataclass(frozen=True, slots=True)
class EpisodeState:
    facts: EpisodeFacts
    triage: TriageResult
    flags: tuple[FlagView, ...]
    new_flags: tuple[Firing, ...]
    gate: Gate
    moments: tuple[MomentState, ...]
    changes: tuple[Change, ...]
    decision: Decision | None
    """None before the red-flag screening and once the episode is closed or referred: nothing to decide."""
    weeks: float
    clock_from: str
    """Which date the decision's weeks count from: "onset_on" or "started_on"."""
    gpe: GlobalEffect | None
    not_asked: tuple[str, ...] = field(default=())
    """Signs of the region that neither the checklist nor the examination asked about (all when nothing was)."""

    @property
    def screened(self) -> bool:
        return self.facts.screening is not None

    @property
    def open_flags(self) -> tuple[FlagView, ...]:
        return tuple(flag for flag in self.flags if flag.is_open)

    @property
    def urgency(self) -> Urgency:
        """The most urgent open red flag; none when no flag is open."""
        return min((flag.urgency for flag in self.open_flags), key=lambda u: u.rank, default=Urgency.NONE)

    @property
    def referred(self) -> bool:
        return any(flag.stage is FlagStage.CONFIRMED for flag in self.flags)

    @property
    def closed(self) -> bool:
        return self.facts.closed or self.referred

    @property
    def end_measured(self) -> bool:
        """Whether the end-of-treatment measurement is done."""
        return any(m.moment.end_of_treatment and m.status is MomentStatus.DONE for m in self.moments)

    def check_discharge(self, reason: str) -> None:
        """Discharge closes the episode with its final evaluation: never while a red flag is open (closing would hide
        it), and with the end measurement or a recorded reason why there is none (e.g. the patient stopped coming).
        InvalidInput names `red_flags` or `reason` otherwise."""
        if self.closed:
            raise InvalidInput("episode", "is already closed")
        if self.open_flags:
            raise InvalidInput(
                "red_flags", "a red flag is open: record what was done and the doctor's assessment first"
            )
        if not self.end_measured and not reason.strip():
            raise InvalidInput("reason", "the end measurement is not done: record why the episode closes without it")

    def to_dict(self, lang: Lang = Lang.EN) -> dict[str, object]:
        """The state as JSON (`rugpad evaluate`)."""
        screening = self.facts.screening
        return {
            "screening": {
                "status": "screened" if screening else "not_screened",
                "on": screening.on.isoformat() if screening else None,
                "asked": sorted(screening.asked) if screening else [],
                "present": sorted(screening.present) if screening else [],
                "not_asked": list(self.not_asked),
            },
            "urgency": str(self.urgency),
            "red_flags": [
                {
                    "id": flag.rule_id,
                    "key": flag.record.key if flag.record else None,
                    "name": flag.name.get(lang),
                    "urgency": str(flag.urgency),
                    "stage": str(flag.stage),
                    "stops_pathway": flag.stops_pathway,
                    "origin": str(flag.origin),
                    "action": flag.action.get(lang),
                    "source": flag.source,
                    "evidence": str(flag.evidence),
                }
                for flag in self.flags
            ],
            "new_red_flags": [firing.rule_id for firing in self.new_flags],
            "pathway": {
                "may_proceed": self.gate.may_proceed,
                "plan": self.gate.may_proceed,
                "guided_session": self.gate.may_proceed,
                "manipulation": None if self.gate.manipulation is None else str(self.gate.manipulation),
                "reasons": [reason.get(lang) for reason in self.gate.reasons],
            },
            "closed": self.closed,
            "referred": self.referred,
            "risk": None if self.triage.risk is None else str(self.triage.risk),
            "profile": self.triage.profile,
            "radicular": self.triage.radicular,
            "triage": self.triage.to_dict(lang),
            "moments": [
                {
                    "key": item.moment.key,
                    "due": item.moment.due.isoformat(),
                    "window_end": item.moment.window_end.isoformat(),
                    "instruments": list(item.moment.instruments),
                    "status": str(item.status),
                }
                for item in self.moments
            ],
            "changes": [
                {
                    "instrument": c.instrument,
                    "baseline": c.baseline,
                    "follow_up": c.follow_up,
                    "points": c.points,
                    "percent": c.percent,
                    "direction": str(c.direction),
                    "clinically_important": c.clinically_important,
                    "source": c.source_id,
                    "evidence": str(c.evidence),
                }
                for c in self.changes
            ],
            "decision": None
            if self.decision is None
            else {
                "action": str(self.decision.action),
                "rule": self.decision.rule_id,
                "outcome": str(self.decision.outcome),
                "reason": self.decision.reason.get(lang),
                "source": self.decision.source_id,
                "evidence": str(self.decision.evidence),
                "missing": list(self.decision.missing),
            },
            "weeks": self.weeks,
            "weeks_counted_from": self.clock_from,
            "gpe": None if self.gpe is None else {"value": self.gpe.value, "success": self.gpe.success},
        }


# --- the computation ----------------------------------------------------------------------------------------------


def episode_state(facts: EpisodeFacts, content: EpisodeContent) -> EpisodeState:
    rulebook = content.rulebook
    case = parse_case(facts.triage_payload(), rulebook)
    firing_now = run_triage(case, rulebook, content.startback)
    record_firings = [
        Firing(flag.id, flag.urgency, flag.condition.signs & case.signs, FlagOrigin.RECORD)
        for flag in firing_now.red_flags
    ]
    new = flags_to_raise(record_firings, facts.flags)
    new_ids = {firing.rule_id for firing in new}
    open_ids = {flag.rule_id for flag in facts.flags if flag.is_open}
    # A rule that fires on the records but is neither open nor new is covered by an assessment: excluded or
    # confirmed on these very signs. It no longer stops the pathway (a confirmation closes the episode anyway).
    cleared = frozenset(f.rule_id for f in record_firings if f.rule_id not in new_ids | open_ids)
    # Every open flag counts in the triage like the case's own signs: one raised by a diary answer or a message, or
    # one whose signs the records no longer show (it stays open until it is dealt with).
    rules = {flag.id: flag for flag in rulebook.red_flags}
    elsewhere = tuple(rules[flag.rule_id] for flag in facts.flags if flag.is_open and flag.rule_id in rules)
    triage = (
        run_triage(case, rulebook, content.startback, cleared=cleared, raised_elsewhere=elsewhere)
        if cleared or elsewhere
        else firing_now
    )

    views = [
        _view(rules.get(record.rule_id), record.rule_id, record.stage, record.origin, record.urgency, record)
        for record in facts.flags
    ]
    views += [_view(rules[f.rule_id], f.rule_id, FlagStage.RAISED, f.origin, f.urgency, None) for f in new]
    views.sort(key=lambda v: (not v.is_open, v.urgency.rank, v.record.raised_at.isoformat() if v.record else ""))

    evaluation = _evaluation(facts, content, triage, any(v.stops for v in views))
    closed = facts.closed or any(v.stage is FlagStage.CONFIRMED for v in views)
    gate = _gate(facts, triage, views)
    asked = (facts.screening.asked if facts.screening else frozenset()) | facts.examination_asked
    region_signs = sorted(sign.id for sign in rulebook.signs.values() if facts.region in sign.regions)
    moments, changes, decision, weeks, clock_from, gpe = evaluation
    if closed or facts.screening is None:
        decision = None  # nothing to decide once closed, nor before the red flags are screened
    if closed:
        moments = tuple(
            MomentState(m.moment, MomentStatus.MISSED) if m.status is not MomentStatus.DONE else m for m in moments
        )
    return EpisodeState(
        facts=facts,
        triage=triage,
        flags=tuple(views),
        new_flags=new,
        gate=gate,
        moments=moments,
        changes=changes,
        decision=decision,
        weeks=weeks,
        clock_from=clock_from,
        gpe=gpe,
        not_asked=tuple(sign for sign in region_signs if sign not in asked),
    )


_RETIRED = phrase("episode.retired")


def _view(
    rule: RedFlag | None,
    rule_id: str,
    stage: FlagStage,
    origin: FlagOrigin,
    urgency: Urgency,
    record: FlagRecord | None,
) -> FlagView:
    if rule is None:  # a rule retired from the content since the flag was raised: still shown, never lost
        return FlagView(
            rule_id,
            Text.verbatim(rule_id),
            _RETIRED,
            "",
            Evidence.UNVERIFIED,
            True,
            stage,
            origin,
            urgency,
            record,
        )
    return FlagView(
        rule.id,
        rule.name,
        rule.action,
        rule.source,
        rule.evidence,
        rule.stops_pathway,
        stage,
        origin,
        urgency,
        record,
    )


def _gate(facts: EpisodeFacts, triage: TriageResult, flags: list[FlagView]) -> Gate:
    reasons: list[Text] = []
    referred = any(flag.stage is FlagStage.CONFIRMED for flag in flags)
    if referred:
        reasons.append(_REFERRED)
    elif facts.closed:
        reasons.append(_CLOSED)
    if facts.screening is None:
        reasons.append(_NOT_SCREENED)
    stopping = [flag for flag in flags if flag.stops]
    reasons += [_OPEN_FLAG.format(name=f.name) for f in stopping]
    manipulation: ManipulationVerdict | None
    if facts.screening is None or referred or facts.closed:
        manipulation = None  # not decided: nothing screened yet, or no care left to give
    elif stopping:
        manipulation = ManipulationVerdict.CONTRAINDICATED
    else:
        manipulation = triage.manipulation
    if referred or facts.closed:
        for_patient: Text | None = _FOR_PATIENT_CLOSED
    elif stopping:
        for_patient = _FOR_PATIENT_FLAG
    elif facts.screening is None:
        for_patient = _FOR_PATIENT_NOT_SCREENED
    else:
        for_patient = None
    return Gate(not reasons, manipulation, tuple(reasons), for_patient)


def _evaluation(
    facts: EpisodeFacts, content: EpisodeContent, triage: TriageResult, red_flag_open: bool
) -> tuple[tuple[MomentState, ...], tuple[Change, ...], Decision | None, float, str, GlobalEffect | None]:
    region, profile, radicular = facts.region, triage.profile, bool(triage.radicular)
    moments = measurement_moments(content.schedule, region, profile, radicular, facts.started_on)
    done_by = sorted(facts.measurements, key=lambda m: m.completed_on)
    states = tuple(MomentState(m, _moment_status(m, done_by, facts.today)) for m in moments)

    changes = []
    series: dict[str, list[Measurement]] = {}
    for measurement in done_by:
        if measurement.score is not None:
            series.setdefault(measurement.instrument, []).append(measurement)
    for code, points in series.items():
        rule = content.change_rules.get(code)
        if rule is not None:
            follow_up = points[-1].score if len(points) > 1 else None
            changes.append(change(rule, points[0].score, follow_up))
    clock_from, clock_start = ("onset_on", facts.onset_on) if facts.onset_on else ("started_on", facts.started_on)
    weeks = round(max((facts.today - clock_start).days, 0) / 7, 1)
    required = dict.fromkeys(
        code
        for moment in moments
        if moment.key != "intake"
        for code in moment.instruments
        if code in content.change_rules
    )
    decision = decide(
        content.decision_rules,
        region,
        profile,
        radicular,
        weeks,
        changes,
        red_flag_open,
        required=[content.change_rules[code] for code in required],
    )
    gpe_points = series.get(content.global_rating.instrument, [])
    last_gpe = gpe_points[-1].score if gpe_points else None
    gpe = global_effect(content.global_rating, int(last_gpe)) if last_gpe is not None else None
    return states, tuple(changes), decision, weeks, clock_from, gpe


def counts_for(measurement: Measurement, moment: Moment) -> bool:
    """A questionnaire counts for a moment when it was sent for it, or (filled in by the clinician, without a
    moment) completed within the moment's window."""
    if measurement.moment:
        return measurement.moment == moment.key
    return moment.due <= measurement.completed_on <= moment.window_end


def _moment_status(moment: Moment, measurements: list[Measurement], today: dt.date) -> MomentStatus:
    done = all(any(m.instrument == code and counts_for(m, moment) for m in measurements) for code in moment.instruments)
    if done:
        return MomentStatus.DONE
    if moment.due > today:
        return MomentStatus.UPCOMING
    return MomentStatus.OVERDUE if moment.overdue(today) else MomentStatus.DUE
