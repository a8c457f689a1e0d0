"""Diary trends (pain rising week on week, exercises skipped) and the alarm questions' route into the triage."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rugpad import engine
from rugpad.content import load_sources
from rugpad.content.portal import load_alarm_questions, load_trend_rules, load_trend_settings
from rugpad.core.diary import triage_payloads
from rugpad.core.errors import InvalidInput
from rugpad.core.trends import (
    EXERCISES_SKIPPED,
    PAIN_RISING,
    DiaryPoint,
    ExercisesDone,
    TrendSettings,
    detect_trends,
)
from rugpad.core.vocab import Evidence, Lang, Region, Urgency

TODAY = dt.date(2026, 3, 15)


def _days_ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


def _pain(week_before: list[int], this_week: list[int]) -> list[DiaryPoint]:
    earlier = [DiaryPoint(_days_ago(13 - i), pain=p) for i, p in enumerate(week_before)]
    recent = [DiaryPoint(_days_ago(6 - i), pain=p) for i, p in enumerate(this_week)]
    return earlier + recent


def test_pain_two_points_higher_than_last_week_is_a_rising_trend() -> None:
    (alert,) = detect_trends(_pain([3, 3, 3], [5, 5, 5]), TODAY)
    assert alert.rule_id == PAIN_RISING
    assert alert.value == 2.0
    assert alert.since == _days_ago(13)


def test_pain_rising_less_than_the_threshold_is_no_trend() -> None:
    assert detect_trends(_pain([3, 3, 3], [4, 5, 5]), TODAY) == ()


def test_falling_pain_is_no_trend() -> None:
    assert detect_trends(_pain([7, 7, 7], [2, 2, 2]), TODAY) == ()


def test_too_few_entries_in_either_week_decides_nothing() -> None:
    assert detect_trends(_pain([1, 1], [9, 9, 9]), TODAY) == ()
    assert detect_trends(_pain([1, 1, 1], [9, 9]), TODAY) == ()


def test_the_clock_is_injected_entries_after_today_are_ignored() -> None:
    points = _pain([3, 3, 3], [3, 3, 3]) + [DiaryPoint(TODAY + dt.timedelta(days=1), pain=10)] * 5
    assert detect_trends(points, TODAY) == ()
    # A week later the same history is old: nothing in the window, nothing fires.
    assert detect_trends(_pain([3, 3, 3], [9, 9, 9]), TODAY + dt.timedelta(days=14)) == ()


def test_three_days_without_exercise_in_a_week_is_a_skipping_trend() -> None:
    points = [DiaryPoint(_days_ago(n), exercises=ExercisesDone.NO) for n in (0, 2, 4)]
    (alert,) = detect_trends(points, TODAY)
    assert (alert.rule_id, alert.value, alert.threshold) == (EXERCISES_SKIPPED, 3.0, 3.0)


def test_a_day_with_a_later_session_done_does_not_count_as_skipped() -> None:
    points = [DiaryPoint(_days_ago(n), exercises=ExercisesDone.NO) for n in (0, 2, 4)]
    points.append(DiaryPoint(_days_ago(4), exercises=ExercisesDone.PARTLY))
    assert detect_trends(points, TODAY) == ()


def test_skipped_days_before_the_window_do_not_count() -> None:
    points = [DiaryPoint(_days_ago(n), exercises=ExercisesDone.NO) for n in (0, 7, 8)]
    assert detect_trends(points, TODAY) == ()


def test_a_practice_may_use_its_own_numbers() -> None:
    strict = TrendSettings(window_days=7, pain_rise_points=1, min_entries=2, skipped_days=1)
    alerts = detect_trends([*_pain([3, 3], [4, 4]), DiaryPoint(TODAY, exercises=ExercisesDone.NO)], TODAY, strict)
    assert {a.rule_id for a in alerts} == {PAIN_RISING, EXERCISES_SKIPPED}


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("window_days", {"window_days": 0}),
        ("pain_rise_points", {"pain_rise_points": 0}),
        ("min_entries", {"min_entries": 0}),
        ("skipped_days", {"skipped_days": 8}),
    ],
)
def test_impossible_settings_are_refused_naming_the_setting(field: str, kwargs: dict[str, float]) -> None:
    with pytest.raises(InvalidInput) as error:
        TrendSettings(**kwargs)  # type: ignore[arg-type]
    assert error.value.field == field


def test_pain_outside_the_scale_is_refused() -> None:
    with pytest.raises(InvalidInput, match=r"pain: 11 is out of range 0\.\.10"):
        DiaryPoint(TODAY, pain=11)


@given(
    st.lists(
        st.tuples(st.integers(0, 30), st.integers(0, 10), st.sampled_from(list(ExercisesDone))),
        max_size=40,
    )
)
def test_trends_fire_only_on_what_the_thresholds_say(raw: list[tuple[int, int, ExercisesDone]]) -> None:
    points = [DiaryPoint(_days_ago(n), pain=p, exercises=e) for n, p, e in raw]
    settings = TrendSettings()
    for alert in detect_trends(points, TODAY, settings):
        assert alert.value >= alert.threshold
        assert alert.since <= TODAY
    # Lowering every pain to 0 this week can never make pain rise.
    calmer = [DiaryPoint(p.day, pain=0 if p.day > _days_ago(7) else p.pain) for p in points]
    assert PAIN_RISING not in {a.rule_id for a in detect_trends(calmer, TODAY, settings)}


def test_the_trend_data_names_known_sources_and_is_marked_unverified() -> None:
    sources = load_sources()
    for rule in load_trend_rules().values():
        assert rule.source in sources
        assert rule.evidence is Evidence.UNVERIFIED  # no guideline threshold for diary worsening
        assert "{value}" in rule.text.get(Lang.NL) and "{value}" in rule.text.get(Lang.EN)
    assert load_trend_settings() == TrendSettings()


ALONE_NO_RED_FLAG = {"leg_numb", "arm_numb"}
"""Numbness in one limb is no red flag alone (facts §2.1a: over-triage is a defect), only with cancer or an infection
feature on the records (MSCC, epidural abscess: facts §2.1)."""
ALONE_SOON = {"unsteady_walking"}
"""Unsteady walking alone is possible myelopathy: the GP soon (rf.cervical_myelopathy_possible)."""


@pytest.mark.parametrize("question_id", list(load_alarm_questions()))
@pytest.mark.parametrize("region", list(Region))
def test_every_alarm_question_raises_a_red_flag_in_the_triage(question_id: str, region: Region) -> None:
    questions = load_alarm_questions()
    urgencies = [engine.triage(payload).urgency for payload in triage_payloads(questions, [question_id], region)]
    expected = (Urgency.EMERGENCY, Urgency.URGENT)
    if question_id in ALONE_NO_RED_FLAG:
        expected = (Urgency.NONE,)
    elif question_id in ALONE_SOON:
        expected = (Urgency.SOON,)
    assert min(urgencies, key=lambda u: u.rank) in expected


@pytest.mark.parametrize("question_id", list(load_alarm_questions()))
@pytest.mark.parametrize("region", list(Region))
@pytest.mark.parametrize("known", ["history_of_cancer", "fever"])
def test_every_alarm_question_is_an_emergency_or_urgent_with_cancer_or_fever_on_the_records(
    question_id: str, region: Region, known: str
) -> None:
    """Every sign the diary asks about is a new deficit or an alarm sign of its own (facts §2.1)."""
    firings = engine.alarm_firings([question_id], region, known_signs=[known])
    assert firings
    assert min((f.urgency for f in firings), key=lambda u: u.rank) in (Urgency.EMERGENCY, Urgency.URGENT)


def test_bladder_problems_and_the_headache_are_emergencies_judged_by_the_patients_own_region() -> None:
    """rf.cauda_equina and rf.acute_neurological_low_back: no question needs the neck rules any more."""
    questions = load_alarm_questions()
    payloads = triage_payloads(questions, ["bladder", "sudden_headache"], Region.LOW_BACK)
    assert payloads == [{"region": "low_back", "signs": ["bladder_dysfunction", "sudden_severe_headache"]}]
    flags = {flag.id for flag in engine.triage(payloads[0]).red_flags}
    assert flags == {"rf.cauda_equina", "rf.acute_neurological_low_back"}
    assert str(engine.triage(payloads[0]).urgency) == "emergency"


def test_an_unknown_alarm_question_is_refused() -> None:
    with pytest.raises(InvalidInput, match=r"alarm\[0\]: unknown alarm question 'x'"):
        triage_payloads(load_alarm_questions(), ["x"], Region.NECK)
