"""The measurement schedule with an injected start date and clock."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rugpad.content import load_sources
from rugpad.content.evaluation import load_change_rules, load_schedule
from rugpad.core.errors import InvalidInput
from rugpad.core.schedule import Moment, due_moments, measurement_moments
from rugpad.core.vocab import Evidence, Region

START = date(2025, 3, 3)


def _moments(region: str, profile: str | None = None, radicular: bool = False, **kwargs) -> dict[str, Moment]:
    return {m.key: m for m in measurement_moments(load_schedule(), region, profile, radicular, START, **kwargs)}


def test_low_back_reevaluation_falls_in_the_three_to_four_week_window():
    moments = _moments("low_back", "2")
    assert list(moments) == ["intake", "reevaluation-3-4-weeks", "end"]
    reevaluation = moments["reevaluation-3-4-weeks"]
    assert (reevaluation.due, reevaluation.window_end) == (date(2025, 3, 24), date(2025, 3, 31))
    assert reevaluation.instruments == ("nprs", "psk", "odi")
    assert (reevaluation.source_id, reevaluation.evidence) == ("eval-nhg-lbp-2017", Evidence.VERIFIED)


def test_intake_is_the_baseline_on_the_start_date():
    intake = _moments("neck", "A")["intake"]
    assert (intake.due, intake.window_end, intake.instruments) == (START, START, ("nprs", "psk", "ndi"))


def test_low_back_practice_may_choose_rmdq_or_qbpds_instead_of_odi():
    assert _moments("low_back", function_instrument="rmdq")["intake"].instruments == ("nprs", "psk", "rmdq")
    assert _moments("low_back", function_instrument="qbpds")["end"].instruments == ("nprs", "psk", "qbpds", "gpe")
    with pytest.raises(InvalidInput, match="function_instrument: 'ndi' is not one of odi, rmdq, qbpds"):
        _moments("low_back", function_instrument="ndi")


def test_radicular_low_back_is_reevaluated_at_six_to_eight_and_twelve_weeks_not_at_three():
    moments = _moments("low_back", "3", radicular=True)
    assert list(moments) == ["intake", "reevaluation-6-8-weeks", "reevaluation-12-weeks", "end"]
    assert (moments["reevaluation-6-8-weeks"].due, moments["reevaluation-6-8-weeks"].window_end) == (
        date(2025, 4, 14),
        date(2025, 4, 28),
    )
    assert moments["reevaluation-12-weeks"].due == date(2025, 5, 26)


@pytest.mark.parametrize("profile", ["A", "B", "C", "D"])
def test_neck_is_reevaluated_at_six_weeks_with_ndi_every_two_weeks(profile):
    moments = _moments("neck", profile)
    assert list(moments) == ["intake", "ndi-week-2", "ndi-week-4", "reevaluation-6-weeks", "end"]
    assert [moments[k].due for k in ("ndi-week-2", "ndi-week-4", "reevaluation-6-weeks")] == [
        date(2025, 3, 17),
        date(2025, 3, 31),
        date(2025, 4, 14),
    ]
    assert moments["ndi-week-2"].instruments == ("ndi",)


def test_gpe_is_asked_at_the_end_only():
    for region in Region:
        moments = _moments(region)
        assert [key for key, moment in moments.items() if "gpe" in moment.instruments] == ["end"]


def test_end_defaults_to_twelve_weeks_as_an_unverified_setting_and_moves_to_the_planned_end():
    default = _moments("low_back")["end"]
    assert (default.due, default.evidence) == (START + timedelta(weeks=12), Evidence.UNVERIFIED)
    planned = _moments("low_back", end=date(2025, 4, 30))
    assert (planned["end"].due, planned["end"].window_end) == (date(2025, 4, 30), date(2025, 5, 7))
    assert list(planned)[-1] == "end"


def test_end_before_start_is_rejected():
    with pytest.raises(InvalidInput, match="end: 2025-03-02 is before the start 2025-03-03"):
        _moments("neck", end=date(2025, 3, 2))


def test_only_intake_is_due_on_the_first_day():
    moments = measurement_moments(load_schedule(), "low_back", "1", False, START)
    assert [m.key for m in due_moments(moments, [], START)] == ["intake"]


def test_reevaluation_falls_due_on_day_twenty_one_not_before():
    moments = measurement_moments(load_schedule(), "low_back", "1", False, START)
    assert due_moments(moments, ["intake"], START + timedelta(days=20)) == ()
    assert [m.key for m in due_moments(moments, ["intake"], START + timedelta(days=21))] == ["reevaluation-3-4-weeks"]


def test_completed_moments_are_not_due_again():
    moments = measurement_moments(load_schedule(), "neck", "B", False, START)
    today = START + timedelta(days=50)
    assert [m.key for m in due_moments(moments, [], today)] == [
        "intake",
        "ndi-week-2",
        "ndi-week-4",
        "reevaluation-6-weeks",
    ]
    assert [m.key for m in due_moments(moments, ["intake", "ndi-week-2", "ndi-week-4"], today)] == [
        "reevaluation-6-weeks"
    ]


def test_a_late_moment_stays_due_and_is_overdue_after_its_window():
    reevaluation = _moments("low_back")["reevaluation-3-4-weeks"]
    assert not reevaluation.overdue(date(2025, 3, 31))
    assert reevaluation.overdue(date(2025, 4, 1))
    assert due_moments([reevaluation], [], date(2025, 6, 1)) == (reevaluation,)


def test_every_moment_names_a_known_source_and_known_instruments():
    known = set(load_change_rules()) | {"gpe"}
    for region in Region:
        for radicular in (False, True):
            for moment in measurement_moments(load_schedule(), region, None, radicular, START):
                assert moment.source_id in load_sources()
                assert set(moment.instruments) <= known


@given(
    st.dates(date(2000, 1, 1), date(2100, 1, 1)),
    st.integers(-10, 200),
    st.sampled_from(list(Region)),
    st.booleans(),
    st.sets(st.sampled_from(["intake", "ndi-week-2", "reevaluation-3-4-weeks", "reevaluation-6-weeks", "end"])),
)
def test_due_moments_are_fallen_due_and_not_completed(start, offset, region, radicular, completed):
    moments = measurement_moments(load_schedule(), region, None, radicular, start)
    today = start + timedelta(days=offset)
    due = due_moments(moments, completed, today)
    assert all(m.due >= start and m.window_end >= m.due for m in moments)
    assert set(due) <= set(moments)
    assert all(m.due <= today and m.key not in completed for m in due)
    assert {m for m in moments if m.due <= today and m.key not in completed} == set(due)
