"""`check_addition`: what the clinician's editor allows, asks to confirm, or refuses."""

from __future__ import annotations

from datetime import date

import pytest

from rugpad import engine
from rugpad.core.errors import InvalidInput
from rugpad.core.plan import PlanContext
from rugpad.core.vocab import Lang, ManipulationVerdict, Region, Urgency


def context(
    region: Region = Region.LOW_BACK,
    verdict: ManipulationVerdict = ManipulationVerdict.ALLOWED,
    tags: frozenset[str] = frozenset(),
    urgency: Urgency = Urgency.NONE,
) -> PlanContext:
    return PlanContext(
        region=region,
        profile="2" if region is Region.LOW_BACK else "B",
        radicular=False,
        manipulation=verdict,
        urgency=urgency,
        tags=tags,
        causes=frozenset(),
        activities=(),
        goals=(),
        start=date(2025, 3, 3),
        settings=engine.plan_settings(),
    )


def test_adding_a_contraindicated_exercise_is_refused_with_the_reason():
    verdict = engine.check_plan_addition("barbell-deadlift", context(tags=frozenset({"osteoporosis"})))
    assert verdict.refused and not verdict.needs_confirmation
    assert verdict.reasons == (engine.exercise_library()["barbell-deadlift"].caution_text,)


def test_adding_a_caution_exercise_needs_confirmation():
    verdict = engine.check_plan_addition("standing-pelvic-stretch", context(tags=frozenset({"hernia_diagnosed"})))
    assert verdict.needs_confirmation and not verdict.refused
    assert verdict.source_id == "seed-003-standing-pelvic-stretch"


def test_adding_a_fitting_exercise_is_allowed_without_reasons():
    verdict = engine.check_plan_addition("bridge", context())
    assert verdict.suitability == "allowed" and verdict.reasons == ()


def test_an_exercise_for_another_region_needs_confirmation():
    verdict = engine.check_plan_addition("chin-nod-lying", context(Region.LOW_BACK))
    assert verdict.needs_confirmation
    assert "another region" in verdict.reasons[0].get(Lang.EN)


@pytest.mark.parametrize(
    ("verdict", "expected"),
    [
        (ManipulationVerdict.ALLOWED, "allowed"),
        (ManipulationVerdict.CAUTION, "caution"),
        (ManipulationVerdict.CONTRAINDICATED, "contraindicated"),
    ],
)
def test_adding_manipulation_follows_the_triage_verdict(verdict, expected):
    result = engine.check_plan_addition("spinal-manipulation", context(verdict=verdict))
    assert result.suitability == expected
    assert bool(result.reasons) is (expected != "allowed")


def test_soft_tissue_work_needs_confirmation_after_a_contraindication_to_manipulation():
    verdict = engine.check_plan_addition("soft-tissue-work", context(verdict=ManipulationVerdict.CONTRAINDICATED))
    assert verdict.needs_confirmation


def test_mobilisation_with_osteoporosis_needs_confirmation_even_if_manipulation_is_allowed():
    verdict = engine.check_plan_addition("spinal-mobilisation", context(tags=frozenset({"osteoporosis"})))
    assert verdict.needs_confirmation
    assert any("Osteoporosis" in reason.get(Lang.EN) for reason in verdict.reasons)


def test_a_referral_is_always_allowed():
    verdict = engine.check_plan_addition(
        "multidisciplinary-referral", context(verdict=ManipulationVerdict.CONTRAINDICATED)
    )
    assert verdict.suitability == "allowed"


def test_an_unknown_item_is_invalid_input():
    with pytest.raises(InvalidInput, match="unknown exercise or technique 'cupping'"):
        engine.check_plan_addition("cupping", context())


def test_nothing_can_be_added_while_a_red_flag_is_open():
    with pytest.raises(InvalidInput, match="red flag"):
        engine.check_plan_addition("bridge", context(urgency=Urgency.URGENT))
