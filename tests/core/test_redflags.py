"""Emergency is never missed: every red-flag combination that must raise an emergency (or urgent GP contact) does.

All cases here are rule-derived (not published): each is built from the rule named in its test, which cites
its source in ``data/rules/red_flags.yaml``.
"""

from __future__ import annotations

import pytest

from rugpad import engine
from rugpad.core.vocab import ManipulationVerdict, Urgency

CAUDA_EQUINA_SIGNS = [
    "saddle_anaesthesia",
    "bladder_dysfunction",
    "bowel_incontinence",
    "sexual_dysfunction_new",
    "bilateral_leg_symptoms",
    "progressive_bilateral_weakness",
]
CAD_EMERGENCY_SIGNS = [
    "sudden_severe_headache",
    "diplopia",
    "dysarthria",
    "dysphagia",
    "drop_attacks",
    "nystagmus",
    "facial_numbness",
    "ataxia",
]


def flags(payload: dict[str, object]) -> dict[str, Urgency]:
    return {flag.id: flag.urgency for flag in engine.triage(payload).red_flags}


@pytest.mark.parametrize(
    ("region", "rule", "not_rule"),
    [
        ("low_back", "rf.cauda_equina", "rf.spinal_cord_compression_neck"),
        ("neck", "rf.spinal_cord_compression_neck", "rf.cauda_equina"),
    ],
)
@pytest.mark.parametrize("sign", CAUDA_EQUINA_SIGNS)
def test_each_cauda_equina_sign_alone_is_an_emergency(sign: str, region: str, rule: str, not_rule: str) -> None:
    """Rule-derived (not published): any single sign is an emergency in either region; in a neck case it is called
    spinal cord compression, not cauda equina (facts §2.1a; NHG M55 for the referral)."""
    result = engine.triage({"region": region, "signs": [sign]})
    assert result.urgency is Urgency.EMERGENCY
    raised = {flag.id for flag in result.red_flags}
    assert rule in raised and not_rule not in raised
    assert result.profile is None
    assert result.manipulation is ManipulationVerdict.CONTRAINDICATED


def test_cauda_equina_with_nothing_else_known_still_stops_everything() -> None:
    """Rule-derived (not published): rf.cauda_equina needs no age, sex, course or STarT Back."""
    result = engine.triage({"region": "low_back", "signs": ["bladder_dysfunction"]})
    assert result.to_dict()["urgency"] == "emergency"
    assert [rec.id for rec in result.recommendations] == ["gen.red_flag.act_first", "gen.red_flag.do_not_treat_yet"]


def test_vignette_4_urinary_retention_and_saddle_numbness_is_an_emergency() -> None:
    """Rule-derived vignette §6.2 no. 4: 60 y, LBP, new urinary retention, saddle numbness → CES → emergency."""
    result = engine.triage({"region": "low_back", "age": 60, "signs": ["bladder_dysfunction", "saddle_anaesthesia"]})
    assert result.urgency is Urgency.EMERGENCY
    assert result.red_flags[0].id == "rf.cauda_equina"


@pytest.mark.parametrize("sign", CAD_EMERGENCY_SIGNS)
def test_each_hard_cervical_arterial_sign_in_neck_pain_is_an_emergency(sign: str) -> None:
    """Rule-derived (not published): rf.cervical_arterial (5 D's and 3 N's, sudden severe headache)."""
    result = engine.triage({"region": "neck", "signs": [sign]})
    assert result.urgency is Urgency.EMERGENCY
    assert flags({"region": "neck", "signs": [sign]})["rf.cervical_arterial"] is Urgency.EMERGENCY
    assert result.manipulation is ManipulationVerdict.CONTRAINDICATED


def test_dizziness_with_nausea_in_neck_pain_is_an_emergency() -> None:
    """Rule-derived (not published): rf.cervical_arterial, two of the soft signs together."""
    assert engine.triage({"region": "neck", "signs": ["dizziness", "nausea"]}).urgency is Urgency.EMERGENCY


@pytest.mark.parametrize("sign", ["dizziness", "nausea"])
def test_dizziness_or_nausea_alone_in_neck_pain_means_gp_today(sign: str) -> None:
    """Rule-derived (not published): rf.cervical_arterial_possible — same day, never 'none'."""
    result = engine.triage({"region": "neck", "signs": [sign]})
    assert result.urgency is Urgency.URGENT
    assert result.manipulation is ManipulationVerdict.CONTRAINDICATED


