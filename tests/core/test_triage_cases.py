"""Labelled triage cases: every profile, radicular yes/no, every manipulation verdict and the §6.2 vignettes.

Every case is rule-derived (not published; no published vignettes were found, facts file §6.2): it is built
from the rule named in `rule`, and asserts what that rule must give.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from rugpad import engine

SB_LOW = {"1": 0, "2": 1, "3": 1, "4": 0, "5": 0, "6": 0, "7": 0, "8": 0, "9": 1}  # total 2 → low
SB_MEDIUM = {"1": 1, "2": 1, "3": 1, "4": 1, "5": 1, "6": 0, "7": 0, "8": 0, "9": 0}  # total 5, sub 1 → medium
SB_HIGH = {"1": 0, "2": 0, "3": 0, "4": 0, "5": 1, "6": 1, "7": 1, "8": 0, "9": 3}  # total 4, sub 4 → high


UNCHECKED = "unchecked"
"""Default for fields a case does not test."""


@dataclass(frozen=True)
class Expected:
    rule: str
    payload: dict[str, object]
    urgency: str = "none"
    risk: str | None = UNCHECKED
    profile: str | None = UNCHECKED
    radicular: bool | None = None
    manipulation: str | None = None
    includes: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    undecided: tuple[str, ...] = field(default=())


CASES: dict[str, Expected] = {
    "vignette 1: 38 y, LBP 10 days, SBST total 2 → low / profile 1": Expected(
        "strat.lb.profile_1, lb.p1.self_exercise, lb.all.reevaluate_3_4_weeks",
        {
            "region": "low_back",
            "age": 38,
            "sex": "male",
            "duration_weeks": 1.5,
            "course": "improving",
            "startback": SB_LOW,
        },
        risk="low",
        profile="1",
        radicular=False,
        manipulation="allowed",
        includes=("lb.p1.self_exercise", "lb.all.reassure_stay_active", "lb.all.reevaluate_3_4_weeks"),
        excludes=("lb.p23.exercise_therapy",),
    ),
    "vignette 2: 52 y, LBP + leg pain, SBST Q1-Q4 agree → medium / profile 2": Expected(
        "strat.lb.profile_2, lb.p23.exercise_therapy; strat.lumbosacral_radicular (KNGF: leg pain below the knee, "
        "with or without deficit, facts §2.1b)",
        {"region": "low_back", "age": 52, "sex": "male", "signs": ["leg_pain_below_knee"], "startback": SB_MEDIUM},
        risk="medium",
        profile="2",
        radicular=True,
        includes=("lb.p23.exercise_therapy", "lb.p23.group_exercise"),
        excludes=("lb.p1.self_exercise", "lb.p3.behavioural_approach"),
    ),
    "vignette 3: 45 y, SBST subscale 4 → high / profile 3 with behavioural approach": Expected(
        "strat.lb.profile_3, lb.p3.behavioural_approach",
        {"region": "low_back", "age": 45, "sex": "female", "startback": SB_HIGH},
        risk="high",
        profile="3",
        includes=("lb.p23.exercise_therapy", "lb.p3.behavioural_approach"),
    ),
    "vignette 6: neck pain 3 weeks, decreasing, no neuro signs → profile A": Expected(
        "strat.neck.profile_a",
        {"region": "neck", "age": 30, "sex": "female", "duration_weeks": 3, "course": "improving"},
        profile="A",
        radicular=False,
        manipulation="caution",
        includes=("neck.all.reassure_stay_active", "neck.all.stop_rule_6_weeks"),
        excludes=("neck.bcd.no_passive_modalities",),
    ),
    "vignette 7: neck pain 9 weeks, dominant kinesiophobia → profile C": Expected(
        "strat.neck.profile_c",
        {
            "region": "neck",
            "age": 41,
            "sex": "male",
            "duration_weeks": 9,
            "course": "not_improving",
            "psychosocial_dominant": True,
        },
        profile="C",
        includes=("neck.c.psychosocial", "neck.bcd.no_passive_modalities"),
    ),
    "vignette 8: neck + arm paraesthesia + Spurling → grade III / profile D, GP, back at 6 weeks": Expected(
        "strat.cervical_radicular, strat.neck.profile_d, neck.d.contact_gp, neck.d.back_to_gp_6_weeks",
        {
            "region": "neck",
            "age": 50,
            "sex": "female",
            "duration_weeks": 2,
            "course": "improving",
            "signs": ["arm_paraesthesia", "spurling_positive"],
        },
        profile="D",
        radicular=True,
        manipulation="caution",
        includes=("neck.d.contact_gp", "neck.d.back_to_gp_6_weeks", "neck.d.consider_mobilisation_collar_traction"),
    ),
    "neck: arm weakness + traction test also gives grade III": Expected(
        "strat.cervical_radicular",
        {"region": "neck", "signs": ["arm_weakness", "traction_test_positive"]},
        profile="D",
        radicular=True,
    ),
    "neck: arm paraesthesia without Spurling or traction test is not grade III": Expected(
        "strat.cervical_radicular",
        {"region": "neck", "duration_weeks": 2, "course": "improving", "signs": ["arm_paraesthesia"]},
        profile="A",
        radicular=False,
    ),
    "neck: recurrent, psychosocial factors not dominant → profile B": Expected(
        "strat.neck.profile_b, neck.bcd.no_passive_modalities",
        {"region": "neck", "duration_weeks": 2, "course": "recurrent", "psychosocial_dominant": False},
        profile="B",
        includes=("neck.bcd.no_passive_modalities", "neck.bcd.consider_additions"),
        excludes=("neck.c.psychosocial",),
    ),
    "neck: more than 6 weeks with unknown course is abnormal → profile B": Expected(
        "strat.neck.profile_b (duration > 6 weeks)",
        {"region": "neck", "duration_weeks": 7, "psychosocial_dominant": False},
        profile="B",
    ),
    "neck: exactly 6 weeks and improving is still a normal course → profile A": Expected(
        "strat.neck.profile_a (> 6 weeks is strict)",
        {"region": "neck", "duration_weeks": 6, "course": "improving"},
        profile="A",
    ),
    "neck: worsening within 6 weeks counts as abnormal → profile B": Expected(
        "strat.neck.profile_b (rugpad reading: worsening is not a normal course)",
        {"region": "neck", "duration_weeks": 2, "course": "worsening", "psychosocial_dominant": False},
        profile="B",
    ),
    "neck: abnormal course, psychosocial dominance unknown → undecided (B or C)": Expected(
        "strat.neck.profile_c / strat.neck.profile_b",
        {"region": "neck", "duration_weeks": 10, "course": "not_improving"},
        profile=None,
        undecided=("profile",),
    ),
    "neck: work absence over 4 weeks in profile B → occupational physician": Expected(
        "neck.bcd.occupational_physician",
        {"region": "neck", "duration_weeks": 8, "psychosocial_dominant": False, "work_absence_weeks": 5},
        profile="B",
        includes=("neck.bcd.occupational_physician",),
    ),
    "neck: work absence of 3 weeks → no occupational physician yet": Expected(
        "neck.bcd.occupational_physician",
        {"region": "neck", "duration_weeks": 8, "psychosocial_dominant": False, "work_absence_weeks": 3},
        profile="B",
        excludes=("neck.bcd.occupational_physician",),
    ),
    "low back: leg pain below knee + SLR → lumbosacral radicular syndrome": Expected(
        "strat.lumbosacral_radicular, lb.lrs.reevaluate_6_8_weeks",
        {"region": "low_back", "signs": ["leg_pain_below_knee", "slr_positive"], "startback": SB_LOW},
        profile="1",
        radicular=True,
        manipulation="caution",
        includes=("lb.lrs.reevaluate_6_8_weeks", "lb.lrs.pain_reactivity"),
    ),
    "low back: leg pain below knee + reflex loss → radicular": Expected(
        "strat.lumbosacral_radicular",
        {"region": "low_back", "signs": ["leg_pain_below_knee", "reflex_loss"]},
        radicular=True,
    ),
    "low back: SLR without leg pain below the knee → not radicular": Expected(
        "strat.lumbosacral_radicular",
        {"region": "low_back", "signs": ["slr_positive"]},
        radicular=False,
        excludes=("lb.lrs.reevaluate_6_8_weeks",),
    ),
    "low back: no STarT Back → profile undecided, needs startback": Expected(
        "strat.lb.profile_1..3",
        {"region": "low_back", "age": 40},
        risk=None,
        profile=None,
        undecided=("profile",),
        includes=("lb.all.reassure_stay_active",),
        excludes=("lb.p1.self_exercise",),
    ),
    "low back: recurrent course → ask about yellow flags now": Expected(
        "lb.all.yellow_flags_now",
        {"region": "low_back", "course": "recurrent", "startback": SB_LOW},
        profile="1",
        includes=("lb.all.yellow_flags_now",),
    ),
    "low back: not improving after 4 weeks → ask about yellow flags now": Expected(
        "lb.all.yellow_flags_now",
        {"region": "low_back", "course": "not_improving", "duration_weeks": 4, "startback": SB_LOW},
        includes=("lb.all.yellow_flags_now",),
    ),
    "low back: improving at 4 weeks → no yellow-flag prompt": Expected(
        "lb.all.yellow_flags_now",
        {"region": "low_back", "course": "improving", "duration_weeks": 4, "startback": SB_LOW},
        excludes=("lb.all.yellow_flags_now",),
    ),
    "manipulation allowed: low back, no red flag, no contra-indication": Expected(
        "no manipulation rule fires",
        {"region": "low_back", "age": 35, "sex": "male", "startback": SB_LOW},
        manipulation="allowed",
    ),
    "manipulation caution: anticoagulants": Expected(
        "manip.caution.anticoagulants",
        {"region": "low_back", "age": 35, "sex": "male", "signs": ["anticoagulants"]},
        manipulation="caution",
    ),
    "manipulation caution: osteoporosis alone (one fracture feature)": Expected(
        "manip.caution.osteoporosis",
        {"region": "low_back", "age": 50, "sex": "male", "signs": ["osteoporosis"]},
        manipulation="caution",
    ),
    "manipulation caution: every neck case (IFOMPT risk-benefit)": Expected(
        "manip.caution.neck",
        {"region": "neck", "duration_weeks": 1, "course": "improving"},
        manipulation="caution",
    ),
    "manipulation contraindicated: neck with rheumatoid arthritis": Expected(
        "manip.ci.neck_instability_risk",
        {"region": "neck", "signs": ["rheumatoid_arthritis"]},
        manipulation="contraindicated",
    ),
    "manipulation caution, not contraindicated: low back with rheumatoid arthritis": Expected(
        "manip.ci.neck_instability_risk is a neck rule",
        {"region": "low_back", "age": 50, "sex": "male", "signs": ["rheumatoid_arthritis"]},
        manipulation="allowed",
    ),
    "red flag stops the pathway: fever → urgent, profile null, only red-flag advice": Expected(
        "rf.infection, gen.red_flag.act_first",
        {"region": "low_back", "signs": ["fever"], "startback": SB_LOW},
        urgency="urgent",
        risk="low",
        profile=None,
        manipulation="contraindicated",
        includes=("gen.red_flag.act_first",),
        excludes=("lb.p1.self_exercise", "lb.all.no_routine_imaging"),
    ),
}


@pytest.mark.parametrize("label", list(CASES))
def test_rule_derived_case(label: str) -> None:
    expected = CASES[label]
    result = engine.triage(expected.payload).to_dict()
    assert result["urgency"] == expected.urgency, expected.rule
    if expected.risk != UNCHECKED:
        assert result["risk"] == expected.risk, expected.rule
    if expected.profile != UNCHECKED:
        assert result["profile"] == expected.profile, expected.rule
    if expected.radicular is not None:
        assert result["radicular"] is expected.radicular, expected.rule
    if expected.manipulation is not None:
        assert result["manipulation"] == expected.manipulation, expected.rule
    ids = {rec["id"] for rec in result["recommendations"]}  # type: ignore[attr-defined]
    assert set(expected.includes) <= ids, expected.rule
    assert not set(expected.excludes) & ids, expected.rule
    undecided = {item["item"] for item in result["undecided"]}  # type: ignore[attr-defined]
    assert set(expected.undecided) <= undecided, expected.rule


def test_there_are_at_least_25_labelled_cases() -> None:
    assert len(CASES) >= 25


def test_profile_override_is_kept_next_to_the_computed_profile() -> None:
    """KNGF B.2.1: never rely on STarT Back alone — the clinician's profile wins and both are shown."""
    result = engine.triage(
        {"region": "low_back", "startback": SB_LOW, "profile_override": {"profile": "3", "reason": "high fear"}}
    ).to_dict()
    assert result["profile"] == "3"
    assert result["profile_computed"] == "1"
    assert result["profile_override"] == {"profile": "3", "reason": "high fear"}
    assert "lb.p3.behavioural_approach" in {rec["id"] for rec in result["recommendations"]}  # type: ignore[attr-defined]


