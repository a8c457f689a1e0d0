"""The core's input bounds, one per field kind, and the parsers that use them (the triage case, an episode's facts):
every refusal is an `InvalidInput` naming the field, never Python's own OverflowError or ValueError."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rugpad import engine
from rugpad.core.bounds import (
    BIRTH_DATE,
    CLINICAL_DATE,
    EARLIEST_DATE,
    LINE,
    NOTE,
    RECORD,
    NumberBound,
    TextBound,
)
from rugpad.core.errors import InvalidInput
from rugpad.core.triage import MAX_AGE, parse_case

TODAY = dt.date(2026, 11, 21)


@pytest.mark.parametrize("raw", ["1e999", "-1e999", "NaN", "Infinity", "1e308", "10" + "0" * 400])
@pytest.mark.parametrize("field", ["age", "duration_weeks", "work_absence_weeks"])
def test_a_case_number_that_is_not_finite_or_absurd_names_its_field(raw: str, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        engine.triage({"region": "neck", field: json.loads(raw)})
    assert caught.value.field == field
    assert "\n" not in str(caught.value)


def test_infinity_and_nan_say_what_is_wrong() -> None:
    with pytest.raises(InvalidInput, match=r"^age: inf is not a finite number$"):
        engine.triage({"region": "neck", "age": math.inf})
    with pytest.raises(InvalidInput, match=r"^age: nan is not a finite number$"):
        engine.triage({"region": "neck", "age": math.nan})


@settings(deadline=None)  # the first example loads the rulebook
@given(st.one_of(st.floats(), st.integers(), st.booleans(), st.text(max_size=5), st.none()))
def test_any_json_value_for_age_is_accepted_or_refused_by_name(raw: Any) -> None:
    try:
        case = parse_case({"region": "neck", "age": raw}, engine.rulebook())
    except InvalidInput as error:
        assert error.field == "age"
    else:
        assert case.age is None or 0 <= case.age <= MAX_AGE


@pytest.mark.parametrize(
    ("text", "bound", "bad"),
    [
        ("Jan\x00", LINE, "\x00"),
        ("Jan\x1b[31m", LINE, "\x1b"),
        ("two\nlines", LINE, "\n"),
        ("tab\there", LINE, "\t"),
        ("del\x7f", NOTE, "\x7f"),
        ("c1\x85", NOTE, "\x85"),
        ("lone \ud800 surrogate", NOTE, "\ud800"),
    ],
)
def test_control_characters_are_found(text: str, bound: TextBound, bad: str) -> None:
    assert bound.bad_character(text) == bad
    with pytest.raises(InvalidInput, match="control character"):
        bound.check("note", text)


def test_multi_line_text_keeps_newlines_tabs_and_every_script() -> None:
    text = "Pijn bij bukken,\r\n\tlaag in de rug.\nYılmaz, Łukasz, Σοφία, Анна, 李, ٣ — ok 👍"
    assert NOTE.check("note", text) == text
    assert LINE.check("name", "Yılmaz-Öztürk") == "Yılmaz-Öztürk"


def test_text_longer_than_its_kind_is_refused_with_its_length() -> None:
    with pytest.raises(InvalidInput, match=r"^intake: is 100000 characters long; at most 10000 allowed$"):
        RECORD.check("intake", "a" * 100_000)
    with pytest.raises(InvalidInput, match="must be text"):
        NOTE.check("note", 3)


@pytest.mark.parametrize(
    ("bound", "day", "holds"),
    [
        (BIRTH_DATE, EARLIEST_DATE, True),
        (BIRTH_DATE, EARLIEST_DATE - dt.timedelta(days=1), False),
        (BIRTH_DATE, TODAY, True),
        (BIRTH_DATE, TODAY + dt.timedelta(days=1), False),
        (CLINICAL_DATE, dt.date(1, 1, 1), False),
        (CLINICAL_DATE, TODAY + dt.timedelta(days=366), True),
        (CLINICAL_DATE, TODAY + dt.timedelta(days=367), False),
        (CLINICAL_DATE, dt.date.max, False),
    ],
)
def test_date_windows(bound: Any, day: dt.date, holds: bool) -> None:
    assert bound.holds(day, TODAY) is holds
    assert bound.holds(dt.datetime.combine(day, dt.time(23, 59)), TODAY) is holds


def test_a_date_outside_the_window_names_the_field_and_the_window() -> None:
    with pytest.raises(InvalidInput, match=r"^at: 0001-01-01 is outside 1900-01-01\.\.2027-11-22$"):
        CLINICAL_DATE.check("at", dt.datetime(1, 1, 1, tzinfo=dt.UTC), TODAY)
    assert CLINICAL_DATE.window(dt.date.max) == (EARLIEST_DATE, dt.date.max)  # no overflow at the calendar's end


@pytest.mark.parametrize("typed", ["٣", "۳", "३", "３", "1e3", "0x10", "", " ", "1_000", "+", "1" * 41])
def test_typed_whole_numbers_are_ascii_digits_only(typed: str) -> None:
    with pytest.raises(InvalidInput, match="digits 0-9"):
        NumberBound(0, 10**6, whole=True).read("minutes", typed)


@pytest.mark.parametrize(("typed", "number"), [("3", 3), (" 42 ", 42), ("7.0", 7), ("-0", 0), ("+5", 5)])
def test_typed_whole_numbers_are_read(typed: str, number: int) -> None:
    assert NumberBound(-10, 100, whole=True).read("n", typed) == number


def test_a_measured_number_may_have_a_fraction_but_not_be_infinite() -> None:
    weeks = NumberBound(0, 100)
    assert weeks.read("weeks", "2.5") == 2.5
    assert weeks.check("weeks", 3) == 3.0
    with pytest.raises(InvalidInput, match="finite"):
        weeks.check("weeks", float("-inf"))
    with pytest.raises(InvalidInput, match="out of range"):
        weeks.read("weeks", "9" * 40)


def _facts(**changes: Any) -> dict[str, Any]:
    return {"region": "low_back", "today": "2026-11-21", "started_on": "2026-11-01"} | changes


def _flag(**event: Any) -> dict[str, Any]:
    return {
        "key": "f1",
        "rule_id": "rf.cauda_equina",
        "origin": "record",
        "urgency": "emergency",
        "raised_at": "2026-11-02T10:00:00",
        "events": [{"kind": "action", "at": "2026-11-02T11:00:00", "note": "GP called", **event}],
    }


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"flags": [_flag(at="0001-01-01T00:00:00")]}, "flags[0].events[0].at", "0001-01-01 is outside"),
        ({"flags": [_flag(at="9999-12-31T00:00:00")]}, "flags[0].events[0].at", "9999-12-31 is outside"),
        ({"flags": [_flag(note="GP\x00called")]}, "flags[0].events[0].note", "control character u+0000"),
        ({"flags": [_flag(counterpart="Dr\nJansen")]}, "flags[0].events[0].counterpart", "u+000a"),
        (
            {"measurements": [{"instrument": "nprs", "completed_on": "2026-11-02", "moment": "intake\x00"}]},
            "measurements[0].moment",
            "control character",
        ),
        (
            {"measurements": [{"instrument": "nprs", "completed_on": "2026-11-02", "score": "NaN"}]},
            "measurements[0].score",
            "finite",
        ),
        ({"age": 1e999}, "age", "finite"),
        ({"work_absence_weeks": float("nan")}, "work_absence_weeks", "finite"),
    ],
)
def test_episode_facts_refuse_out_of_bounds_input_by_field(changes: dict[str, Any], field: str, fragment: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        engine.parse_episode_facts(_facts(**changes))
    assert caught.value.field == field
    assert fragment in caught.value.problem