def test_pulsatile_abdominal_mass_is_an_emergency() -> None:
    """Rule-derived (not published): rf.aortic_aneurysm."""
    assert engine.triage({"region": "low_back", "signs": ["pulsatile_abdominal_mass"]}).urgency is Urgency.EMERGENCY


@pytest.mark.parametrize("neuro", ["progressive_weakness", "severe_weakness", "myotomal_weakness", "arm_weakness"])
def test_significant_trauma_with_neurological_signs_is_an_emergency(neuro: str) -> None:
    """Rule-derived (not published): rf.fracture_trauma_neuro."""
    result = engine.triage({"region": "neck", "signs": ["significant_trauma", neuro]})
    assert result.urgency is Urgency.EMERGENCY


def test_history_of_cancer_with_progressive_weakness_is_an_emergency() -> None:
    """Rule-derived (not published): rf.malignancy_cord_compression (NICE CG75/NG234 on MSCC, secondary)."""
    result = engine.triage({"region": "low_back", "signs": ["history_of_cancer", "progressive_weakness"]})
    assert result.urgency is Urgency.EMERGENCY


# --- fracture combinations (urgent: GP same or next day) ---------------------------------------------------


@pytest.mark.parametrize("region", ["low_back", "neck"])
def test_major_trauma_alone_is_an_emergency(region: str) -> None:
    """Rule-derived (not published): rf.fracture_trauma; facts §2.1 "emergency if major trauma"."""
    result = engine.triage({"region": region, "signs": ["significant_trauma"]})
    assert result.urgency is Urgency.EMERGENCY
    assert [flag.id for flag in result.red_flags] == ["rf.fracture_trauma"]


def test_vignette_5_older_woman_on_prednisone_after_minor_fall_means_gp_same_or_next_day() -> None:
    """Rule-derived vignette §6.2 no. 5: 70 y woman, long-term prednisone, minor fall → corticosteroids + minor
    trauma → GP same/next day (rf.fracture_osteoporotic; NICE CKS via facts §2.1, secondary)."""
    result = engine.triage(
        {"region": "low_back", "age": 70, "sex": "female", "signs": ["long_term_corticosteroids", "minor_trauma"]}
    )
    assert result.urgency is Urgency.URGENT
    assert [flag.id for flag in result.red_flags] == ["rf.fracture_osteoporotic"]
    assert result.manipulation is ManipulationVerdict.CONTRAINDICATED


def test_one_fracture_feature_with_unknown_age_is_reported_undecided_not_guessed() -> None:
    """Rule-derived (not published): corticosteroids + unknown age could reach 2 informative features (age > 70),
    so rf.fracture_features is undecided and names 'age' (Downie 2013 / Williams 2013)."""
    result = engine.triage({"region": "low_back", "signs": ["long_term_corticosteroids"]})
    assert not result.red_flags
    undecided = {item.item: item.needs for item in result.undecided}
    assert undecided["rf.fracture_features"] == ("age",)


# --- other red flags --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("signs", "flag", "urgency"),
    [
        (["progressive_weakness"], "rf.neuro_deficit", Urgency.URGENT),
        (["severe_weakness"], "rf.neuro_deficit", Urgency.URGENT),
        (["history_of_cancer"], "rf.malignancy_history", Urgency.SOON),
        (["unexplained_weight_loss"], "rf.malignancy_other", Urgency.SOON),
        (["constant_night_pain"], "rf.malignancy_other", Urgency.SOON),
        (["fever"], "rf.infection", Urgency.URGENT),
        (["iv_drug_use"], "rf.infection", Urgency.URGENT),
        (["immunosuppression"], "rf.infection", Urgency.URGENT),
        (["recent_spinal_procedure"], "rf.infection", Urgency.URGENT),
        (["pain_not_eased_by_movement_or_rest"], "rf.non_mechanical_pain", Urgency.URGENT),
        (
            ["onset_before_45", "morning_stiffness_over_30min", "night_pain_second_half"],
            "rf.axial_spondyloarthritis",
            Urgency.SOON,
        ),
    ],
)
def test_low_back_red_flag_raises_its_urgency(signs: list[str], flag: str, urgency: Urgency) -> None:
    """Rule-derived (not published): the rule named in `flag` (axSpA needs back pain > 3 months: 20 weeks here)."""
    assert flags({"region": "low_back", "duration_weeks": 20, "signs": signs})[flag] is urgency


