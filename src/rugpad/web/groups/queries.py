"""Read-only views of groups for the pages: the programme as clinicians and participants read it, the library for
a group, the practice's groups, and the anonymous participation figures. Callers have authorised."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from rugpad import engine
from rugpad.core.exercises import Dose, Exercise
from rugpad.core.vocab import Lang
from rugpad.web.groups.models import ExerciseGroup, GroupExercise, GroupSession, Participant
from rugpad.web.plans.clinical import Rung, exercise_library, ladder_of, search_library
from rugpad.web.plans.schedule import training_days

MIN_GROUP_SIZE = 5
"""The fewest joined participants a group needs before its figures are shown. rugpad's choice for anonymity, not a
clinical rule: in a smaller group "two were active this week" tells a colleague or a manager who knows the group
who exercised, which is health-related behaviour of an employee or member. The same size below which the practice
outcome dashboard hides a group. The figures are for the practice's clinicians only, never the employer or club."""

FIGURE_WEEKS = 8
"""Weeks of sessions the figures show, the current week included."""

GROUPS_PER_PAGE = 50


_SVG_TITLE = re.compile(r"<title\b[^>]*>.*?</title>", re.DOTALL)


def illustration(exercise_id: str) -> str:
    """The exercise's illustration without the file's own title. The pages print the exercise's name beside it in
    the reader's language and hide the picture from screen readers; the file's title is English and Dutch, which a
    browser would show as a tooltip on a French page."""
    return _SVG_TITLE.sub("", engine.illustration_svg(exercise_id), count=1)


@dataclass(frozen=True, slots=True)
class ProgrammeItem:
    """One exercise of a group's programme as the pages show it."""

    row: GroupExercise
    exercise: Exercise
    name: str
    dose: Dose
    dose_text: str
    position: str
    steps: tuple[str, ...]
    caution: str
    """The exercise's caution text, for an exercise kept with a caution (empty otherwise)."""
    svg: str
    days: tuple[int, ...]
    ladder: tuple[Rung, ...]


def programme(group: ExerciseGroup, lang: Lang) -> list[ProgrammeItem]:
    """The group's exercises in programme order (an exercise the library no longer has is left out)."""
    library = exercise_library()
    items = []
    for row in GroupExercise.objects.filter(group=group).order_by("position", "id"):
        exercise = library.get(row.exercise_id)
        if exercise is None:
            continue
        dose = row.dose()
        caution = exercise.caution_text.get(lang) if row.suitability == "caution" and exercise.caution_text else ""
        items.append(
            ProgrammeItem(
                row=row,
                exercise=exercise,
                name=exercise.name.get(lang),
                dose=dose,
                dose_text=dose.describe(lang),
                position=exercise.position.get(lang),
                steps=tuple(step.get(lang) for step in exercise.steps),
                caution=caution,
                svg=illustration(exercise.id),
                days=training_days(dose),
                ladder=ladder_of(exercise, lang),
            )
        )
    return items


def session_exercises(items: list[ProgrammeItem], today: dt.date, every_day: bool) -> list[dict[str, Any]]:
    """Today's exercises (or all of them) as plain data in the shape the plans app's session script reads."""
    return [session_data(item) for item in items if every_day or today.weekday() in item.days]


def session_data(item: ProgrammeItem) -> dict[str, Any]:
    dose = item.dose
    return {
        "item_id": item.row.pk,
        "exercise_id": item.exercise.id,
        "name": item.name,
        "position": item.position,
        "steps": list(item.steps),
        "dose_text": item.dose_text,
        "kind": dose.kind.value,
        "hold_seconds": dose.hold_seconds,
        "repetitions": dose.repetitions,
        "sets": dose.sets or 1,
        "rest_seconds": dose.rest_seconds,
        "minutes": dose.minutes,
        "per_side": dose.per_side,
    }


@dataclass(frozen=True, slots=True)
class LibraryResult:
    exercise: Exercise
    name: str
    svg: str
    dose_text: str
    suitability: str
    """`engine.group_suitability`: "allowed", "caution" or "contraindicated"."""
    tags: tuple[str, ...]
    """The condition tags behind a caution or contra-indication, for the clinician to read."""
    caution: str
    ladder: tuple[Rung, ...]
    in_programme: bool


def library(group: ExerciseGroup, criteria: dict[str, Any], lang: Lang) -> list[LibraryResult]:
    """The exercise library searched as the plan editor searches it, each exercise judged for a group."""
    present = set(GroupExercise.objects.filter(group=group).values_list("exercise_id", flat=True))
    results = []
    for exercise, _svg in search_library(
        criteria.get("region", ""), criteria.get("purpose", ""), criteria.get("q", ""), lang
    ):
        suitability = engine.group_suitability(exercise)
        tags = exercise.contraindications if suitability == "contraindicated" else exercise.cautions
        results.append(
            LibraryResult(
                exercise=exercise,
                name=exercise.name.get(lang),
                svg=illustration(exercise.id),
                dose_text=exercise.dose.describe(lang),
                suitability=suitability,
                tags=tuple(sorted(tags)),
                caution=exercise.caution_text.get(lang) if exercise.caution_text else "",
                ladder=ladder_of(exercise, lang),
                in_programme=exercise.id in present,
            )
        )
    return results


