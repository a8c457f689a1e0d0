"""Patient A of the web tests discharged thirteen weeks ago, after a two-exercise plan with a pain score of 3 at the
end: their 13-week check-in is due today. Patient B (the other practice) is discharged too."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from rugpad.web.aftercare import actions
from rugpad.web.aftercare.models import AftercarePlan, CheckIn
from rugpad.web.care import actions as care_actions
from rugpad.web.care.models import Episode, InstrumentResponse
from rugpad.web.demo import as_user
from rugpad.web.outcomes import actions as outcomes_actions
from rugpad.web.practice.models import User
from tests.web.conftest import World, client_for
from tests.web.plans.conftest import planned

__all__ = ["After", "after", "answer", "planned"]

TODAY = timezone.localdate()
DISCHARGED = TODAY - dt.timedelta(weeks=13)


@dataclass
class After:
    world: World
    plan: AftercarePlan
    first: CheckIn
    """The 13-week check-in, due today."""
    second: CheckIn
    """The 26-week check-in, upcoming."""
    other_plan: AftercarePlan


def discharge(clinician: User, episode: Episode, pain: int | None) -> None:
    """Closes the episode through the outcomes action (the end measurement not done: a reason is recorded)."""
    request = as_user(clinician)
    # treated for eight weeks before the discharge (the shared world's episodes start on a fixed day)
    Episode.objects.filter(pk=episode.pk).update(started_on=DISCHARGED - dt.timedelta(weeks=8))
    episode.refresh_from_db()
    if pain is not None:
        response = care_actions.do_record_response(request, episode, "nprs", {"1": pain})
        when = timezone.make_aware(dt.datetime.combine(DISCHARGED, dt.time(10, 0)))
        InstrumentResponse.objects.filter(pk=response.pk).update(completed_at=when)
    outcomes_actions.do_discharge(
        request, episode, treatment="oefeningen", advice="", today=TODAY, reason="patiënt is hersteld"
    )


def set_up(clinician: User, episode: Episode, weeks: tuple[int, ...] = (13, 26)) -> AftercarePlan:
    episode.refresh_from_db()
    kept = [item.pk for item in actions.maintenance_candidates(episode)]
    return actions.do_save_aftercare(
        as_user(clinician),
        episode,
        discharged_on=DISCHARGED,
        baseline_pain=3,
        exercise_ids=kept[:1],
        advice="Blijf fietsen.",
        weeks=weeks,
    )


@pytest.fixture
def after(planned: World) -> After:
    world = planned
    discharge(world.clinician, world.episode, 3)
    discharge(world.other_clinician, world.other_episode, None)
    plan = set_up(world.clinician, world.episode)
    other = set_up(world.other_clinician, world.other_episode)
    first, second = plan.checkins.order_by("due_on")
    return After(world, plan, first, second, other)


def answer(client: Client, checkin: CheckIn, **fields: object) -> object:
    data = {"pain": "3", "limited_again": "no", "came_back": "no"} | {k: v for k, v in fields.items()}
    return client.post(f"/aftercare/me/checkins/{checkin.pk}/", data)


def nl(user: User | None) -> Client:
    client = client_for(user)
    client.cookies["django_language"] = "nl"
    return client
