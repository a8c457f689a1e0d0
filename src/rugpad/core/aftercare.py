"""Aftercare after discharge: the check-in moments, and the recurrence rule that reads a check-in against the
discharge.

    discharged_on + weeks after discharge (13 and 26 by default) --checkin_dates--> the check-in moments
    due dates + which are answered + today                      --checkin_statuses--> upcoming | due | answered |
                                                                                      missed | ended
    pain at discharge (the episode's last NPRS, or the clinician's entry) + one check-in's answers
                                                                --assess_checkin--> stable | watch | recurrence

A check-in asks three things (their words are content, ``content/data/aftercare/checkin.yaml``): pain now (0-10),
"are you limited in daily activities or work again?" and "has the complaint come back since?", and the patient may
tick any alarm sign of the diary. An alarm sign is a red flag's business (the portal judges it through the triage,
as in the diary); here it only keeps a check-in from ever reading as stable. The rules, most serious first; the
first that applies decides, and every rule that applies is named:

    aftercare.alarm_sign      an alarm sign was ticked                                    -> recurrence
    aftercare.limited_again   limited in daily activities or work again                   -> recurrence
    aftercare.back_and_worse  the complaint came back and pain >= discharge + rise points  -> recurrence
    aftercare.pain_rise       pain >= discharge + rise points, not said to have come back  -> watch
    aftercare.came_back       the complaint came back, pain not risen that far             -> watch
    aftercare.stable          none of these                                                -> stable

Only a recurrence asks the practice to act (invite the patient for a new episode); watch and stable never alarm.
The rise in points is the content's (`AftercareSettings.pain_rise_points`, with its source and evidence there);
without a pain score at discharge the pain rules cannot apply and the answers alone decide. The date is always a
parameter: nothing here reads a clock.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise

from rugpad.core.episode import Measurement
from rugpad.core.errors import InvalidInput
from rugpad.core.text import Text
from rugpad.core.vocab import Evidence, Region

__all__ = [
    "ALARM_SIGN",
    "BACK_AND_WORSE",
    "CAME_BACK",
    "LIMITED_AGAIN",
    "MAX_CHECKINS",
    "MAX_WEEKS",
    "PAIN_INSTRUMENT",
    "PAIN_MAX",
    "PAIN_RISE",
    "QUESTION_IDS",
    "RULE_ORDER",
    "STABLE",
    "AftercareContent",
    "AftercareRule",
    "AftercareSettings",
    "AftercareStatus",
    "CheckinAnswers",
    "CheckinQuestion",
    "CheckinStatus",
    "CheckinVerdict",
    "ComeBackPoint",
    "assess_checkin",
    "checkin_dates",
    "checkin_statuses",
    "discharge_pain",
    "parse_checkin_weeks",
]

PAIN_MAX = 10
"""NRS pain runs 0..10 (facts file 3.5)."""
PAIN_INSTRUMENT = "nprs"
"""The instrument whose last score of the episode is the pain at discharge."""
MAX_WEEKS = 104
"""The latest check-in: two years after discharge. An input bound (a later number is a typo), not a clinical rule."""
MAX_CHECKINS = 6
"""At most this many check-in moments: a short list a patient can keep track of (an input bound)."""


class AftercareStatus(StrEnum):
    """What one check-in means for the practice. Only a recurrence asks them to act."""

    STABLE = "stable"
    WATCH = "watch"
    RECURRENCE = "recurrence"


class CheckinStatus(StrEnum):
    """Where one check-in moment stands on a day."""

    UPCOMING = "upcoming"
    DUE = "due"
    """Its day has come and no later moment's has: the patient is asked now."""
    ANSWERED = "answered"
    MISSED = "missed"
    """Not answered, and a later moment has fallen due since: that one is asked instead."""
    ENDED = "ended"
    """Not answered, and no longer asked: a newer episode of care has started since this discharge."""


ALARM_SIGN = "aftercare.alarm_sign"
LIMITED_AGAIN = "aftercare.limited_again"
BACK_AND_WORSE = "aftercare.back_and_worse"
PAIN_RISE = "aftercare.pain_rise"
CAME_BACK = "aftercare.came_back"
STABLE = "aftercare.stable"

RULE_ORDER: tuple[tuple[str, AftercareStatus], ...] = (
    (ALARM_SIGN, AftercareStatus.RECURRENCE),
    (LIMITED_AGAIN, AftercareStatus.RECURRENCE),
    (BACK_AND_WORSE, AftercareStatus.RECURRENCE),
    (PAIN_RISE, AftercareStatus.WATCH),
    (CAME_BACK, AftercareStatus.WATCH),
    (STABLE, AftercareStatus.STABLE),
)
"""Every rule with the status it gives, most serious first (the content must word each one)."""

