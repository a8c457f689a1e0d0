"""The condition language: three-valued evaluation, strict compilation, readable descriptions."""

from __future__ import annotations

import pytest

from rugpad.core.conditions import ConditionError, Facts, compile_condition
from rugpad.core.text import Text
from rugpad.core.vocab import Course, Lang, Region, Sex

LABELS = {name: Text(nl=name.upper(), en=name) for name in ("a", "b", "c")}


def check(raw: object, **facts: object) -> bool | None:
    return compile_condition(raw, LABELS, "test").evaluate(Facts(**{"region": Region.LOW_BACK, **facts}))  # type: ignore[arg-type]


def test_a_sign_is_present_or_absent_never_unknown() -> None:
    assert check("a", signs=frozenset({"a"})) is True
    assert check("a") is False


def test_any_and_all_follow_three_valued_logic() -> None:
    assert check({"any": ["a", {"age_over": 65}]}) is None
    assert check({"any": ["a", {"age_over": 65}]}, signs=frozenset({"a"})) is True
    assert check({"all": ["a", {"age_over": 65}]}) is False
    assert check({"all": ["a", {"age_over": 65}]}, signs=frozenset({"a"})) is None
    assert check({"all": ["a", {"age_over": 65}]}, signs=frozenset({"a"}), age=70) is True


def test_at_least_is_unknown_only_while_the_unknowns_could_still_reach_it() -> None:
    rule = {"at_least": 2, "of": ["a", "b", {"sex": "female"}, {"age_over": 65}]}
    assert check(rule, signs=frozenset({"a", "b"})) is True
    assert check(rule) is None
    assert check(rule, sex=Sex.MALE, age=40, signs=frozenset({"a"})) is False
    assert check(rule, sex=Sex.MALE, signs=frozenset({"a"})) is None


def test_not_keeps_unknown_unknown() -> None:
    assert check({"not": {"duration_over_weeks": 6}}) is None
    assert check({"not": {"duration_over_weeks": 6}}, duration_weeks=6.0) is True


def test_course_accepts_one_value_or_a_list() -> None:
    assert check({"course": "recurrent"}, course=Course.RECURRENT) is True
    assert check({"course": ["worsening", "recurrent"]}, course=Course.IMPROVING) is False


def test_conditions_report_the_signs_and_facts_they_read() -> None:
    condition = compile_condition({"all": ["a", {"age_over": 45}, {"course": "recurrent"}]}, LABELS, "t")
    assert condition.signs == {"a"}
    assert condition.facts == {"age", "course"}


def test_descriptions_are_generated_in_both_languages() -> None:
    condition = compile_condition({"at_least": 2, "of": ["a", {"sex": "female"}, {"age_over": 65}]}, LABELS, "t")
    assert condition.description.get(Lang.EN) == "at least 2 of: a; sex: female; age over 65"
    assert condition.description.get(Lang.NL) == "minstens 2 van: A; geslacht: vrouw; leeftijd boven 65"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("zz", "unknown sign 'zz'"),
        ({"anyy": ["a"]}, "unknown test 'anyy'"),
        ({"any": []}, "non-empty list"),
        ({"any": ["a"], "all": ["b"]}, "one test per mapping"),
        ({"at_least": 3, "of": ["a", "b"]}, "from 1 to 2"),
        ({"at_least": 1, "of": ["a"], "x": 1}, "goes with 'of' only"),
        ({"age_over": "old"}, "needs a number"),
        ({"sex": "f"}, "'sex'"),
        ({"region": "knee"}, "unknown region"),
        ({"red_flag": "rf.x"}, "unknown red flag"),
        ({"use": "nothing"}, "unknown definition"),
        ({"psychosocial_dominant": "yes"}, "true or false"),
        (3, "a sign id or a mapping"),
    ],
)
def test_malformed_conditions_are_rejected_with_the_place_and_reason(raw: object, message: str) -> None:
    with pytest.raises(ConditionError) as caught:
        compile_condition(raw, LABELS, "file.yaml: rule.x")
    assert str(caught.value).startswith("file.yaml: rule.x: ")
    assert message in str(caught.value)
