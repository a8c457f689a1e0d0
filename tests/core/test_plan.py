"""The treatment-plan generator: what each profile, radicular pain and each judged cause put in the plan."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from datetime import date, timedelta

import pytest

from rugpad import engine
from rugpad.content import load_sources
from rugpad.core.errors import InvalidInput
from rugpad.core.plan import (
    GoalKind,
    PlanContext,
    ProposedPlan,
    PskActivity,
    condition_tags,
    context_from_triage,
)
from rugpad.core.plan_rules import PRACTICE_SETTING, Cause, TechniqueKind
from rugpad.core.rules import PROFILES
from rugpad.core.vocab import Evidence, Lang, ManipulationVerdict, Region, Urgency

START = date(2025, 3, 3)
ALL_PROFILES = [(region, profile) for region, profiles in PROFILES.items() for profile in (*profiles, None)]


def context(
    region: Region = Region.LOW_BACK,
    profile: str | None = "2",
    *,
    radicular: bool = False,
    verdict: ManipulationVerdict = ManipulationVerdict.ALLOWED,
    urgency: Urgency = Urgency.NONE,
    tags: frozenset[str] = frozenset(),
    causes: frozenset[Cause] = frozenset(),
    activities: tuple[PskActivity, ...] = (),
    goals: tuple[str, ...] = (),
) -> PlanContext:
    return PlanContext(
        region=region,
        profile=profile,
        radicular=radicular,
        manipulation=verdict,
        urgency=urgency,
        tags=tags,
        causes=causes,
        activities=activities,
        goals=goals,
        start=START,
        settings=engine.plan_settings(),
    )


def techniques(plan: ProposedPlan) -> dict[str, bool]:
    """Technique id -> needs confirmation."""
    return {item.technique_id: item.needs_confirmation for item in plan.techniques}


def purposes(plan: ProposedPlan) -> list[str]:
    return [str(item.purpose) for item in plan.exercises]


# --- profiles --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("region", "profile"), ALL_PROFILES)
def test_every_profile_gets_exercise_education_sessions_and_evaluation(region, profile):
    plan = engine.propose_plan(context(region, profile))
    assert plan.exercises and plan.education and plan.evaluation
    assert any(not item.needs_confirmation for item in plan.exercises)
    assert all(region in engine.exercise_library()[item.exercise_id].regions for item in plan.exercises)
    assert plan.exercises[0].purpose == "graded_activity"
    assert "when-to-contact-now" in {item.module_id for item in plan.education}
    assert plan.package.source_id == "nice-ng59"
    assert plan.approach.rule_id.startswith("plan.programme.")
    assert plan.evaluation[0].key == "intake" and plan.evaluation[0].due == START


@pytest.mark.parametrize(("region", "profile"), ALL_PROFILES)
def test_without_causes_or_radicular_pain_no_hands_on_technique_is_proposed(region, profile):
    plan = engine.propose_plan(context(region, profile))
    # KNGF neck D (cervical radicular syndrome): consider mobilisation; D counts as radicular, hence neural gliding
    expected = {"spinal-mobilisation", "neural-gliding"} if profile == "D" else set()
    assert set(techniques(plan)) == expected


def test_profile_1_is_self_management_with_few_exercises():
    plan = engine.propose_plan(context(profile="1"))
    assert plan.approach.rule_id == "plan.programme.low_back.1"
    assert "Self-management" in plan.approach.text.get(Lang.EN)
    assert len(plan.exercises) <= engine.plan_settings().max_home_exercises["1"] == 3
    assert purposes(plan) == ["graded_activity", "mobility"]


def test_profile_2_gets_a_supervised_programme_of_several_purposes():
    plan = engine.propose_plan(context(profile="2"))
    assert "Supervised" in plan.approach.text.get(Lang.EN)
    assert purposes(plan) == ["graded_activity", "motor_control", "strength", "mobility"]
    assert plan.sessions.sessions_per_week == 2


def test_profile_3_starts_with_the_graded_activity_plan():
    plan = engine.propose_plan(context(profile="3"))
    assert plan.exercises[0].exercise_id == "graded-activity-plan"
    assert "graded activity" in plan.approach.text.get(Lang.EN)


@pytest.mark.parametrize(("profile", "first"), [("A", "walking-programme"), ("C", "graded-activity-plan")])
def test_neck_profiles_start_with_graded_activity(profile, first):
    plan = engine.propose_plan(context(Region.NECK, profile, verdict=ManipulationVerdict.CAUTION))
    assert plan.exercises[0].exercise_id == first
    assert plan.approach.source_id == "kngf-neck-2016-exercise"


def test_neck_profile_d_counts_as_radicular_and_gets_nerve_mobility():
    plan = engine.propose_plan(context(Region.NECK, "D", verdict=ManipulationVerdict.CAUTION))
    assert plan.radicular is True
    assert "median-nerve-slider" in {item.exercise_id for item in plan.exercises}
    assert "neural-gliding" in techniques(plan)
    assert techniques(plan)["spinal-mobilisation"] is True  # neck: always a reasoned risk-benefit decision


def test_an_undecided_profile_gets_a_minimal_stay_active_plan():
    plan = engine.propose_plan(context(profile=None))
    assert plan.approach.rule_id == "plan.programme.undecided"
    assert [item.exercise_id for item in plan.exercises] == ["walking-programme"]
    assert [item.module_id for item in plan.education] == ["when-to-contact-now"]


def test_exercises_start_on_the_easiest_rung_with_the_library_dose():
    plan = engine.propose_plan(context(profile="2"))
    library = engine.exercise_library()
    for item in plan.exercises:
        exercise = library[item.exercise_id]
        assert exercise.regression is None
        assert item.dose == exercise.dose
        assert item.dose_source_id == exercise.source_id
        assert item.dose_rule_id == "plan.dose"


# --- radicular pain and causes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("region", list(Region))
def test_radicular_pain_adds_neural_gliding_and_a_nerve_mobility_exercise(region):
    profile = "1" if region is Region.LOW_BACK else "B"
    plan = engine.propose_plan(context(region, profile, radicular=True, tags=frozenset({"radicular"})))
    assert "neural-gliding" in techniques(plan)
    nerve = [item for item in plan.exercises if item.purpose == "neural_mobility"]
    assert len(nerve) == 1
    assert nerve[0].needs_confirmation  # the library lists radicular pain as a caution for the sliders
    assert nerve[0].cautions


def test_radicular_pain_survives_the_cap_of_a_small_home_programme():
    plan = engine.propose_plan(context(profile="1", radicular=True))
    assert purposes(plan)[:2] == ["graded_activity", "neural_mobility"]


def test_highly_reactive_nerve_pain_asks_confirmation_for_neural_gliding():
    plan = engine.propose_plan(context(radicular=True, tags=condition_tags([], True, "high")))
    assert techniques(plan)["neural-gliding"] is True


@pytest.mark.parametrize(
    ("cause", "expected"),
    [
        (Cause.POSTURE, {"posture-correction"}),
        (Cause.FACET, {"spinal-mobilisation", "spinal-manipulation"}),
        (Cause.DISC, {"spinal-mobilisation", "spinal-manipulation"}),
        (Cause.RADICULAR, {"neural-gliding", "spinal-mobilisation"}),
        (Cause.ARTHROSIS, {"spinal-mobilisation"}),
        (Cause.MYOFASCIAL, {"soft-tissue-work"}),
        (Cause.COMPLEX_OR_NOT_RESPONDING, {"multidisciplinary-referral"}),
    ],
)
def test_each_cause_gets_its_techniques_together_with_exercise_and_education(cause, expected):
    plan = engine.propose_plan(context(profile="2", causes=frozenset({cause})))
    assert set(techniques(plan)) == expected
    assert all(not needs for needs in techniques(plan).values())  # verdict allowed, no tags
    assert {item.cause for item in plan.techniques} == {cause}
    assert plan.exercises and plan.education


def test_posture_adds_strengthening_first_after_the_base_exercise():
    plan = engine.propose_plan(context(profile="1", causes=frozenset({Cause.POSTURE})))
    assert purposes(plan)[:2] == ["graded_activity", "strength"]
    assert plan.exercises[1].rule_id == "plan.cause.posture"


def test_arthrosis_adds_mobility_muscle_balance_and_load_capacity():
    plan = engine.propose_plan(context(profile="A", region=Region.NECK, causes=frozenset({Cause.ARTHROSIS})))
    assert purposes(plan) == ["graded_activity", "mobility", "motor_control"]  # capped at 3 for profile A


@pytest.mark.parametrize("region", list(Region))
def test_complex_or_not_responding_refers_for_multidisciplinary_care(region):
    profile = "3" if region is Region.LOW_BACK else "C"
    plan = engine.propose_plan(context(region, profile, causes=frozenset({Cause.COMPLEX_OR_NOT_RESPONDING})))
    (referral,) = plan.techniques
    assert referral.kind is TechniqueKind.REFERRAL
    assert referral.evidence is Evidence.VERIFIED
    assert referral.source_id == ("kngf-lbp-2021" if region is Region.LOW_BACK else "kngf-neck-2016")


# --- manipulation and contra-indications -----------------------------------------------------------------------


def test_manipulation_is_proposed_outright_only_with_the_verdict_allowed():
    facet = frozenset({Cause.FACET})
    allowed = engine.propose_plan(context(causes=facet, verdict=ManipulationVerdict.ALLOWED))
    caution = engine.propose_plan(context(causes=facet, verdict=ManipulationVerdict.CAUTION))
    forbidden = engine.propose_plan(context(causes=facet, verdict=ManipulationVerdict.CONTRAINDICATED))
    assert techniques(allowed)["spinal-manipulation"] is False
    assert techniques(caution)["spinal-manipulation"] is True
    assert "spinal-manipulation" not in techniques(forbidden)
    assert "spinal-mobilisation" not in techniques(forbidden)  # the same contra-indications, safer side
    assert {item.item_id for item in forbidden.withheld} == {"spinal-manipulation", "spinal-mobilisation"}
    assert all(item.reason.get(Lang.EN) and item.reason.get(Lang.NL) for item in forbidden.withheld)


def test_a_contraindicated_exercise_is_never_proposed_even_when_it_would_fit_best():
    tags = frozenset({"recent_surgery", "osteoporosis"})
    plan = engine.propose_plan(context(profile="3", tags=tags, causes=frozenset({Cause.ARTHROSIS})))
    library = engine.exercise_library()
    assert all(not (library[item.exercise_id].contraindications & tags) for item in plan.exercises)
    for item in plan.exercises:
        assert item.needs_confirmation is bool(library[item.exercise_id].cautions & tags)


def test_caution_exercises_carry_the_library_caution_text():
    plan = engine.propose_plan(context(radicular=True))
    slider = next(item for item in plan.exercises if item.exercise_id == "sciatic-nerve-slider")
    assert slider.cautions == (engine.exercise_library()["sciatic-nerve-slider"].caution_text,)


# --- goals, sessions, evaluation -------------------------------------------------------------------------------


def test_psk_activities_become_smart_goals_marked_as_practice_settings():
    plan = engine.propose_plan(
        context(profile="2", activities=(PskActivity("Bukken", 7), PskActivity("Zitten", 2), PskActivity("Lopen")))
    )
    bukken, zitten, lopen = plan.goals
    assert (bukken.baseline, bukken.target, bukken.by_week) == (7, 4, 6)
    assert bukken.text.get(Lang.EN) == "Bukken: difficulty from 7 to 4 or less by week 6"
    assert bukken.text.get(Lang.NL) == "Bukken: moeite van 7 naar 4 of minder in week 6"
    assert zitten.target == 0
    assert lopen.target is None and lopen.rule_id == "plan.goal.psk-no-baseline"
    assert "3 points lower" in lopen.text.get(Lang.EN)
    for goal in plan.goals:
        assert (goal.source_id, goal.evidence, goal.kind) == (PRACTICE_SETTING, Evidence.UNVERIFIED, GoalKind.PSK)


def test_the_patients_own_goals_are_kept_in_their_words():
    plan = engine.propose_plan(context(profile="3", goals=("Weer een hele dag werken",)))
    (goal,) = plan.goals
    assert goal.kind is GoalKind.PATIENT
    assert goal.text.get(Lang.NL) == "Weer een hele dag werken (evalueren in week 12)"


def test_sessions_come_from_the_practice_settings_and_end_the_evaluation_schedule():
    settings = dataclasses.replace(
        engine.plan_settings(),
        treatment_weeks={**engine.plan_settings().treatment_weeks, "2": 8},
        sessions_per_week={**engine.plan_settings().sessions_per_week, "2": 3},
    )
    plan = engine.propose_plan(dataclasses.replace(context(profile="2"), settings=settings))
    assert (plan.sessions.sessions_per_week, plan.sessions.weeks) == (3, 8)
    assert plan.sessions.end == START + timedelta(weeks=8)
    assert (plan.sessions.source_id, plan.sessions.evidence) == (PRACTICE_SETTING, Evidence.UNVERIFIED)
    end = next(item for item in plan.evaluation if item.key == "end")
    assert end.due == plan.sessions.end


def test_a_smaller_home_programme_setting_caps_the_exercises():
    settings = dataclasses.replace(
        engine.plan_settings(), max_home_exercises={**engine.plan_settings().max_home_exercises, "2": 1}
    )
    plan = engine.propose_plan(dataclasses.replace(context(profile="2"), settings=settings))
    assert [item.exercise_id for item in plan.exercises] == ["walking-programme"]


def test_every_element_names_its_rule_source_and_reason_in_both_languages():
    plan = engine.propose_plan(
        context(
            profile="2",
            radicular=True,
            causes=frozenset(Cause),
            activities=(PskActivity("Tillen", 6),),
            goals=("Fietsen",),
        )
    )
    for item in plan.items():
        assert item.rule_id and item.source_id in load_sources()
        assert item.reason.get(Lang.NL) and item.reason.get(Lang.EN)
        assert isinstance(item.evidence, Evidence)


# --- refusals and validation -----------------------------------------------------------------------------------


@pytest.mark.parametrize("urgency", [Urgency.EMERGENCY, Urgency.URGENT, Urgency.SOON])
def test_no_plan_while_a_red_flag_is_open(urgency):
    with pytest.raises(InvalidInput, match=r"^plan: a red flag") as error:
        engine.propose_plan(context(urgency=urgency))
    assert error.value.field == "plan"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"profile": "A"}, "profile"),
        ({"tags": frozenset({"pregnant"})}, "tags"),
        ({"causes": frozenset({"stress"})}, "causes"),
        ({"activities": tuple(PskActivity(f"a{i}") for i in range(6))}, "activities"),
        ({"activities": (PskActivity("Bukken", 11),)}, "activities[0]: baseline"),
        ({"activities": (PskActivity("  ", 3),)}, "activities[0]"),
        ({"goals": ("",)}, "goals[0]"),
    ],
)
def test_bad_input_names_the_field(changes, field):
    with pytest.raises(InvalidInput) as error:
        engine.propose_plan(dataclasses.replace(context(), **changes))
    assert error.value.field == field


def test_condition_tags_come_from_triage_signs_radicular_pain_and_reactivity():
    signs = ["hernia_diagnosed", "slr_positive", "osteoporosis", "fever"]
    assert condition_tags(signs, False) == {"hernia_diagnosed", "osteoporosis"}
    assert condition_tags(signs, True, "moderate") == {"hernia_diagnosed", "osteoporosis", "radicular"}
    assert condition_tags([], None, "high") == {"radicular", "high_reactivity"}  # unknown counts, safer side


def test_a_triaged_case_becomes_a_plan_context():
    triage = engine.triage({"region": "low_back", "signs": ["leg_pain_below_knee", "slr_positive", "hernia_diagnosed"]})
    signs = ["leg_pain_below_knee", "slr_positive", "hernia_diagnosed"]
    ctx = context_from_triage(triage, signs, start=START, settings=engine.plan_settings(), causes=["disc"])
    assert ctx.tags >= {"hernia_diagnosed"}
    assert ctx.causes == {Cause.DISC}
    assert ctx.manipulation is triage.manipulation


def test_the_plan_core_imports_no_django_and_reads_no_content():
    code = (
        "import sys, rugpad.core.plan; "
        "print(sorted(m for m in sys.modules if m.startswith(('django', 'rugpad.content'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
