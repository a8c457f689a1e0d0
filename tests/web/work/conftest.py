"""The work module's test world: patient A (low back pain, screened without findings, an e-mail address) with an
intake about their work and a plan whose goals include one about work; helpers to fill in the check and set a
break routine as the patient does."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from rugpad.core.vocab import Lang
from rugpad.web.care import actions as care_actions
from rugpad.web.care.models import Intake
from rugpad.web.demo import SB_LOW, as_user
from rugpad.web.plans import actions as plan_actions
from rugpad.web.plans.clinical import propose
from tests.web.conftest import World, client_for

GOOD = {
    "work_kind": "desk",
    "chair": "yes",
    "desk_height": "yes",
    "screen_height": "eye_level",
    "screen_distance": "arm_length",
    "sitting_hours": "from_2_to_4",
    "breaks": "every_half_hour",
    "lifting": "no",
    "lifting_how": "no_lifting",
    "work_pressure": "low",
    "relations": "good",
    "satisfaction": "satisfied",
    "absence": "as_usual",
}
"""Answers that lead to no advice."""

DESK_WORKER = GOOD | {"screen_height": "lower", "sitting_hours": "over_6", "breaks": "rarely"}
"""A laptop flat on the table and long sitting without breaks: the screen and sitting advice."""

ROUTINE = {"days": ["0", "1", "2", "3", "4"], "start": "09:00", "end": "17:00", "every_minutes": "60", "active": "on"}


@pytest.fixture
def working(world: World) -> World:
    """Patient A with an e-mail address, an intake about their work (two weeks off) and the proposed plan accepted,
    whose goal (the intake's) is about work."""
    request = as_user(world.clinician)
    care_actions.do_record_response(request, world.episode, "startback", SB_LOW)
    care_actions.do_save_intake(
        request,
        Intake(
            episode=world.episode,
            complaint="Rugpijn na tillen.",
            help_request="Minder pijn.",
            goals="Weer volledig aan het werk als magazijnmedewerker.",
            work_load="Magazijn: tilt dozen tot 15 kg, veel bukken.",
            work_absence_weeks=2,
        ),
    )
    proposal = propose(world.episode, Lang.NL)
    plan_actions.do_save_version(request, world.episode, proposal.specs, change="proposal accepted")
    world.patient_user.email = "pat@example.org"
    world.patient_user.save()
    return world


def fill_check(client: Client, answers: dict[str, str], url: str | None = None) -> Any:
    return client.post(url or reverse("work_my_check"), answers)


def set_routine(client: Client, **changes: Any) -> Any:
    return client.post(reverse("work_my_breaks"), ROUTINE | changes)


def patient_client(world: World) -> Client:
    return client_for(world.patient_user)
