"""A world with a startback-scored episode (so the engine decides a profile) and a helper to give it a plan."""

from __future__ import annotations

import pytest

from rugpad.web.care import actions as care_actions
from rugpad.web.demo import SB_LOW, as_user
from rugpad.web.plans import actions
from rugpad.web.plans.clinical import exercise_library
from rugpad.web.plans.models import PlanVersion
from tests.web.conftest import World


@pytest.fixture
def planned(world: World) -> World:
    """Both patients' episodes scored low-risk (profile 1), and patient A with a two-exercise plan."""
    for clinician, episode in ((world.clinician, world.episode), (world.other_clinician, world.other_episode)):
        care_actions.do_record_response(as_user(clinician), episode, "startback", SB_LOW)
    library = exercise_library()
    from rugpad.web.plans.clinical import clinician_exercise

    specs = [clinician_exercise(library[e], "allowed") for e in ("bridge", "cat-camel")]
    actions.do_save_version(as_user(world.clinician), world.episode, specs, change="test plan")
    return world


def current(world: World) -> PlanVersion:
    version = world.episode.treatment_plan.current()
    assert version is not None
    return version
