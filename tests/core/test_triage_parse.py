"""Input validation: every field is checked and the error names it (the CLI prints it as one line)."""

from __future__ import annotations

import pytest

from rugpad import engine
from rugpad.core.errors import InvalidInput
from rugpad.core.triage import parse_case
from rugpad.core.vocab import Course, Region, Sex


def error_of(payload: dict[str, object]) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        engine.triage(payload)
    return caught.value


@pytest.mark.parametrize(
    ("payload", "field", "fragment"),
    [
        ({}, "region", "required"),
        ({"region": "knee"}, "region", "'knee' is not one of low_back | neck"),
        ({"region": "neck", "signs": ["dizziness", "foo"]}, "signs[1]", "unknown sign 'foo'"),
        ({"region": "neck", "signs": "dizziness"}, "signs", "must be a list"),
        ({"region": "neck", "signs": [3]}, "signs[0]", "unknown sign 3"),
        ({"region": "neck", "age": -1}, "age", "out of range"),
        ({"region": "neck", "age": 40.5}, "age", "whole number"),
        ({"region": "neck", "age": True}, "age", "whole number"),
        ({"region": "neck", "age": "40"}, "age", "whole number"),
        ({"region": "neck", "sex": "f"}, "sex", "not one of"),
        ({"region": "neck", "course": "better"}, "course", "not one of"),
        ({"region": "neck", "duration_weeks": -2}, "duration_weeks", "out of range"),
        ({"region": "neck", "duration_weeks": "3"}, "duration_weeks", "not a number"),
        ({"region": "neck", "psychosocial_dominant": "yes"}, "psychosocial_dominant", "not true or false"),
        ({"region": "neck", "startback": [1, 0]}, "startback", "must be an object"),
        ({"region": "low_back", "startback": {"1": 2}}, "startback: item 1", "out of range"),
        ({"region": "neck", "sings": ["dizziness"]}, "sings", "unknown field"),
        ({"region": "neck", "profile_override": {"profile": "2", "reason": "x"}}, "profile_override.profile", "'2'"),
        ({"region": "neck", "profile_override": {"profile": "B", "reason": " "}}, "profile_override.reason", "reason"),
        ({"region": "neck", "profile_override": "B"}, "profile_override", "must be an object"),
    ],
)
def test_bad_input_names_the_field(payload: dict[str, object], field: str, fragment: str) -> None:
    error = error_of(payload)
    assert error.field == field
    assert fragment in error.problem
    assert "\n" not in str(error)


def test_only_region_is_required_and_nulls_mean_not_known() -> None:
    case = parse_case(
        {"region": "neck", "age": None, "sex": None, "course": None, "signs": None, "startback": None},
        engine.rulebook(),
    )
    assert case.region is Region.NECK
    assert (case.age, case.sex, case.course, case.startback) == (None, None, None, None)
    assert case.signs == frozenset()


def test_a_full_case_is_parsed_into_typed_values() -> None:
    case = parse_case(
        {
            "region": "low_back",
            "age": 52,
            "sex": "female",
            "duration_weeks": 3,
            "course": "improving",
            "signs": ["slr_positive", "slr_positive"],
            "psychosocial_dominant": False,
        },
        engine.rulebook(),
    )
    assert case.sex is Sex.FEMALE and case.course is Course.IMPROVING
    assert case.age == 52 and case.duration_weeks == 3.0
    assert case.signs == frozenset({"slr_positive"})
    assert case.psychosocial_dominant is False