def test_profile_override_does_not_lift_a_red_flag_stop() -> None:
    result = engine.triage(
        {"region": "low_back", "signs": ["fever"], "profile_override": {"profile": "2", "reason": "x"}}
    )
    assert result.profile is None
    assert result.profile_override is not None


def test_incomplete_startback_gives_no_risk_and_says_so() -> None:
    result = engine.triage({"region": "low_back", "startback": {"1": 1}})
    assert result.risk is None
    assert "risk" in {item.item for item in result.undecided}


def test_reevaluation_is_the_earliest_of_the_recommendations_that_apply() -> None:
    low_back = engine.triage({"region": "low_back", "signs": ["leg_pain_below_knee", "slr_positive"]})
    neck = engine.triage({"region": "neck", "duration_weeks": 1, "course": "improving"})
    assert low_back.reevaluate_after_weeks == 3
    assert neck.reevaluate_after_weeks == 6


def test_dutch_output_uses_the_dutch_texts() -> None:
    result = engine.triage({"region": "low_back", "signs": ["bladder_dysfunction"]}).to_dict()
    dutch = engine.triage({"region": "low_back", "signs": ["bladder_dysfunction"]}).to_dict(lang="nl")  # type: ignore[arg-type]
    assert dutch["red_flags"][0]["action"].startswith("Nu naar de spoedeisende hulp")  # type: ignore[index]
    assert result["red_flags"][0]["action"].startswith("Go to the emergency department")  # type: ignore[index]
