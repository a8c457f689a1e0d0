"""Invariants of every instrument's scoring, checked with generated answers."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from rugpad.content.instruments import load_instruments
from rugpad.core.instruments import InstrumentDefinition
from rugpad.core.scoring import score_answers, score_range

CODES = sorted(load_instruments())


@st.composite
def filled(draw: st.DrawFn, allow_missing: bool = True) -> tuple[InstrumentDefinition, dict[str, object]]:
    """An instrument and a valid set of answers, some possibly absent or null."""
    definition = load_instruments()[draw(st.sampled_from(CODES))]
    answers: dict[str, object] = {}
    for item in definition.items:
        values = [option.value for option in item.options] or list(range(item.minimum, item.maximum + 1))
        choice = draw(st.sampled_from(["value", "absent", "null"]) if allow_missing else st.just("value"))
        if choice == "value":
            answers[str(item.number)] = draw(st.sampled_from(values))
        elif choice == "null":
            answers[str(item.number)] = None
    return definition, answers


@settings(max_examples=400)
@given(filled())
def test_score_is_within_the_instrument_range(case: tuple[InstrumentDefinition, dict[str, object]]) -> None:
    definition, answers = case
    result = score_answers(definition, answers)
    low, high = score_range(definition)
    assert result.score is None or low <= result.score <= high
    if result.score is not None and definition.bands:
        assert result.band is not None


@settings(max_examples=400)
@given(filled(allow_missing=False), st.data())
def test_raising_one_answer_never_lowers_the_score(
    case: tuple[InstrumentDefinition, dict[str, object]], data: st.DataObject
) -> None:
    definition, answers = case
    assert definition.higher_is_worse
    item = definition.items[data.draw(st.integers(0, len(definition.items) - 1))]
    values = sorted(option.value for option in item.options) or list(range(item.minimum, item.maximum + 1))
    scores = [score_answers(definition, answers | {str(item.number): value}).score for value in values]
    numbers = [score for score in scores if score is not None]
    assert len(numbers) == len(scores)
    assert numbers == sorted(numbers)


@given(filled(), st.randoms(use_true_random=False))
def test_key_order_does_not_change_the_result(
    case: tuple[InstrumentDefinition, dict[str, object]], shuffler: random.Random
) -> None:
    definition, answers = case
    keys = list(answers)
    shuffler.shuffle(keys)
    assert score_answers(definition, {key: answers[key] for key in keys}) == score_answers(definition, answers)


@settings(max_examples=400)
@given(filled())
def test_missing_rule_decides_whether_a_score_is_given(case: tuple[InstrumentDefinition, dict[str, object]]) -> None:
    definition, answers = case
    result = score_answers(definition, answers)
    answered = sum(value is not None for value in answers.values())
    required = [item.number for item in definition.items if not item.optional]
    assert result.missing == tuple(number for number in required if answers.get(str(number)) is None)
    minimum = definition.scoring.min_answered
    expected_scored = not result.missing if minimum is None else answered >= minimum
    assert (result.score is not None) == expected_scored


@given(filled())
def test_absent_and_null_are_the_same(case: tuple[InstrumentDefinition, dict[str, object]]) -> None:
    definition, answers = case
    as_null = {str(item.number): answers.get(str(item.number)) for item in definition.items}
    assert score_answers(definition, as_null) == score_answers(definition, answers)
