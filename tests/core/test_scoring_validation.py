"""Bad answers are refused with an InvalidInput that names the instrument and the item."""

from __future__ import annotations

import pytest

from rugpad.content.instruments import load_instruments
from rugpad.core.errors import InvalidInput
from rugpad.core.scoring import score_answers


def odi_answers(**overrides: object) -> dict[str, object]:
    return {str(number): 1 for number in range(1, 11)} | overrides


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        (odi_answers(**{"4": 7}), "odi: item 4: 7 is out of range 0..5"),
        (odi_answers(**{"4": -1}), "odi: item 4: -1 is out of range 0..5"),
        (odi_answers(**{"4": True}), "odi: item 4: true is not a whole number"),
        (odi_answers(**{"4": 2.5}), "odi: item 4: 2.5 is not a whole number"),
        (odi_answers(**{"4": "3"}), 'odi: item 4: "3" is not a whole number'),
        (odi_answers(**{"11": 0}), "odi: item 11: unknown item; odi has items 1..10"),
        (odi_answers(**{"0": 0}), "odi: item 0: unknown item; odi has items 1..10"),
        (odi_answers(**{"04": 0}), "odi: item 04: not an item number; odi has items 1..10"),
        (odi_answers(**{"a": 0}), "odi: item a: not an item number; odi has items 1..10"),
    ],
)
def test_invalid_odi_answer_names_the_item(answers: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        score_answers(load_instruments()["odi"], answers)
    assert str(caught.value) == message


def test_error_field_and_problem_are_separate() -> None:
    with pytest.raises(InvalidInput) as caught:
        score_answers(load_instruments()["odi"], odi_answers(**{"4": 7}))
    assert (caught.value.field, caught.value.problem) == ("odi: item 4", "7 is out of range 0..5")


def test_lowest_bad_item_is_reported_whatever_the_key_order() -> None:
    messages = set()
    for answers in ({"9": 9, "3": 9}, {"3": 9, "9": 9}):
        with pytest.raises(InvalidInput) as caught:
            score_answers(load_instruments()["odi"], answers)
        messages.add(str(caught.value))
    assert messages == {"odi: item 3: 9 is out of range 0..5"}


def test_gpe_zero_is_out_of_its_one_to_seven_range() -> None:
    with pytest.raises(InvalidInput, match=r"^gpe: item 1: 0 is out of range 1\.\.7$"):
        score_answers(load_instruments()["gpe"], {"1": 0})


def test_startback_agree_items_accept_only_zero_or_one() -> None:
    with pytest.raises(InvalidInput, match=r"^startback: item 2: 2 is out of range 0\.\.1$"):
        score_answers(load_instruments()["startback"], {"2": 2})


def test_answers_that_are_not_a_mapping_are_refused() -> None:
    with pytest.raises(InvalidInput, match=r"^rmdq: answers: must be an object"):
        score_answers(load_instruments()["rmdq"], [1, 0, 1])  # type: ignore[arg-type]


def test_null_answer_means_not_answered() -> None:
    result = score_answers(load_instruments()["odi"], odi_answers(**{"8": None}))
    assert result.missing == (8,)
    assert result.score == 20.0  # 9 / 45
