"""An episode's facts from JSON (the input of `rugpad evaluate`), validated by declaration.

The shapes below say what each field may hold; pydantic checks them and `parse_facts` turns the first problem into
the core's `InvalidInput`, naming the field by its path (e.g. ``flags[0].events[1].kind``). Sign ids are checked
against the rulebook, as in the triage.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator

from rugpad.core.bounds import CLINICAL_DATE, EARLIEST_DATE, LABEL, LINE, NOTE, TextBound
from rugpad.core.episode import EpisodeFacts, Measurement, Screening
from rugpad.core.errors import InvalidInput
from rugpad.core.flags import ASSESSMENTS, FlagEvent, FlagEventKind, FlagOrigin, FlagRecord, stage_after
from rugpad.core.rules import Rulebook
from rugpad.core.triage import MAX_AGE, MAX_WEEKS
from rugpad.core.vocab import Course, Region, Sex, Urgency

__all__ = ["parse_facts"]

EARLIEST = EARLIEST_DATE
LATEST = dt.date(2200, 12, 31)
"""The widest `today` a file may name (a worked example may lie in the future); every other date of the facts must
also fall in the core's clinical window around that today (`bounds.CLINICAL_DATE`)."""


def _plain(bound: TextBound) -> AfterValidator:
    """No control character the kind of text may not hold (a NUL byte, an escape; a newline in one line)."""

    def check(value: str) -> str:
        bad = bound.bad_character(value)
        if bad is not None:
            raise ValueError(f"contains the control character U+{ord(bad):04X}")
        return value

    return AfterValidator(check)


