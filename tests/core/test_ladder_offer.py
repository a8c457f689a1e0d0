"""The easier or harder rung an exercise's progression advice points to (`core.progression.ladder_offer`)."""

from __future__ import annotations

import dataclasses

import pytest

from rugpad import engine
from rugpad.core.progression import DOSE_AT_CAP, DOSE_STEP_UP, ProgressionAction, ProgressionAdvice, ladder_offer
from rugpad.core.text import Text
from rugpad.core.vocab import Evidence

LADDERED = next(e for e in engine.exercise_library().values() if e.progression and e.regression)


def _advice(action: ProgressionAction, rule_id: str) -> ProgressionAdvice:
    return ProgressionAdvice(action, rule_id, Text(nl="r", en="r"), "src", Evidence.UNVERIFIED)


def test_a_step_back_points_to_the_easier_rung() -> None:
    assert ladder_offer(LADDERED, _advice(ProgressionAction.REGRESS, "prog-pain-above")) == (
        "easier",
        LADDERED.regression,
    )


def test_a_dose_at_its_cap_points_to_the_harder_rung() -> None:
    assert ladder_offer(LADDERED, _advice(ProgressionAction.KEEP, DOSE_AT_CAP)) == ("harder", LADDERED.progression)


@pytest.mark.parametrize(
    ("action", "rule_id"), [(ProgressionAction.PROGRESS, DOSE_STEP_UP), (ProgressionAction.KEEP, "prog-pain-ok")]
)
def test_other_advice_offers_no_other_exercise(action: ProgressionAction, rule_id: str) -> None:
    assert ladder_offer(LADDERED, _advice(action, rule_id)) is None


def test_no_advice_or_the_end_of_the_ladder_offers_nothing() -> None:
    assert ladder_offer(LADDERED, None) is None
    top = dataclasses.replace(LADDERED, progression=None, regression=None)
    assert ladder_offer(top, _advice(ProgressionAction.KEEP, DOSE_AT_CAP)) is None
    assert ladder_offer(top, _advice(ProgressionAction.REGRESS, "prog-pain-above")) is None
    assert engine.ladder_offer(LADDERED, _advice(ProgressionAction.KEEP, DOSE_AT_CAP)) == (
        "harder",
        LADDERED.progression,
    )
