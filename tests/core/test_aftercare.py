"""Aftercare after discharge: the recurrence rule's boundaries (including the answers that must NOT flag), the
check-in moments and their statuses, the pain at discharge, and the content that words it all."""

from __future__ import annotations

import datetime as dt
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rugpad import engine
from rugpad.core.aftercare import (
    ALARM_SIGN,
    BACK_AND_WORSE,
    CAME_BACK,
    LIMITED_AGAIN,
    MAX_CHECKINS,
    MAX_WEEKS,
    PAIN_RISE,
    QUESTION_IDS,
    RULE_ORDER,
    STABLE,
    AftercareSettings,
    AftercareStatus,
    CheckinAnswers,
    CheckinStatus,
    assess_checkin,
    checkin_dates,
    checkin_statuses,
    discharge_pain,
    parse_checkin_weeks,
)
from rugpad.core.episode import Measurement
from rugpad.core.errors import InvalidInput
from rugpad.core.vocab import Evidence, Lang, Region

SETTINGS = AftercareSettings(pain_rise_points=2)
DISCHARGED = dt.date(2026, 3, 2)


def _verdict(
    baseline: int | None, pain: int, limited: bool = False, back: bool = False, alarms: int = 0
) -> tuple[AftercareStatus, str]:
    verdict = assess_checkin(baseline, CheckinAnswers(pain, limited, back, alarms), SETTINGS)
    return verdict.status, verdict.rule_id


# ---- the recurrence rule: boundaries ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("baseline", "pain", "limited", "back", "expected"),
    [
        # nothing worse: stable, however low or high the pain stayed
        (2, 2, False, False, (AftercareStatus.STABLE, STABLE)),
        (2, 0, False, False, (AftercareStatus.STABLE, STABLE)),
        (7, 7, False, False, (AftercareStatus.STABLE, STABLE)),
        # one point under the rise: still stable (must NOT flag)
        (2, 3, False, False, (AftercareStatus.STABLE, STABLE)),
        # exactly the rise, not said to be back: watch, never a recurrence
        (2, 4, False, False, (AftercareStatus.WATCH, PAIN_RISE)),
        (0, 10, False, False, (AftercareStatus.WATCH, PAIN_RISE)),
        # back, but pain one point under the rise: watch (must NOT flag)
        (2, 3, False, True, (AftercareStatus.WATCH, CAME_BACK)),
        (2, 1, False, True, (AftercareStatus.WATCH, CAME_BACK)),
        # back and exactly the rise: recurrence
        (2, 4, False, True, (AftercareStatus.RECURRENCE, BACK_AND_WORSE)),
        (8, 10, False, True, (AftercareStatus.RECURRENCE, BACK_AND_WORSE)),
        # limited again: recurrence whatever the pain did
        (2, 0, True, False, (AftercareStatus.RECURRENCE, LIMITED_AGAIN)),
        (5, 5, True, True, (AftercareStatus.RECURRENCE, LIMITED_AGAIN)),
    ],
)
def test_the_rule_at_its_boundaries(
    baseline: int, pain: int, limited: bool, back: bool, expected: tuple[AftercareStatus, str]
) -> None:
    assert _verdict(baseline, pain, limited, back) == expected


def test_an_alarm_sign_is_never_stable_even_with_every_other_answer_fine() -> None:
    assert _verdict(3, 0, alarms=1) == (AftercareStatus.RECURRENCE, ALARM_SIGN)


def test_every_rule_that_applies_is_named_most_serious_first() -> None:
    verdict = assess_checkin(2, CheckinAnswers(6, True, True, alarm_signs=2), SETTINGS)
    assert verdict.applied == (ALARM_SIGN, LIMITED_AGAIN, BACK_AND_WORSE)
    assert verdict.rule_id == ALARM_SIGN and verdict.pain_change == 4


def test_without_a_pain_score_at_discharge_only_the_answers_decide() -> None:
    assert _verdict(None, 10) == (AftercareStatus.STABLE, STABLE)
    assert _verdict(None, 10, back=True) == (AftercareStatus.WATCH, CAME_BACK)
    assert _verdict(None, 0, limited=True) == (AftercareStatus.RECURRENCE, LIMITED_AGAIN)
    assert assess_checkin(None, CheckinAnswers(4, False, False), SETTINGS).pain_change is None


def test_the_rise_is_the_settings_own() -> None:
    strict = AftercareSettings(pain_rise_points=3)
    assert assess_checkin(2, CheckinAnswers(4, False, True), strict).status is AftercareStatus.WATCH
    assert assess_checkin(2, CheckinAnswers(5, False, True), strict).status is AftercareStatus.RECURRENCE


