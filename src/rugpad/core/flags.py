"""The life cycle of a red flag, from the moment a sign raises it until a doctor has assessed it.

    raised ──action──▶ acted ──assessment──▶ excluded   (serious pathology ruled out: the pathway resumes)
      │                  │   └─────────────▶ confirmed  (the episode is referred and closes for rugpad care)
      └──────────────────┴──withdrawn──────▶ withdrawn  (raised in error, e.g. a sign ticked by mistake)

A flag is raised by the clinician's records (screening, examination, intake), a diary answer or a message. Every
transition needs a note; an assessment needs an action first (somebody must have been asked to assess) and names
who assessed. A closed flag stays closed: a new sign raises a new flag (facts §2.1a: "a new sign raises a new
flag"; KNGF 2021 B.1.3: suspicion or doubt → contact the GP). Nothing here knows about storage: the web app keeps
the flags and their events, this module decides what they mean.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from rugpad.core.errors import InvalidInput
from rugpad.core.vocab import Urgency

__all__ = [
    "Firing",
    "FlagEvent",
    "FlagEventKind",
    "FlagOrigin",
    "FlagRecord",
    "FlagStage",
    "check_event",
    "flags_to_raise",
    "next_stage",
    "stage_after",
]


class FlagStage(StrEnum):
    RAISED = "raised"
    ACTED = "acted"
    EXCLUDED = "excluded"
    CONFIRMED = "confirmed"
    WITHDRAWN = "withdrawn"

    @property
    def is_open(self) -> bool:
        """Open flags stop the pathway until somebody has assessed them."""
        return self in (FlagStage.RAISED, FlagStage.ACTED)


class FlagOrigin(StrEnum):
    RECORD = "record"
    """The clinician's records of the episode: screening, examination, intake."""
    DIARY = "diary"
    MESSAGE = "message"


class FlagEventKind(StrEnum):
    ACTION = "action"
    """What was done: who was contacted or referred to, when, with a note."""
    EXCLUDED = "excluded"
    """The GP or specialist ruled the serious pathology out."""
    CONFIRMED = "confirmed"
    """The GP or specialist confirmed it (or could not rule it out): referred, out of rugpad's care."""
    WITHDRAWN = "withdrawn"
    """Raised in error (a sign recorded by mistake), with the clinician's note."""


ASSESSMENTS = frozenset({FlagEventKind.EXCLUDED, FlagEventKind.CONFIRMED})

_NEXT: dict[tuple[FlagStage, FlagEventKind], FlagStage] = {
    (FlagStage.RAISED, FlagEventKind.ACTION): FlagStage.ACTED,
    (FlagStage.ACTED, FlagEventKind.ACTION): FlagStage.ACTED,
    (FlagStage.ACTED, FlagEventKind.EXCLUDED): FlagStage.EXCLUDED,
    (FlagStage.ACTED, FlagEventKind.CONFIRMED): FlagStage.CONFIRMED,
    (FlagStage.RAISED, FlagEventKind.WITHDRAWN): FlagStage.WITHDRAWN,
    (FlagStage.ACTED, FlagEventKind.WITHDRAWN): FlagStage.WITHDRAWN,
}


@dataclass(frozen=True, slots=True)
class FlagEvent:
    kind: FlagEventKind
    at: dt.datetime
    note: str
    counterpart: str = ""
    """Action: to whom the patient was referred or who was contacted; assessment: who assessed (GP, specialist)."""
    recorded_by: str = ""


@dataclass(frozen=True, slots=True)
class FlagRecord:
    """A red flag as kept by the app: which rule raised it, from where, on which signs, and what happened since."""

    key: str
    rule_id: str
    origin: FlagOrigin
    urgency: Urgency
    signs: frozenset[str]
    raised_at: dt.datetime
    events: tuple[FlagEvent, ...] = ()

    @property
    def stage(self) -> FlagStage:
        return stage_after(self.events, self.origin)

    @property
    def is_open(self) -> bool:
        return self.stage.is_open


@dataclass(frozen=True, slots=True)
class Firing:
    """A red-flag rule that fires now, with the signs that made it fire and where they came from."""

    rule_id: str
    urgency: Urgency
    signs: frozenset[str]
    origin: FlagOrigin