QUESTION_IDS = ("pain", "limited_again", "came_back")
"""The check-in's questions, in the order asked; the content words each one per region."""


@dataclass(frozen=True, slots=True)
class AftercareSettings:
    """The numbers of aftercare; the content file gives them with their sources."""

    pain_rise_points: int = 2
    """A pain score this many points above the one at discharge counts as worse."""
    default_weeks: tuple[int, ...] = (13, 26)
    """The check-in moments a clinician is offered, in weeks after discharge (about 3 and 6 months)."""

    def __post_init__(self) -> None:
        if isinstance(self.pain_rise_points, bool) or not isinstance(self.pain_rise_points, int):
            raise InvalidInput("pain_rise_points", f"{self.pain_rise_points!r} is not a whole number")
        if not 1 <= self.pain_rise_points <= PAIN_MAX:
            raise InvalidInput("pain_rise_points", f"{self.pain_rise_points} is out of range 1..{PAIN_MAX}")
        _check_weeks("default_weeks", self.default_weeks)


@dataclass(frozen=True, slots=True)
class AftercareRule:
    """One rule's words for the clinician, with its source and evidence (the logic is `assess_checkin`)."""

    id: str
    status: AftercareStatus
    name: Text
    text: Text
    source: str
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class CheckinQuestion:
    """One question of the check-in, in the words of each region ("your back", "your neck")."""

    id: str
    text: Mapping[Region, Text]
    help: Text | None
    source: str
    evidence: Evidence

    def for_region(self, region: Region | str) -> Text:
        return self.text[Region(region)]


@dataclass(frozen=True, slots=True)
class ComeBackPoint:
    """One "come back if…" reason the patient reads after discharge."""

    text: Text
    regions: frozenset[Region]
    """The patients it is shown to, by the region of their episode."""
    source: str
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class AftercareContent:
    """Everything aftercare reads from the content file."""

    settings: AftercareSettings
    settings_source: str
    """The source of the rule's numbers (the pain rise)."""
    settings_evidence: Evidence
    weeks_source: str
    """The source of the default check-in moments."""
    weeks_evidence: Evidence
    title: Mapping[Region, Text]
    intro: Text
    questions: Mapping[str, CheckinQuestion]
    rules: Mapping[str, AftercareRule]
    action: Text
    """What the practice does about a recurrence (invite the patient for a new episode)."""
    action_source: str
    action_evidence: Evidence
    come_back_title: Text
    come_back: tuple[ComeBackPoint, ...]
    come_back_alarm: Text
    """The closing line: an alarm sign means contact now, never wait for a check-in."""
    for_patient: Mapping[AftercareStatus, Text]
    """What the patient reads after answering, per status."""

    def come_back_for(self, region: Region | str) -> tuple[ComeBackPoint, ...]:
        """The "come back if…" points for a patient whose episode was about `region`."""
        wanted = Region(region)
        return tuple(point for point in self.come_back if wanted in point.regions)


@dataclass(frozen=True, slots=True)
class CheckinAnswers:
    """One check-in as the patient answered it."""

    pain: int
    limited_again: bool
    came_back: bool
    alarm_signs: int = 0
    """How many alarm signs were ticked (which ones is the red-flag triage's business)."""

    def __post_init__(self) -> None:
        _check_pain("pain", self.pain)
        for name in ("limited_again", "came_back"):
            if not isinstance(getattr(self, name), bool):
                raise InvalidInput(name, f"{getattr(self, name)!r} is not yes or no")
        if isinstance(self.alarm_signs, bool) or not isinstance(self.alarm_signs, int) or self.alarm_signs < 0:
            raise InvalidInput("alarm_signs", f"{self.alarm_signs!r} is not a count")


@dataclass(frozen=True, slots=True)
class CheckinVerdict:
    status: AftercareStatus
    rule_id: str
    """The rule that decided (the first of `RULE_ORDER` that applies)."""
    applied: tuple[str, ...]
    """Every rule that applies, in `RULE_ORDER` (the deciding one first); just the stable rule when none does."""
    pain_change: int | None
    """Pain now minus pain at discharge (positive: worse); None without a pain score at discharge."""


