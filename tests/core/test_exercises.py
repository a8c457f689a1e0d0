"""The exercise model: dose validation and wording, suitability for condition tags, ladders."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rugpad.core.errors import InvalidInput
from rugpad.core.exercises import CONDITION_TAGS, Dose, DoseKind, Exercise, Purpose, allowed_for, ladder
from rugpad.core.text import Text
from rugpad.core.vocab import Evidence, Region

HOLD = Dose(DoseKind.HOLD, hold_seconds=20, repetitions=3, times_per_day=3)


def make(
    exercise_id: str, *, progression: str | None = None, regression: str | None = None, **changes: Any
) -> Exercise:
    exercise = Exercise(
        id=exercise_id,
        name=Text(nl=exercise_id, en=exercise_id),
        regions=frozenset({Region.LOW_BACK}),
        purpose=Purpose.MOBILITY,
        position=Text(nl="Lig.", en="Lie."),
        steps=(Text(nl="Beweeg.", en="Move."),),
        technique=(),
        dose=HOLD,
        progression=progression,
        regression=regression,
        cautions=frozenset(),
        contraindications=frozenset(),
        caution_text=None,
        illustration=f"{exercise_id}.svg",
        source_id="test",
        evidence=Evidence.UNVERIFIED,
    )
    return dataclasses.replace(exercise, **changes)


def test_hold_dose_reads_as_the_seed_protocol_in_dutch_and_english() -> None:
    assert HOLD.describe("nl") == "Houd 20 seconden vast, 3 herhalingen, 3 keer per dag"
    assert HOLD.describe("en") == "Hold for 20 seconds, 3 repetitions, 3 times a day"


def test_dutch_is_the_default_language_of_a_dose() -> None:
    assert HOLD.describe() == HOLD.describe("nl")


def test_reps_dose_names_sets_rest_sides_and_days_per_week() -> None:
    dose = Dose(DoseKind.REPS, repetitions=10, sets=2, rest_seconds=90, days_per_week=2, per_side=True)
    assert (
        dose.describe("nl") == "10 herhalingen per kant, 2 series, 90 seconden rust tussen de series, 2 dagen per week"
    )
    assert dose.describe("en") == "10 repetitions each side, 2 sets, 90 seconds rest between sets, 2 days a week"


def test_duration_dose_uses_singular_words_for_one() -> None:
    dose = Dose(DoseKind.DURATION, minutes=1, times_per_day=1, days_per_week=1)
    assert dose.describe("nl") == "1 minuut, 1 keer per dag, 1 dag per week"
    assert dose.describe("en") == "1 minute, once a day, 1 day a week"


def test_twice_a_day_is_written_as_a_word_in_english() -> None:
    dose = Dose(DoseKind.HOLD, hold_seconds=30, repetitions=1, times_per_day=2)
    assert dose.describe("en") == "Hold for 30 seconds, 1 repetition, twice a day"
    assert dose.describe("nl") == "Houd 30 seconden vast, 1 herhaling, 2 keer per dag"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": DoseKind.HOLD, "repetitions": 3, "times_per_day": 1}, "dose: hold_seconds"),
        ({"kind": DoseKind.REPS, "repetitions": 10, "days_per_week": 2}, "dose: sets"),
        ({"kind": DoseKind.DURATION, "times_per_day": 1}, "dose: minutes"),
        ({"kind": DoseKind.DURATION, "minutes": 10, "sets": 2, "times_per_day": 1}, "dose: sets"),
        (
            {"kind": DoseKind.HOLD, "hold_seconds": 5, "repetitions": 3, "rest_seconds": 30, "times_per_day": 1},
            "dose: rest_seconds",
        ),
        ({"kind": DoseKind.HOLD, "hold_seconds": 5, "repetitions": 3}, "dose"),
        ({"kind": DoseKind.HOLD, "hold_seconds": 0, "repetitions": 3, "times_per_day": 1}, "dose: hold_seconds"),
        ({"kind": DoseKind.DURATION, "minutes": 10, "days_per_week": 8}, "dose: days_per_week"),
        ({"kind": DoseKind.DURATION, "minutes": 10, "days_per_week": 3, "per_side": True}, "dose: per_side"),
    ],
)
def test_incomplete_or_mixed_dose_is_rejected_naming_the_field(fields: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        Dose(**fields)  # type: ignore[arg-type]
    assert caught.value.field == field


@given(
    kind=st.sampled_from(DoseKind),
    amount=st.integers(1, 600),
    times=st.one_of(st.none(), st.integers(1, 10)),
    days=st.integers(1, 7),
)
def test_every_valid_dose_is_described_with_its_numbers_in_both_languages(
    kind: DoseKind, amount: int, times: int | None, days: int
) -> None:
    amounts: dict[str, Any] = {
        DoseKind.HOLD: {"hold_seconds": amount, "repetitions": amount},
        DoseKind.REPS: {"repetitions": amount, "sets": amount},
        DoseKind.DURATION: {"minutes": amount},
    }[kind]
    dose = Dose(kind, times_per_day=times, days_per_week=days, **amounts)
    for lang in ("nl", "en"):
        text = dose.describe(lang)
        assert not text[0].islower()
        assert str(amount) in text
        assert f"{days} " in text


def test_exercise_without_matching_tags_is_allowed() -> None:
    exercise = make("a", cautions=frozenset({"osteoporosis"}), contraindications=frozenset({"recent_surgery"}))
    assert allowed_for(exercise, []) == "allowed"
    assert allowed_for(exercise, ["radicular"]) == "allowed"


def test_caution_tag_gives_caution_and_contraindication_tag_wins_over_it() -> None:
    exercise = make("a", cautions=frozenset({"osteoporosis"}), contraindications=frozenset({"recent_surgery"}))
    assert allowed_for(exercise, ["osteoporosis"]) == "caution"
    assert allowed_for(exercise, ["recent_surgery"]) == "contraindicated"
    assert allowed_for(exercise, {"osteoporosis", "recent_surgery"}) == "contraindicated"


_RANK = {"allowed": 0, "caution": 1, "contraindicated": 2}


@given(
    cautions=st.frozensets(st.sampled_from(sorted(CONDITION_TAGS))),
    contraindications=st.frozensets(st.sampled_from(sorted(CONDITION_TAGS))),
    patient=st.frozensets(st.sampled_from(sorted(CONDITION_TAGS))),
    extra=st.frozensets(st.sampled_from(sorted(CONDITION_TAGS))),
)
def test_more_patient_tags_never_make_an_exercise_more_suitable(
    cautions: frozenset[str], contraindications: frozenset[str], patient: frozenset[str], extra: frozenset[str]
) -> None:
    exercise = make("a", cautions=cautions - contraindications, contraindications=contraindications)
    assert _RANK[allowed_for(exercise, patient | extra)] >= _RANK[allowed_for(exercise, patient)]


LADDER = {
    "bridge": make("bridge", progression="single-leg-bridge"),
    "single-leg-bridge": make("single-leg-bridge", regression="bridge", progression="top"),
    "top": make("top", regression="single-leg-bridge"),
    "alone": make("alone"),
}


@pytest.mark.parametrize("start", ["bridge", "single-leg-bridge", "top"])
def test_ladder_is_the_same_chain_from_any_rung_easiest_first(start: str) -> None:
    assert [exercise.id for exercise in ladder(LADDER, start)] == ["bridge", "single-leg-bridge", "top"]


def test_exercise_without_links_is_a_ladder_of_one() -> None:
    assert ladder(LADDER, "alone") == (LADDER["alone"],)


def test_ladder_of_an_unknown_exercise_is_invalid_input() -> None:
    with pytest.raises(InvalidInput, match="unknown exercise 'nope'"):
        ladder(LADDER, "nope")


def test_ladder_that_loops_is_refused_instead_of_running_forever() -> None:
    loop = {"a": make("a", progression="b", regression="b"), "b": make("b", progression="a", regression="a")}
    with pytest.raises(InvalidInput, match="cycle"):
        ladder(loop, "a")


def test_ladder_link_to_a_missing_exercise_is_invalid_input() -> None:
    with pytest.raises(InvalidInput, match="unknown exercise 'gone'"):
        ladder({"a": make("a", progression="gone")}, "a")
