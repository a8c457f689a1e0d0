"""Prevention at work: the workplace check a patient fills in, the advice rules that turn its answers into concrete
advice, the break routine's exercises, and the break times of a working day.

The questions, options, rules and exercises are content (``content/data/work/workplace_check.yaml``); this module
holds their shapes and the pure rules on them::

    answers {question id: option id} --check_answers--> the answers, each a known option (else InvalidInput)
    answers + region                 --advise-------->  the rules that apply, in content order; each names its
                                                        source and evidence, and says nothing when nothing applies
    BreakSchedule(days, start, end, every_minutes)
                                     --times(day)----->  10:00, 11:00, ... (the working day's breaks)
                                     --due(now)------->  the break whose time has come, or None
    region + condition tags          --break_routine-->  the break exercises offered, and those left out and why

A rule's condition is a list of clauses; it applies when any clause holds, and a clause holds when every question
it names was answered with one of its options (a question left unanswered never makes a rule apply).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from rugpad.core.errors import InvalidInput
from rugpad.core.exercises import Dose, Exercise, Suitability, allowed_for
from rugpad.core.text import Text
from rugpad.core.vocab import Evidence, Region

__all__ = [
    "BREAK_INTERVALS",
    "BREAK_WINDOW",
    "PHYSICIAN_PLACEHOLDER",
    "AdviceRule",
    "BreakItem",
    "BreakRoutine",
    "BreakSchedule",
    "Clause",
    "LeftOut",
    "WorkContent",
    "WorkOption",
    "WorkQuestion",
    "WorkTopic",
    "advise",
    "break_routine",
    "check_answers",
    "fold",
    "work_related",
]


class WorkTopic(StrEnum):
    """What part of the working day a question (and the advice it leads to) is about."""

    WORK = "work"
    DESK = "desk"
    SCREEN = "screen"
    SITTING = "sitting"
    LIFTING = "lifting"
    PRESSURE = "pressure"
    ABSENCE = "absence"


@dataclass(frozen=True, slots=True)
class WorkOption:
    id: str
    text: Text


@dataclass(frozen=True, slots=True)
class WorkQuestion:
    """One question of the check, answered by choosing one of its options."""

    id: str
    topic: WorkTopic
    text: Text
    options: tuple[WorkOption, ...]

    def option(self, option_id: str) -> WorkOption | None:
        return next((option for option in self.options if option.id == option_id), None)


@dataclass(frozen=True, slots=True)
class Clause:
    """Holds when every question named was answered with one of its options: ``{question id: option ids}``."""

    answers: Mapping[str, frozenset[str]]

    def holds(self, given: Mapping[str, str]) -> bool:
        return all(given.get(question) in options for question, options in self.answers.items())


PHYSICIAN_PLACEHOLDER = "physician"
"""The one placeholder an advice text may hold: ``{physician}``, the occupational physician as the practice's
country calls them (the country term `Term.OCCUPATIONAL_PHYSICIAN`: the Dutch bedrijfsarts, the Belgian
arbeidsgeneesheer / médecin du travail), without an article: the text gives it ("met de {physician}")."""


@dataclass(frozen=True, slots=True)
class AdviceRule:
    """From answers to concrete advice: `advice` is what the patient reads (and the occupational physician's report
    repeats), `reason` the fact behind it for the clinician."""

    id: str
    topic: WorkTopic
    regions: frozenset[Region]
    when: tuple[Clause, ...]
    advice: Text
    reason: Text
    source: str
    evidence: Evidence

    def applies(self, answers: Mapping[str, str], region: Region) -> bool:
        return region in self.regions and any(clause.holds(answers) for clause in self.when)

    def advice_for(self, physician: Text) -> Text:
        """The advice with the occupational physician named as the practice's country names them."""
        return self.advice.format(**{PHYSICIAN_PLACEHOLDER: physician})


@dataclass(frozen=True, slots=True)
class BreakItem:
    """An exercise of the library done during the breaks of a working day, with its own dose from the library."""

    exercise_id: str
    regions: frozenset[Region]
    source: str
    evidence: Evidence
    """For doing it at every break, which may be weaker than the exercise's own evidence."""


@dataclass(frozen=True, slots=True)
class WorkContent:
    questions: tuple[WorkQuestion, ...]
    rules: tuple[AdviceRule, ...]
    break_items: tuple[BreakItem, ...]
    break_move: Text
    """What every break asks, whatever the exercises: stand up and move for a moment."""
    break_move_source: str
    break_move_evidence: Evidence
    goal_words: tuple[str, ...]
    """Word beginnings, in every language and folded (see `work_related`), that mark a goal as one about work."""

    def question(self, question_id: str) -> WorkQuestion | None:
        return next((question for question in self.questions if question.id == question_id), None)


def check_answers(content: WorkContent, answers: Mapping[str, object]) -> dict[str, str]:
    """The answers, in the content's question order, each checked against its question's options; InvalidInput
    names the question of an unknown option or an unknown question. A question may be left unanswered."""
    known = {question.id for question in content.questions}
    for question_id in answers:
        if question_id not in known:
            raise InvalidInput(str(question_id), "is not a question of the workplace check")
    checked: dict[str, str] = {}
    for question in content.questions:
        value = answers.get(question.id)
        if value is None or value == "":
            continue
        if not isinstance(value, str) or question.option(value) is None:
            allowed = ", ".join(option.id for option in question.options)
            raise InvalidInput(question.id, f"{value!r} is not one of {allowed}")
        checked[question.id] = value
    return checked


