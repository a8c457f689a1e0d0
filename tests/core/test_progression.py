"""Exercise progression: the pain-monitoring rules, KNGF reactivity, ACSM load steps and practice overrides."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rugpad.content import load_sources
from rugpad.content.evaluation import load_progression_model
from rugpad.core.errors import InvalidInput
from rugpad.core.exercises import Dose, DoseKind
from rugpad.core.progression import (
    PAIN_RULES,
    ExerciseReport,
    ProgressionAction,
    ProgressionModel,
    Reactivity,
    advise,
    next_load,
)
from rugpad.core.vocab import Evidence, Lang

MODEL = load_progression_model()
HOLD = Dose(DoseKind.HOLD, hold_seconds=10, repetitions=5, times_per_day=2)
REPS = Dose(DoseKind.REPS, repetitions=10, sets=3, days_per_week=3)
WALK = Dose(DoseKind.DURATION, minutes=20, days_per_week=5)
GOOD = ExerciseReport(pain_during=3, settled_by_next_morning=True)


# --- ACSM load steps -----------------------------------------------------------------------------------------------


def test_load_goes_up_five_percent_at_exactly_one_repetition_above_target():
    result = next_load(MODEL, 20, target_reps=10, reps_done=11)
    assert (result.action, result.rule_id, result.load_kg) == (ProgressionAction.PROGRESS, "prog-acsm-load-up", 21.0)
    assert (result.source_id, result.evidence) == ("eval-acsm-2009", Evidence.VERIFIED)
    assert "5 %" in result.reason.get(Lang.EN) and "0.5 kg" in result.reason.get(Lang.EN)


def test_load_stays_when_the_target_is_only_just_reached():
    result = next_load(MODEL, 20, target_reps=10, reps_done=10)
    assert (result.action, result.rule_id, result.load_kg) == (ProgressionAction.KEEP, "prog-acsm-not-yet", 20.0)


@pytest.mark.parametrize(("current", "expected"), [(12, 12.5), (30, 31.5), (3, 3.5), (12.3, 13.0)])
def test_new_load_is_rounded_to_a_half_kilo_and_always_at_least_one_step_up(current, expected):
    assert next_load(MODEL, current, target_reps=8, reps_done=10).load_kg == expected


def test_pain_above_the_limit_lowers_the_load_even_with_repetitions_to_spare():
    result = next_load(MODEL, 20, 10, 12, ExerciseReport(pain_during=7, settled_by_next_morning=True))
    assert (result.action, result.rule_id, result.load_kg) == (ProgressionAction.REGRESS, "prog-pain-above-limit", 19.0)


@pytest.mark.parametrize(
    ("current", "target", "done", "field"),
    [(0, 10, 11, "current_kg"), (-5, 10, 11, "current_kg"), (20, 0, 1, "target_reps"), (20, 10, -1, "reps_done")],
)
def test_bad_load_input_is_rejected(current, target, done, field):
    with pytest.raises(InvalidInput) as error:
        next_load(MODEL, current, target, done)
    assert error.value.field == field


# --- pain-monitoring rules -----------------------------------------------------------------------------------------


def test_pain_five_is_within_the_default_limit_and_the_hold_steps_up():
    result = advise(MODEL, HOLD, ExerciseReport(pain_during=5, settled_by_next_morning=True))
    assert (result.action, result.rule_id) == (ProgressionAction.PROGRESS, "prog-dose-step-up")
    assert result.dose == dataclasses.replace(HOLD, hold_seconds=15)


def test_pain_six_is_above_the_default_limit_and_the_hold_steps_down():
    result = advise(MODEL, HOLD, ExerciseReport(pain_during=6, settled_by_next_morning=True))
    assert (result.action, result.rule_id) == (ProgressionAction.REGRESS, "prog-pain-above-limit")
    assert result.dose == dataclasses.replace(HOLD, hold_seconds=5)
    assert (result.source_id, result.evidence) == ("eval-pain-monitoring-setting", Evidence.UNVERIFIED)
    assert "above 5 out of 10" in result.reason.get(Lang.EN) and "practice setting" in result.reason.get(Lang.EN)


def test_pain_not_settled_by_next_morning_regresses():
    result = advise(MODEL, REPS, ExerciseReport(pain_during=2, settled_by_next_morning=False))
    assert (result.action, result.rule_id) == (ProgressionAction.REGRESS, "prog-not-settled-next-morning")
    assert result.dose == dataclasses.replace(REPS, repetitions=8)


def test_pain_higher_than_last_week_regresses():
    report = ExerciseReport(pain_during=2, settled_by_next_morning=True, pain_higher_than_last_week=True)
    assert advise(MODEL, WALK, report).rule_id == "prog-pain-rising-week-on-week"
    assert advise(MODEL, WALK, report).dose == dataclasses.replace(WALK, minutes=15)


def test_radicular_high_reactivity_never_progresses_while_pain_rises():
    report = ExerciseReport(pain_during=1, settled_by_next_morning=True, increase_day_parts=1,
                            reactivity=Reactivity.HIGH)  # fmt: skip
    result = advise(MODEL, HOLD, report)
    assert (result.action, result.rule_id) == (ProgressionAction.REGRESS, "prog-radicular-high-reactivity")
    assert (result.source_id, result.evidence) == ("eval-kngf-lbp-2021", Evidence.VERIFIED)


def test_radicular_high_reactivity_without_pain_increase_may_progress():
    report = dataclasses.replace(GOOD, reactivity=Reactivity.HIGH)
    assert advise(MODEL, HOLD, report).action is ProgressionAction.PROGRESS


def test_radicular_moderate_reactivity_accepts_one_day_part_but_does_not_step_up():
    report = ExerciseReport(pain_during=3, settled_by_next_morning=True, increase_day_parts=1,
                            reactivity=Reactivity.MODERATE)  # fmt: skip
    result = advise(MODEL, HOLD, report)
    assert (result.action, result.rule_id, result.dose) == (
        ProgressionAction.KEEP,
        "prog-radicular-moderate-short-increase",
        HOLD,
    )


def test_radicular_moderate_reactivity_regresses_when_the_increase_lasts_two_day_parts():
    report = ExerciseReport(pain_during=3, settled_by_next_morning=True, increase_day_parts=2,
                            reactivity=Reactivity.MODERATE)  # fmt: skip
    assert advise(MODEL, HOLD, report).rule_id == "prog-radicular-moderate-too-long"


def test_non_radicular_short_increase_that_settles_by_morning_progresses():
    report = dataclasses.replace(GOOD, increase_day_parts=2)
    assert advise(MODEL, HOLD, report).action is ProgressionAction.PROGRESS


# --- steps and caps ------------------------------------------------------------------------------------------------


def test_repetitions_step_up_by_two_to_the_cap_of_fifteen():
    assert advise(MODEL, REPS, GOOD).dose == dataclasses.replace(REPS, repetitions=12)
    assert advise(MODEL, dataclasses.replace(REPS, repetitions=14), GOOD).dose.repetitions == 15


def test_dose_at_its_cap_is_kept_and_points_to_the_harder_exercise():
    result = advise(MODEL, dataclasses.replace(HOLD, hold_seconds=30), GOOD)
    assert (result.action, result.rule_id, result.dose.hold_seconds) == (ProgressionAction.KEEP, "prog-dose-at-cap", 30)
    assert "harder exercise" in result.reason.get(Lang.EN)


def test_step_down_stops_at_the_minimum():
    result = advise(MODEL, dataclasses.replace(HOLD, hold_seconds=5), ExerciseReport(9, True))
    assert (result.action, result.dose.hold_seconds) == (ProgressionAction.REGRESS, 5)


# --- settings and overrides ----------------------------------------------------------------------------------------


def test_practice_can_raise_the_pain_limit_and_the_value_is_marked_as_its_own():
    model = MODEL.with_settings(max_exercise_pain=6)
    result = advise(model, HOLD, ExerciseReport(pain_during=6, settled_by_next_morning=True))
    assert result.action is ProgressionAction.PROGRESS
    assert model.settings.sources["max_exercise_pain"].source_id == "practice-setting"
    assert MODEL.settings.max_exercise_pain == 5
    too_much = advise(model, HOLD, ExerciseReport(pain_during=7, settled_by_next_morning=True))
    assert "above 6 out of 10" in too_much.reason.get(Lang.EN)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"max_exercise_pain": 11}, "settings: max_exercise_pain"), ({"pain_limit": 4}, "settings"),
     ({"reps_min": 20}, "settings: reps_min"), ({"load_increment_kg": 0}, "settings: load_increment_kg")],
)  # fmt: skip
def test_bad_overrides_are_rejected(overrides, field):
    with pytest.raises(InvalidInput) as error:
        MODEL.with_settings(**overrides)
    assert error.value.field == field


def test_a_pain_rule_may_not_be_configured_to_progress():
    rules = dict(MODEL.rules)
    rules["prog-pain-above-limit"] = dataclasses.replace(rules["prog-pain-above-limit"],
                                                         action=ProgressionAction.PROGRESS)  # fmt: skip
    with pytest.raises(InvalidInput, match="a pain rule may not progress: prog-pain-above-limit"):
        ProgressionModel(MODEL.settings, rules)


def test_every_setting_and_rule_names_a_known_source():
    sources = load_sources()
    assert {s.source_id for s in MODEL.settings.sources.values()} <= set(sources)
    assert {r.source_id for r in MODEL.rules.values()} <= set(sources)
    assert MODEL.settings.sources["max_exercise_pain"].evidence is Evidence.UNVERIFIED


@pytest.mark.parametrize(("pain", "day_parts", "field"), [(11, 0, "pain_during"), (3, -1, "increase_day_parts")])
def test_bad_reports_are_rejected(pain, day_parts, field):
    with pytest.raises(InvalidInput) as error:
        ExerciseReport(pain_during=pain, settled_by_next_morning=True, increase_day_parts=day_parts)
    assert error.value.field == field


# --- properties ----------------------------------------------------------------------------------------------------

reports = st.builds(
    ExerciseReport,
    pain_during=st.integers(0, 10),
    settled_by_next_morning=st.booleans(),
    pain_higher_than_last_week=st.booleans(),
    increase_day_parts=st.integers(0, 4),
    reactivity=st.sampled_from([None, Reactivity.HIGH, Reactivity.MODERATE]),
)
loads = st.integers(1, 400).map(lambda halves: halves / 2)


@given(loads, st.integers(1, 20), st.integers(0, 25), reports, st.integers(0, 10))
def test_load_never_rises_when_pain_exceeded_the_limit(current, target, done, report, limit):
    model = MODEL.with_settings(max_exercise_pain=limit)
    result = next_load(model, current, target, done, report)
    if report.pain_during > limit:
        assert result.load_kg is not None and result.load_kg <= current
    if result.rule_id in PAIN_RULES:
        assert result.action is not ProgressionAction.PROGRESS and result.load_kg <= current


@given(st.integers(20, 400).map(lambda halves: halves / 2), st.integers(1, 20))
def test_load_step_for_ten_kilos_or_more_stays_within_acsm_two_to_ten_percent(current, target):
    new = next_load(MODEL, current, target, target + 1).load_kg
    assert new is not None
    assert 0.02 <= (new - current) / current <= 0.10
    assert (new * 2) == int(new * 2)


@given(reports, st.sampled_from([HOLD, REPS, WALK]), st.integers(1, 60))
def test_dose_moves_in_the_direction_of_the_action(report, dose, amount):
    field = {DoseKind.HOLD: "hold_seconds", DoseKind.REPS: "repetitions", DoseKind.DURATION: "minutes"}[dose.kind]
    dose = dataclasses.replace(dose, **{field: amount})
    result = advise(MODEL, dose, report)
    new = getattr(result.dose, field)
    if result.action is ProgressionAction.PROGRESS:
        assert new > amount
    elif result.action is ProgressionAction.REGRESS:
        assert new <= amount
    else:
        assert new == amount
    if report.pain_during > MODEL.settings.max_exercise_pain or not report.settled_by_next_morning:
        assert result.action is ProgressionAction.REGRESS
    assert "{" not in result.reason.get(Lang.NL) + result.reason.get(Lang.EN)