def assess_checkin(baseline_pain: int | None, answers: CheckinAnswers, settings: AftercareSettings) -> CheckinVerdict:
    """Stable, watch or recurrence for one check-in against the pain at discharge (see the module's table)."""
    if baseline_pain is not None:
        _check_pain("baseline_pain", baseline_pain)
    change = None if baseline_pain is None else answers.pain - baseline_pain
    worse = change is not None and change >= settings.pain_rise_points
    applies = {
        ALARM_SIGN: answers.alarm_signs > 0,
        LIMITED_AGAIN: answers.limited_again,
        BACK_AND_WORSE: answers.came_back and worse,
        PAIN_RISE: worse and not answers.came_back,
        CAME_BACK: answers.came_back and not worse,
    }
    applied = tuple(rule for rule, _status in RULE_ORDER if applies.get(rule, False)) or (STABLE,)
    status = dict(RULE_ORDER)[applied[0]]
    return CheckinVerdict(status, applied[0], applied, change)


def checkin_dates(discharged_on: dt.date, weeks: Sequence[int]) -> tuple[dt.date, ...]:
    """The day of each check-in moment: `weeks` whole weeks after discharge (checked as `parse_checkin_weeks`)."""
    _check_weeks("weeks", weeks)
    return tuple(discharged_on + dt.timedelta(weeks=w) for w in weeks)


def checkin_statuses(
    due_dates: Sequence[dt.date], answered: Sequence[bool], today: dt.date, *, ended: bool = False
) -> tuple[CheckinStatus, ...]:
    """Each moment's status on `today`; `due_dates` in order, `answered` beside them. The patient is asked one
    check-in at a time: the latest whose day has come. An earlier one left unanswered by then is missed, never
    asked on top of it (two at once would ask the same questions twice). Once a newer episode has started
    (`ended`), the aftercare of this discharge is over: nothing unanswered is asked any more."""
    if len(due_dates) != len(answered):
        raise InvalidInput("answered", "needs one entry per check-in moment")
    if any(later < earlier for earlier, later in pairwise(due_dates)):
        raise InvalidInput("due_dates", "must be in order")
    latest_due = max((i for i, day in enumerate(due_dates) if day <= today), default=None)
    statuses = []
    for index, (day, done) in enumerate(zip(due_dates, answered, strict=True)):
        if done:
            statuses.append(CheckinStatus.ANSWERED)
        elif ended:
            statuses.append(CheckinStatus.ENDED)
        elif day > today:
            statuses.append(CheckinStatus.UPCOMING)
        elif index == latest_due:
            statuses.append(CheckinStatus.DUE)
        else:
            statuses.append(CheckinStatus.MISSED)
    return tuple(statuses)


def discharge_pain(measurements: Iterable[Measurement]) -> int | None:
    """The pain at discharge: the episode's last NPRS score (the latest completed; of one day, the last listed),
    rounded to a whole point; None when the episode has none."""
    last: Measurement | None = None
    for measurement in measurements:
        if measurement.instrument != PAIN_INSTRUMENT or measurement.score is None:
            continue
        if last is None or measurement.completed_on >= last.completed_on:
            last = measurement
    if last is None or last.score is None:
        return None
    return max(0, min(PAIN_MAX, int(last.score + 0.5)))  # half up: 2.5 is 3, as a person rounds


_WEEKS_SEPARATOR = re.compile(r"[\s,;]+")
_DIGITS = re.compile(r"[0-9]{1,3}")


def parse_checkin_weeks(raw: str) -> tuple[int, ...]:
    """Check-in moments as typed: whole weeks after discharge, separated by commas or spaces ("6, 12, 26"), in
    ASCII digits; returned in order. InvalidInput("weeks", …) for anything else, none, a repeat, more than
    `MAX_CHECKINS` or a week outside 1..`MAX_WEEKS`."""
    parts = [part for part in _WEEKS_SEPARATOR.split(raw.strip()) if part]
    if not parts:
        raise InvalidInput("weeks", "name at least one week")
    for part in parts:
        if not _DIGITS.fullmatch(part):
            raise InvalidInput("weeks", f"{part[:10]!r} is not a whole number of weeks written with the digits 0-9")
    weeks = tuple(sorted(int(part) for part in parts))
    _check_weeks("weeks", weeks)
    return weeks


def _check_weeks(field: str, weeks: Sequence[int]) -> None:
    if not weeks:
        raise InvalidInput(field, "name at least one week")
    if len(weeks) > MAX_CHECKINS:
        raise InvalidInput(field, f"at most {MAX_CHECKINS} check-in moments")
    for week in weeks:
        if isinstance(week, bool) or not isinstance(week, int) or not 1 <= week <= MAX_WEEKS:
            raise InvalidInput(field, f"{week!r} is not a week from 1 to {MAX_WEEKS}")
    if any(later <= earlier for earlier, later in pairwise(weeks)):
        raise InvalidInput(field, "each week once, in order")


def _check_pain(field: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= PAIN_MAX:
        raise InvalidInput(field, f"{value!r} is not a pain score from 0 to {PAIN_MAX}")