def next_stage(stage: FlagStage, kind: FlagEventKind, origin: FlagOrigin = FlagOrigin.RECORD) -> FlagStage:
    """The stage after `kind`; InvalidInput naming the event when the life cycle does not allow it.

    A flag a patient raised (a diary answer, a message) is withdrawn only after somebody has spoken with them (an
    action): "ticked by mistake" is the patient's word, not a guess."""
    if kind is FlagEventKind.WITHDRAWN and stage is FlagStage.RAISED and origin is not FlagOrigin.RECORD:
        raise InvalidInput(
            "event", "a patient's report is withdrawn only after somebody spoke with them: record that action first"
        )
    try:
        return _NEXT[(stage, kind)]
    except KeyError:
        if not stage.is_open:
            raise InvalidInput(
                "event", f"the red flag is already closed ({stage}); a new sign raises a new flag"
            ) from None
        raise InvalidInput(
            "event", "record the action taken (who was contacted, when) before the doctor's assessment"
        ) from None


def stage_after(events: Iterable[FlagEvent], origin: FlagOrigin = FlagOrigin.RECORD) -> FlagStage:
    stage = FlagStage.RAISED
    for event in events:
        stage = next_stage(stage, event.kind, origin)
    return stage


MAX_NOTE = 2000
MAX_COUNTERPART = 200
CLOCK_SLACK = dt.timedelta(hours=1)
"""How far a step may be dated before the flag was raised or before the previous step (clocks and typed times
differ a little); a GP visit days before a diary alarm never assesses it."""


def check_event(flag: FlagRecord, event: FlagEvent, now: dt.datetime) -> FlagStage:
    """Validates one new step of `flag`'s life cycle; returns the stage it leads to."""
    if not event.note.strip():
        raise InvalidInput("note", "a note is required: what was done or decided, and why")
    if len(event.note) > MAX_NOTE:
        raise InvalidInput("note", f"at most {MAX_NOTE} characters")
    if len(event.counterpart) > MAX_COUNTERPART:
        raise InvalidInput("counterpart", f"at most {MAX_COUNTERPART} characters")
    if event.kind in ASSESSMENTS and not event.counterpart.strip():
        raise InvalidInput("counterpart", "name who assessed it (the GP or specialist)")
    if event.at > now:
        raise InvalidInput("at", "cannot be in the future")
    if event.at < flag.raised_at - CLOCK_SLACK:
        raise InvalidInput("at", "cannot be before the red flag was raised")
    if flag.events and event.at < flag.events[-1].at - CLOCK_SLACK:
        raise InvalidInput("at", "cannot be before the previous step of this red flag")
    return next_stage(flag.stage, event.kind, flag.origin)


def _covered(firing: Firing, recorded: Sequence[FlagRecord]) -> bool:
    same_rule = [flag for flag in recorded if flag.rule_id == firing.rule_id]
    if any(flag.is_open for flag in same_rule):
        return True  # an open flag of this rule already asks for action: a repeat adds nothing to do
    if firing.origin is not FlagOrigin.RECORD:
        return False  # a new diary answer or message after an assessment is a new report: a new flag
    # The clinician's records still show the signs a doctor assessed: that assessment stands. One sign more
    # (not among those assessed) is new information and raises a new flag.
    assessed = (FlagStage.EXCLUDED, FlagStage.CONFIRMED)
    return any(
        flag.stage in assessed and flag.origin is FlagOrigin.RECORD and firing.signs <= flag.signs for flag in same_rule
    )


def flags_to_raise(firing: Iterable[Firing], recorded: Sequence[FlagRecord]) -> tuple[Firing, ...]:
    """The firing rules that no recorded flag covers yet: each becomes a new flag, most urgent first."""
    by_rule: dict[str, Firing] = {}
    for f in firing:  # one new flag per rule, on all the signs that made it fire
        same = by_rule.get(f.rule_id)
        by_rule[f.rule_id] = f if same is None else Firing(f.rule_id, f.urgency, same.signs | f.signs, f.origin)
    new = [f for f in by_rule.values() if not _covered(f, recorded)]
    return tuple(sorted(new, key=lambda f: (f.urgency.rank, f.rule_id)))