def advise(content: WorkContent, answers: Mapping[str, str], region: Region | str) -> tuple[AdviceRule, ...]:
    """The advice rules these (checked) answers make apply for this region, in the content's order."""
    where = Region(region)
    return tuple(rule for rule in content.rules if rule.applies(answers, where))


# --- the break routine ------------------------------------------------------------------------------------------

BREAK_INTERVALS: tuple[int, ...] = (30, 45, 60, 90, 120)
"""Minutes between breaks a patient may choose. The choice is the patient's: no source consulted gives an
interval (see the source `work-break-frequency-unverified`)."""

BREAK_WINDOW = dt.timedelta(minutes=15)
"""A break reminder goes out at its time or, if the job did not run then, up to this much later; after that the
break has passed and is not reminded of. Shorter than the shortest interval, so one window never holds two
breaks."""


@dataclass(frozen=True, slots=True)
class BreakSchedule:
    """The working days (0 = Monday), the start and end of the working day, and the minutes between breaks. The
    breaks fall at start + every, start + 2 × every, … strictly before the end."""

    days: frozenset[int]
    start: dt.time
    end: dt.time
    every_minutes: int

    def __post_init__(self) -> None:
        if not self.days:
            raise InvalidInput("days", "choose at least one working day")
        if not self.days <= frozenset(range(7)):
            raise InvalidInput("days", f"{sorted(self.days)} are not days of the week (0 = Monday .. 6 = Sunday)")
        if self.every_minutes not in BREAK_INTERVALS:
            raise InvalidInput("every_minutes", f"{self.every_minutes} is not one of {list(BREAK_INTERVALS)}")
        if self.end <= self.start:
            raise InvalidInput("end", "the working day ends before it starts")
        if not self.times_of_day():
            raise InvalidInput("end", f"no break fits: the working day is shorter than {self.every_minutes} minutes")

    def times_of_day(self) -> tuple[dt.time, ...]:
        start = dt.datetime.combine(dt.date.min, self.start)
        end = dt.datetime.combine(dt.date.min, self.end)
        step = dt.timedelta(minutes=self.every_minutes)
        times = []
        moment = start + step
        while moment < end:
            times.append(moment.time())
            moment += step
        return tuple(times)

    def times(self, day: dt.date) -> tuple[dt.time, ...]:
        """The breaks of `day`: none on a day that is not a working day."""
        return self.times_of_day() if day.weekday() in self.days else ()

    def due(self, now: dt.datetime) -> dt.time | None:
        """The break whose time has come at `now`, a local wall-clock time: at it or less than `BREAK_WINDOW` after
        it."""
        clock = now.replace(tzinfo=None)
        for moment in self.times(clock.date()):
            at = dt.datetime.combine(clock.date(), moment)
            if at <= clock < at + BREAK_WINDOW:
                return moment
        return None


@dataclass(frozen=True, slots=True)
class LeftOut:
    """A break exercise not offered to this patient, and why: its suitability for their condition tags."""

    item: BreakItem
    exercise: Exercise
    suitability: Suitability


@dataclass(frozen=True, slots=True)
class BreakRoutine:
    offered: tuple[tuple[BreakItem, Exercise], ...]
    left_out: tuple[LeftOut, ...]

    @staticmethod
    def dose_at_breaks(exercise: Exercise, working_days: int) -> Dose:
        """The exercise's own dose from the library, done at every break of the working days instead of its own
        times a day."""
        return dataclasses.replace(exercise.dose, times_per_day=None, days_per_week=working_days)


def break_routine(
    content: WorkContent,
    library: Mapping[str, Exercise],
    region: Region | str,
    condition_tags: Iterable[str],
    confirmed: Iterable[str] = (),
) -> BreakRoutine:
    """The break exercises for a patient of `region`: every item of the region whose exercise suits their condition
    tags. An exercise that needs the therapist's check first (a caution) is offered only when `confirmed` names it
    (the therapist confirmed it in the treatment plan); a contra-indicated one never."""
    where = Region(region)
    tags = frozenset(condition_tags)
    checked = frozenset(confirmed)
    offered: list[tuple[BreakItem, Exercise]] = []
    left_out: list[LeftOut] = []
    for item in content.break_items:
        if where not in item.regions:
            continue
        exercise = library[item.exercise_id]
        suitability = allowed_for(exercise, tags)
        if suitability == "allowed" or (suitability == "caution" and exercise.id in checked):
            offered.append((item, exercise))
        else:
            left_out.append(LeftOut(item, exercise, suitability))
    return BreakRoutine(tuple(offered), tuple(left_out))


# --- goals about work ------------------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower case, accents dropped, every run of other characters one space, with a space at each end."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(c if c.isalnum() else " " for c in decomposed if not unicodedata.combining(c))
    return f" {' '.join(letters.split())} "


def work_related(content: WorkContent, text: str) -> bool:
    """Whether a goal's text is about work: one of its words begins with one of the content's work words ("werk"
    finds "werkdag", "travail" finds "travailler"). A suggestion the clinician confirms, not a clinical rule."""
    folded = fold(text)
    return any(f" {word}" in folded for word in content.goal_words)