@dataclass(frozen=True, slots=True)
class GroupRow:
    group: ExerciseGroup
    joined: int
    invited: int
    exercises: int


def practice_groups(practice_id: int, page: int) -> tuple[list[GroupRow], bool]:
    """One page of the practice's groups by name, with how many joined, are invited and the programme's size; and
    whether another page follows. A fixed number of queries."""
    start = (page - 1) * GROUPS_PER_PAGE
    groups = list(
        ExerciseGroup.objects.filter(practice_id=practice_id).order_by("name", "id")[
            start : start + GROUPS_PER_PAGE + 1
        ]
    )
    more = len(groups) > GROUPS_PER_PAGE
    groups = groups[:GROUPS_PER_PAGE]
    people = dict(
        (row["group"], (row["joined"], row["invited"]))
        for row in Participant.objects.filter(group__in=groups)
        .values("group")
        .annotate(joined=Count("pk", filter=Q(joined_at__isnull=False)), invited=Count("pk", filter=Q(joined_at=None)))
    )
    sizes = dict(
        GroupExercise.objects.filter(group__in=groups).values("group").annotate(n=Count("pk")).values_list("group", "n")
    )
    rows = []
    for group in groups:
        joined, invited = people.get(group.pk, (0, 0))
        rows.append(GroupRow(group, joined, invited, sizes.get(group.pk, 0)))
    return rows, more


def roster(group: ExerciseGroup) -> QuerySet[Participant]:
    """The group's participants by name: who is enrolled and whether they joined; never what anybody did."""
    return (
        Participant.objects.filter(group=group)
        .only("pk", "group_id", "name", "email", "invited_at", "expires_at", "joined_at", "sends")
        .order_by("name", "id")
    )


@dataclass(frozen=True, slots=True)
class Week:
    monday: dt.date
    sessions: int
    current: bool


@dataclass(frozen=True, slots=True)
class Figures:
    """A group's participation, counted over everybody: no name is ever next to a number. `shown` is False (and
    every count but `joined` zero) while fewer than `MIN_GROUP_SIZE` have joined."""

    joined: int
    invited: int
    shown: bool
    minimum: int
    active_this_week: int = 0
    weeks: tuple[Week, ...] = ()

    @property
    def busiest(self) -> int:
        """The most sessions in one of the weeks (the bars' full length; at least 1)."""
        return max((week.sessions for week in self.weeks), default=0) or 1


def figures(group: ExerciseGroup, today: dt.date) -> Figures:
    """How many joined and are invited; from `MIN_GROUP_SIZE` joined on, how many did a session this week (Monday
    to Sunday) and the sessions done per week over the last `FIGURE_WEEKS` weeks. A session counts when at least
    one exercise of it was done (not skipped). Reads at most one row per day of the weeks shown."""
    counts = Participant.objects.filter(group=group).aggregate(
        joined=Count("pk", filter=Q(joined_at__isnull=False)), invited=Count("pk", filter=Q(joined_at=None))
    )
    joined, invited = counts["joined"], counts["invited"]
    if joined < MIN_GROUP_SIZE:
        return Figures(joined, invited, shown=False, minimum=MIN_GROUP_SIZE)
    this_monday = today - dt.timedelta(days=today.weekday())
    first_monday = this_monday - dt.timedelta(weeks=FIGURE_WEEKS - 1)
    done = GroupSession.objects.filter(group=group, done__gt=0, day__gte=first_monday, day__lte=today)
    per_day = done.order_by().values("day").annotate(n=Count("pk")).values_list("day", "n")
    per_week: dict[dt.date, int] = {}
    for day, n in per_day:
        monday = day - dt.timedelta(days=day.weekday())
        per_week[monday] = per_week.get(monday, 0) + n
    active = done.filter(day__gte=this_monday).order_by().values("participant").distinct().count()
    weeks = tuple(
        Week(monday, per_week.get(monday, 0), monday == this_monday)
        for monday in (first_monday + dt.timedelta(weeks=n) for n in range(FIGURE_WEEKS))
    )
    return Figures(joined, invited, shown=True, minimum=MIN_GROUP_SIZE, active_this_week=active, weeks=weeks)


def done_today(participant: Participant, today: dt.date) -> bool:
    """Whether the participant has done a session today (for their own page)."""
    return GroupSession.objects.filter(participant=participant, day=today, done__gt=0).exists()