@given(
    baseline=st.none() | st.integers(0, 10),
    pain=st.integers(0, 10),
    limited=st.booleans(),
    back=st.booleans(),
    alarms=st.integers(0, 3),
)
def test_a_recurrence_needs_a_reason_and_a_reason_is_never_stable(
    baseline: int | None, pain: int, limited: bool, back: bool, alarms: int
) -> None:
    status, _rule = _verdict(baseline, pain, limited, back, alarms)
    worse = baseline is not None and pain - baseline >= SETTINGS.pain_rise_points
    assert (status is AftercareStatus.RECURRENCE) == (limited or alarms > 0 or (back and worse))
    assert (status is AftercareStatus.STABLE) == (not limited and not alarms and not back and not worse)


@pytest.mark.parametrize("pain", [-1, 11, True, 2.5, "3"])
def test_a_pain_score_outside_0_to_10_is_refused_naming_the_field(pain: object) -> None:
    with pytest.raises(InvalidInput) as error:
        CheckinAnswers(pain, False, False)  # type: ignore[arg-type]
    assert error.value.field == "pain"
    with pytest.raises(InvalidInput) as error:
        assess_checkin(pain, CheckinAnswers(3, False, False), SETTINGS)  # type: ignore[arg-type]
    assert error.value.field == "baseline_pain"


def test_a_yes_or_no_must_be_one() -> None:
    with pytest.raises(InvalidInput) as error:
        CheckinAnswers(3, "yes", False)  # type: ignore[arg-type]
    assert error.value.field == "limited_again"


@pytest.mark.parametrize("points", [0, 11, True, 1.5])
def test_settings_out_of_range_are_refused(points: object) -> None:
    with pytest.raises(InvalidInput):
        AftercareSettings(pain_rise_points=points)  # type: ignore[arg-type]


# ---- the check-in moments ----------------------------------------------------------------------------------------


def test_thirteen_and_twenty_six_weeks_are_about_three_and_six_months() -> None:
    assert checkin_dates(DISCHARGED, (13, 26)) == (dt.date(2026, 6, 1), dt.date(2026, 8, 31))


@pytest.mark.parametrize(
    ("typed", "weeks"),
    [("6, 12, 26", (6, 12, 26)), ("26 6", (6, 26)), ("13;26", (13, 26)), (" 104 ", (104,)), ("1", (1,))],
)
def test_weeks_as_a_clinician_types_them(typed: str, weeks: tuple[int, ...]) -> None:
    assert parse_checkin_weeks(typed) == weeks


@pytest.mark.parametrize(
    "typed", ["", " , ", "0", "105", "6, 6", "٣", "6.5", "-6", "six", "1 2 3 4 5 6 7", "99999999999999999999"]
)
def test_weeks_that_cannot_be_used_are_refused_naming_the_field(typed: str) -> None:
    with pytest.raises(InvalidInput) as error:
        parse_checkin_weeks(typed)
    assert error.value.field == "weeks"


def test_at_most_six_moments_of_at_most_two_years() -> None:
    assert parse_checkin_weeks(" ".join(str(w) for w in range(1, MAX_CHECKINS + 1))) == tuple(range(1, 7))
    with pytest.raises(InvalidInput):
        checkin_dates(DISCHARGED, (MAX_WEEKS + 1,))
    with pytest.raises(InvalidInput):
        checkin_dates(DISCHARGED, (26, 13))


@given(st.text(alphabet=string.digits + " ,;x٣.", max_size=30))
def test_any_typed_weeks_give_valid_moments_or_a_weeks_error(typed: str) -> None:
    try:
        weeks = parse_checkin_weeks(typed)
    except InvalidInput as error:
        assert error.field == "weeks"
    else:
        assert list(weeks) == sorted(set(weeks)) and 1 <= len(weeks) <= MAX_CHECKINS
        assert all(1 <= w <= MAX_WEEKS for w in weeks)


def test_one_check_in_is_asked_at_a_time() -> None:
    first, second = dt.date(2026, 6, 1), dt.date(2026, 8, 31)
    day = dt.timedelta(days=1)
    up, due, done, missed = CheckinStatus.UPCOMING, CheckinStatus.DUE, CheckinStatus.ANSWERED, CheckinStatus.MISSED
    assert checkin_statuses((first, second), (False, False), first - day) == (up, up)
    assert checkin_statuses((first, second), (False, False), first) == (due, up)
    assert checkin_statuses((first, second), (False, False), second - day) == (due, up)
    assert checkin_statuses((first, second), (True, False), second) == (done, due)
    assert checkin_statuses((first, second), (False, False), second) == (missed, due)
    assert checkin_statuses((first, second), (False, True), second + 100 * day) == (missed, done)


