"""The clinician's anonymous participation figures: how many joined, how many were active this week and the sessions
done per week over eight weeks — counted over the group, never a name next to activity, and nothing at all for a
group smaller than the minimum."""

from __future__ import annotations

import datetime as dt
import uuid

from django.urls import reverse
from django.utils import timezone

from rugpad.web.groups.models import ExerciseGroup, GroupSession, Participant
from rugpad.web.groups.queries import FIGURE_WEEKS, MIN_GROUP_SIZE, figures
from rugpad.web.practice.models import Role, User
from tests.web.conftest import World, client_for


def _joined(group: ExerciseGroup, n: int, *, start: int = 0) -> list[Participant]:
    """n people who joined (their logins made directly: the join itself is tested in test_pages)."""
    people = []
    for i in range(start, start + n):
        user = User.objects.create_user(f"p{i}@example.nl", practice=group.practice, role=Role.PARTICIPANT)
        people.append(
            Participant.objects.create(
                group=group,
                name=f"Deelnemer{i}",
                email=f"p{i}@example.nl",
                user=user,
                expires_at=timezone.now(),
                joined_at=timezone.now(),
            )
        )
    return people


def _session(participant: Participant, day: dt.date, done: int = 2) -> None:
    GroupSession.objects.create(key=uuid.uuid4(), participant=participant, group=participant.group, day=day, done=done)


def test_a_group_below_the_minimum_shows_no_figure_only_how_many_joined(world: World, group: ExerciseGroup) -> None:
    today = timezone.localdate()
    people = _joined(group, MIN_GROUP_SIZE - 1)
    for person in people:
        _session(person, today)
    shown = figures(group, today)
    assert not shown.shown and shown.joined == MIN_GROUP_SIZE - 1 and shown.weeks == () and shown.active_this_week == 0
    body = client_for(world.clinician).get(reverse("groups_detail", args=[group.pk])).content.decode()
    assert 'id="figures-hidden"' in body and "data-figure" not in body


def test_figures_count_sessions_per_week_and_who_was_active_without_names(world: World, group: ExerciseGroup) -> None:
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    people = _joined(group, MIN_GROUP_SIZE + 1)
    _session(people[0], today)
    _session(people[0], monday)  # twice this week: one person, two sessions
    _session(people[1], monday)
    _session(people[2], monday, done=0)  # started, every exercise skipped: not a session done
    _session(people[3], monday - dt.timedelta(days=1))  # last Sunday: last week
    _session(people[4], monday - dt.timedelta(weeks=FIGURE_WEEKS))  # before the eight weeks
    Participant.objects.create(group=group, name="Nog niet", email="later@example.nl", expires_at=timezone.now())

    result = figures(group, today)
    assert result.shown and result.joined == MIN_GROUP_SIZE + 1 and result.invited == 1
    assert result.active_this_week == 2
    assert len(result.weeks) == FIGURE_WEEKS and result.weeks[-1].current and result.weeks[-1].monday == monday
    assert [w.sessions for w in result.weeks] == [0] * (FIGURE_WEEKS - 2) + [1, 3]

    body = client_for(world.clinician).get(reverse("groups_detail", args=[group.pk])).content.decode()
    figures_part = body[body.index('id="figures"') : body.index('aria-labelledby="programme-h"')]
    assert "2 van 6" in figures_part
    assert not any(person.name in figures_part for person in people)  # never a name next to activity
    roster = body[body.index('aria-labelledby="people-h"') :]
    assert "Deelnemer0" in roster and "sessie" not in roster.lower()  # the roster says who, never what they did


def test_another_groups_sessions_are_not_counted(world: World, group: ExerciseGroup) -> None:
    from rugpad.web.groups import actions

    other = actions.do_create_group(world.clinician, name="Tennisclub", kind="sports_club")
    today = timezone.localdate()
    mine = _joined(group, MIN_GROUP_SIZE)
    theirs = _joined(other, MIN_GROUP_SIZE, start=100)
    for person in theirs:
        _session(person, today)
    _session(mine[0], today)
    assert figures(group, today).weeks[-1].sessions == 1 and figures(other, today).weeks[-1].sessions == MIN_GROUP_SIZE