def test_inflammatory_features_without_early_onset_raise_no_axial_spondyloarthritis_flag() -> None:
    """Rule-derived (not published): rf.axial_spondyloarthritis needs onset before 45 (NICE NG65, secondary)."""
    case = {"region": "low_back", "age": 60, "duration_weeks": 20}
    assert not flags({**case, "signs": ["morning_stiffness_over_30min", "night_pain_second_half"]})


def test_vignette_9_myelopathy_cluster_of_three_or_more_means_gp_same_or_next_day() -> None:
    """Rule-derived vignette §6.2 no. 9: 58 y, clumsy hands, gait deviation, +Hoffmann, +Babinski (Cook ≥ 3/5)."""
    result = engine.triage(
        {
            "region": "neck",
            "age": 58,
            "signs": ["hand_clumsiness", "gait_disturbance", "hoffmann_sign", "babinski_sign"],
        }
    )
    assert (
        flags({"region": "neck", "age": 58, "signs": ["gait_disturbance", "hoffmann_sign"]})["rf.cervical_myelopathy"]
        is Urgency.URGENT
    )
    assert result.urgency is Urgency.URGENT
    assert result.manipulation is ManipulationVerdict.CONTRAINDICATED


def test_two_myelopathy_rules_under_45_give_possible_myelopathy_not_the_cluster() -> None:
    """Rule-derived (not published): Cook's cluster needs 3 of 5; 2 signs raise rf.cervical_myelopathy_possible."""
    raised = flags({"region": "neck", "age": 40, "signs": ["gait_disturbance", "hoffmann_sign"]})
    assert "rf.cervical_myelopathy" not in raised
    assert raised["rf.cervical_myelopathy_possible"] is Urgency.SOON


@pytest.mark.parametrize("sign", ["need_to_support_head", "lip_paraesthesia"])
def test_upper_cervical_instability_symptom_means_gp_same_or_next_day(sign: str) -> None:
    """Rule-derived (not published): rf.upper_cervical_instability (unverified; the safer urgency)."""
    assert flags({"region": "neck", "signs": [sign]})["rf.upper_cervical_instability"] is Urgency.URGENT


def test_the_most_urgent_red_flag_decides_and_comes_first() -> None:
    """Rule-derived (not published): urgency is the minimum rank over raised flags."""
    result = engine.triage(
        {"region": "low_back", "signs": ["unexplained_weight_loss", "iv_drug_use", "saddle_anaesthesia"]}
    )
    assert result.urgency is Urgency.EMERGENCY
    ranks = [flag.urgency.rank for flag in result.red_flags]
    assert ranks == sorted(ranks)
    assert {flag.urgency for flag in result.red_flags} == {Urgency.EMERGENCY, Urgency.URGENT, Urgency.SOON}


def test_neck_only_red_flags_do_not_fire_for_low_back() -> None:
    """Rule-derived (not published): dizziness or nausea alone is a neck (arterial) flag only."""
    assert engine.triage({"region": "low_back", "signs": ["dizziness"]}).urgency is Urgency.NONE
    assert engine.triage({"region": "low_back", "signs": ["nausea"]}).urgency is Urgency.NONE


@pytest.mark.parametrize(
    "sign",
    [
        "sudden_severe_headache",
        "diplopia",
        "dysarthria",
        "dysphagia",
        "drop_attacks",
        "nystagmus",
        "facial_numbness",
        "ataxia",
    ],
)
def test_stroke_signs_are_an_emergency_in_a_low_back_case_too(sign: str) -> None:
    """Rule-derived (not published): rf.acute_neurological_low_back (safer choice; unverified)."""
    result = engine.triage({"region": "low_back", "signs": [sign]})
    assert result.urgency is Urgency.EMERGENCY
    assert [flag.id for flag in result.red_flags] == ["rf.acute_neurological_low_back"]


@pytest.mark.parametrize("neuro", ["progressive_weakness", "severe_weakness", "gait_disturbance"])
def test_infection_with_a_worsening_deficit_is_an_emergency(neuro: str) -> None:
    """Rule-derived (not published): rf.infection_neuro (possible epidural abscess; UK Community Red Flags 2023,
    secondary)."""
    result = engine.triage({"region": "low_back", "signs": ["fever", "iv_drug_use", neuro]})
    assert result.urgency is Urgency.EMERGENCY
    assert "rf.infection_neuro" in [flag.id for flag in result.red_flags]