Note = Annotated[str, StringConstraints(max_length=NOTE.max_length), _plain(NOTE)]
ShortText = Annotated[str, StringConstraints(max_length=LINE.max_length), _plain(LINE)]
Label = Annotated[str, StringConstraints(max_length=LABEL.max_length), _plain(LABEL)]
Id = Annotated[str, StringConstraints(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_.:-]+$")]


class _Shape(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


def _date_in_range(value: dt.date) -> dt.date:
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"must be between {EARLIEST.isoformat()} and {LATEST.isoformat()}")
    return value


class _Screening(_Shape):
    on: dt.date
    asked: list[Id]
    present: list[Id] = []

    _on = field_validator("on")(_date_in_range)


class _Measurement(_Shape):
    instrument: Id
    completed_on: dt.date
    score: float | None = Field(default=None, allow_inf_nan=False)
    moment: Label = ""

    _day = field_validator("completed_on")(_date_in_range)


class _Event(_Shape):
    kind: FlagEventKind
    at: dt.datetime
    note: Note
    counterpart: ShortText = ""
    recorded_by: ShortText = ""


class _Flag(_Shape):
    key: Id
    rule_id: Id
    origin: FlagOrigin
    urgency: Urgency
    signs: list[Id] = []
    raised_at: dt.datetime
    events: list[_Event] = []


class _Override(_Shape):
    profile: ShortText
    reason: Note


class _Facts(_Shape):
    region: Region
    today: dt.date
    started_on: dt.date
    onset_on: dt.date | None = None
    closed: bool = False
    age: Annotated[int, Field(ge=0, le=MAX_AGE)] | None = None
    sex: Sex | None = None
    screening: _Screening | None = None
    examination_signs: list[Id] = []
    examination_asked: list[Id] = []
    intake_signs: list[Id] = []
    course: Course | None = None
    psychosocial_dominant: bool | None = None
    work_absence_weeks: Annotated[float, Field(ge=0, le=MAX_WEEKS, allow_inf_nan=False)] | None = None
    startback: dict[Id, Any] | None = None
    profile_override: _Override | None = None
    measurements: list[_Measurement] = []
    flags: list[_Flag] = []

    _today = field_validator("today", "started_on")(_date_in_range)

    @field_validator("onset_on")
    @classmethod
    def _onset(cls, value: dt.date | None) -> dt.date | None:
        return None if value is None else _date_in_range(value)


def _path(location: tuple[int | str, ...]) -> str:
    path = ""
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "facts"


def parse_facts(payload: Mapping[str, object], rulebook: Rulebook) -> EpisodeFacts:
    if not isinstance(payload, Mapping):
        raise InvalidInput("facts", "must be a JSON object")
    try:
        shape = _Facts.model_validate(dict(payload))
    except ValidationError as error:
        first = error.errors()[0]
        raise InvalidInput(_path(tuple(first["loc"])), str(first["msg"]).lower()) from None
    _check_dates(shape)
    if shape.onset_on is not None and shape.onset_on > shape.today:
        raise InvalidInput("onset_on", "is after today")
    if shape.started_on > shape.today:
        raise InvalidInput("started_on", "is after today")
    _known_signs(rulebook, "screening.asked", shape.screening.asked if shape.screening else [])
    _known_signs(rulebook, "screening.present", shape.screening.present if shape.screening else [])
    _known_signs(rulebook, "examination_signs", shape.examination_signs)
    _known_signs(rulebook, "examination_asked", shape.examination_asked)
    _known_signs(rulebook, "intake_signs", shape.intake_signs)
    known_rules = {flag.id for flag in rulebook.red_flags}
    for index, flag in enumerate(shape.flags):
        if flag.rule_id not in known_rules:
            raise InvalidInput(f"flags[{index}].rule_id", f"unknown red-flag rule {flag.rule_id!r}")
        _known_signs(rulebook, f"flags[{index}].signs", flag.signs)
        for number, e in enumerate(flag.events):  # as `flags.check_event` asks of every step the app records
            if not e.note.strip():
                raise InvalidInput(f"flags[{index}].events[{number}].note", "a note is required")
            if e.kind in ASSESSMENTS and not e.counterpart.strip():
                raise InvalidInput(f"flags[{index}].events[{number}].counterpart", "name who assessed it")
        try:
            stage_after((FlagEvent(e.kind, e.at, e.note, e.counterpart) for e in flag.events), flag.origin)
        except InvalidInput as error:
            raise InvalidInput(f"flags[{index}].events", error.problem) from None
    return EpisodeFacts(
        region=shape.region,
        today=shape.today,
        started_on=shape.started_on,
        onset_on=shape.onset_on,
        closed=shape.closed,
        age=shape.age,
        sex=shape.sex,
        screening=None
        if shape.screening is None
        else Screening(
            frozenset(shape.screening.asked) | frozenset(shape.screening.present),
            frozenset(shape.screening.present),
            shape.screening.on,
        ),
        examination_signs=frozenset(shape.examination_signs),
        examination_asked=frozenset(shape.examination_asked) | frozenset(shape.examination_signs),
        intake_signs=frozenset(shape.intake_signs),
        course=shape.course,
        psychosocial_dominant=shape.psychosocial_dominant,
        work_absence_weeks=shape.work_absence_weeks,
        startback=shape.startback,
        profile_override=None
        if shape.profile_override is None
        else {"profile": shape.profile_override.profile, "reason": shape.profile_override.reason},
        measurements=tuple(Measurement(m.instrument, m.completed_on, m.score, m.moment) for m in shape.measurements),
        flags=tuple(
            FlagRecord(
                key=flag.key,
                rule_id=flag.rule_id,
                origin=flag.origin,
                urgency=flag.urgency,
                signs=frozenset(flag.signs),
                raised_at=flag.raised_at,
                events=tuple(FlagEvent(e.kind, e.at, e.note, e.counterpart, e.recorded_by) for e in flag.events),
            )
            for flag in shape.flags
        ),
    )


def _check_dates(shape: _Facts) -> None:
    """Every date and time of the facts within the clinical window around the facts' own today: a red-flag step
    in the year 1 or 9999 is a typo, and a BC timestamp cannot even be stored."""
    today = shape.today
    dated: list[tuple[str, dt.date | dt.datetime]] = [("started_on", shape.started_on)]
    if shape.onset_on is not None:
        dated.append(("onset_on", shape.onset_on))
    if shape.screening is not None:
        dated.append(("screening.on", shape.screening.on))
    dated += [(f"measurements[{i}].completed_on", m.completed_on) for i, m in enumerate(shape.measurements)]
    for index, flag in enumerate(shape.flags):
        dated.append((f"flags[{index}].raised_at", flag.raised_at))
        dated += [(f"flags[{index}].events[{n}].at", e.at) for n, e in enumerate(flag.events)]
    for field, value in dated:
        CLINICAL_DATE.check(field, value, today)


def _known_signs(rulebook: Rulebook, field: str, signs: list[str]) -> None:
    for index, sign in enumerate(signs):
        if sign not in rulebook.signs:
            raise InvalidInput(f"{field}[{index}]", f"unknown sign {sign!r}")