def test_once_a_newer_episode_started_nothing_unanswered_is_asked() -> None:
    first, second = dt.date(2026, 6, 1), dt.date(2026, 8, 31)
    ended, done = CheckinStatus.ENDED, CheckinStatus.ANSWERED
    assert checkin_statuses((first, second), (True, False), first, ended=True) == (done, ended)
    assert checkin_statuses((first, second), (False, False), second, ended=True) == (ended, ended)


def test_statuses_need_one_answer_flag_per_moment_in_order() -> None:
    with pytest.raises(InvalidInput):
        checkin_statuses((DISCHARGED,), (), DISCHARGED)
    with pytest.raises(InvalidInput):
        checkin_statuses((DISCHARGED, DISCHARGED - dt.timedelta(days=1)), (False, False), DISCHARGED)


# ---- the pain at discharge ---------------------------------------------------------------------------------------


def test_the_pain_at_discharge_is_the_last_nprs_score() -> None:
    day = dt.timedelta(days=1)
    measured = (
        Measurement("nprs", DISCHARGED - 60 * day, 7.0, "intake"),
        Measurement("odi", DISCHARGED, 20.0, "end"),
        Measurement("nprs", DISCHARGED, 2.0, "end"),
        Measurement("nprs", DISCHARGED - 30 * day, 4.0, "reevaluation-3-4-weeks"),
    )
    assert discharge_pain(measured) == 2
    assert discharge_pain(measured[:2]) == 7
    assert discharge_pain((Measurement("odi", DISCHARGED, 20.0),)) is None
    assert discharge_pain((Measurement("nprs", DISCHARGED, None),)) is None
    assert discharge_pain((Measurement("nprs", DISCHARGED, 2.5),)) == 3


# ---- the content -------------------------------------------------------------------------------------------------


def test_the_content_words_every_rule_and_question_of_the_core_with_sources() -> None:
    content = engine.aftercare_content()
    assert tuple(content.rules) == tuple(rule for rule, _status in RULE_ORDER)
    assert tuple(content.questions) == QUESTION_IDS
    sources = engine.sources()
    cited = [rule.source for rule in content.rules.values()] + [q.source for q in content.questions.values()]
    cited += [content.settings_source, content.weeks_source, content.action_source]
    cited += [point.source for point in content.come_back]
    assert all(source in sources for source in cited)
    # no source in the guideline facts gives a threshold after discharge: the numbers are marked unverified
    assert content.settings_evidence is Evidence.UNVERIFIED and content.weeks_evidence is Evidence.UNVERIFIED
    assert all(rule.evidence is Evidence.UNVERIFIED for rule in content.rules.values())


def test_the_content_numbers_are_the_ones_the_engine_decides_with() -> None:
    content = engine.aftercare_content()
    assert content.settings == AftercareSettings(pain_rise_points=2, default_weeks=(13, 26))
    assert engine.assess_checkin(3, CheckinAnswers(5, False, True)).status is AftercareStatus.RECURRENCE
    assert engine.assess_checkin(3, CheckinAnswers(4, False, True)).status is AftercareStatus.WATCH


@pytest.mark.parametrize("lang", list(Lang))
def test_every_text_is_there_in_every_language_and_fills_in_its_numbers(lang: Lang) -> None:
    content = engine.aftercare_content()
    for region in Region:
        assert content.title[region].has(lang)
        assert all(q.for_region(region).has(lang) for q in content.questions.values())
        assert content.come_back_for(region)
    for rule_id in (BACK_AND_WORSE, PAIN_RISE):
        worded = content.rules[rule_id].text.get(lang).format(change=3, threshold=2)
        assert "3" in worded and "{" not in worded
    assert all(text.has(lang) for text in content.for_patient.values())
    assert content.action.has(lang) and content.come_back_alarm.has(lang) and content.intro.has(lang)


def test_the_come_back_points_follow_the_region() -> None:
    content = engine.aftercare_content()
    back = [p.text.get(Lang.EN) for p in content.come_back_for(Region.LOW_BACK)]
    neck = [p.text.get(Lang.EN) for p in content.come_back_for(Region.NECK)]
    assert any("3 to 4 weeks" in t for t in back) and not any("3 to 4 weeks" in t for t in neck)
    assert any("6 weeks" in t for t in neck) and not any("6 weeks" in t for t in back)
