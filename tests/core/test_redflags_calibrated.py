"""Red flags calibrated against facts §2.1-2.1b: what must alarm, and ordinary back pain that must not.

Every case is rule-derived (not published; facts §6.2 found no published vignettes). Each test names the rule and
its source: NICE CG75/NG234 (metastatic spinal cord compression, secondary), the UK Community Red Flags pathway
2023 (spinal infection, secondary), Downie 2013 / Williams 2013 (fracture features, verified), NICE CKS (minor
trauma only with osteoporosis or corticosteroids, secondary), NICE NG65 (axial spondyloarthritis, secondary),
KNGF (lumbosacral radicular syndrome, secondary), NICE NG59 vs NHG M54 (paracetamol, verified disagreement).
Over-triage is a defect too (facts §2.1a): the "must not alarm" cases are as binding as the emergencies.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from rugpad import engine
from rugpad.content import ContentError, load_sources, read_yaml
from rugpad.content.rules import parse_rulebook
from rugpad.core.triage import TriageResult
from rugpad.core.vocab import Evidence, Lang, ManipulationVerdict, Region, Strength, Urgency

SB_LOW = {"1": 0, "2": 1, "3": 1, "4": 0, "5": 0, "6": 0, "7": 0, "8": 0, "9": 1}  # total 2 → low

NEW_DEFICIT = {
    "radicular pain": "leg_pain_below_knee",
    "radicular pain (arm)": "arm_pain_below_elbow",
    "radicular pain (positive straight-leg raise)": "slr_positive",
    "radicular pain (positive Spurling)": "spurling_positive",
    "leg weakness": "myotomal_weakness",
    "arm weakness": "arm_weakness",
    "worsening weakness": "progressive_weakness",
    "sensory loss (dermatome)": "dermatomal_sensory_loss",
    "sensory loss (arm)": "arm_paraesthesia",
    "reflex loss": "reflex_loss",
    "difficulty walking": "gait_disturbance",
    "bladder dysfunction": "bladder_dysfunction",
    "bowel dysfunction": "bowel_incontinence",
}
"""One sign per kind of new neurological deficit named in facts §2.1 (MSCC and infection rows)."""

INFECTION_FEATURES = ["fever", "iv_drug_use", "immunosuppression", "recent_spinal_procedure"]


def triage(**case: Any) -> TriageResult:
    return engine.triage(case)


def flag_ids(result: TriageResult) -> set[str]:
    return {flag.id for flag in result.red_flags}


def rec_ids(result: TriageResult) -> set[str]:
    return {rec.id for rec in result.recommendations}


# --- metastatic spinal cord compression: NICE CG75 rec. 1.3.1.3 / NG234 (secondary) -----------------------------


@pytest.mark.parametrize("region", ["low_back", "neck"])
@pytest.mark.parametrize("deficit", list(NEW_DEFICIT))
def test_cancer_with_any_new_deficit_is_metastatic_cord_compression_an_emergency_nice_cg75(
    deficit: str, region: str
) -> None:
    """NICE CG75/NG234 (secondary): known or past cancer + any new neurological symptom → emergency, both regions."""
    result = triage(region=region, age=64, signs=["history_of_cancer", NEW_DEFICIT[deficit]])
    assert result.urgency is Urgency.EMERGENCY
    assert "rf.malignancy_cord_compression" in flag_ids(result)
    assert result.pathway_stopped and result.profile is None
    assert result.manipulation is ManipulationVerdict.CONTRAINDICATED


def test_metastatic_cord_compression_says_contact_acute_oncology_now_and_cites_nice_as_secondary() -> None:
    flag = next(f for f in engine.rulebook().red_flags if f.id == "rf.malignancy_cord_compression")
    assert "acute oncology" in flag.action.get(Lang.EN) and "acute oncologie" in flag.action.get(Lang.NL)
    assert "spoedeisende hulp" in flag.action.get(Lang.NL) and "emergency department" in flag.action.get(Lang.EN)
    assert flag.source == "nice-mscc" and flag.evidence is Evidence.SECONDARY
    assert "NG234" in load_sources()["nice-mscc"].citation
    assert "cord compression" in flag.name.get(Lang.EN) and "cauda" not in flag.name.get(Lang.EN).lower()


@pytest.mark.parametrize("region", ["low_back", "neck"])
def test_history_of_cancer_alone_is_a_gp_referral_not_urgent_downie_2013(region: str) -> None:
    """Facts §2.1 (Downie 2013, verified): cancer history is the strongest malignancy flag; the action is a GP
    referral, urgent only with neurological signs (that is MSCC, an emergency). Still a red flag: the pathway waits
    for the GP and there is no manipulation meanwhile."""
    result = triage(region=region, age=64, signs=["history_of_cancer"])
    assert result.urgency is Urgency.SOON
    assert flag_ids(result) == {"rf.malignancy_history"}
    assert result.pathway_stopped and result.profile is None
    assert result.manipulation is ManipulationVerdict.CONTRAINDICATED
    flag = result.red_flags[0]
    assert "huisarts" in flag.action.get(Lang.NL) and "GP" in flag.action.get(Lang.EN)
    assert "today" not in flag.action.get(Lang.EN) and "vandaag" not in flag.action.get(Lang.NL)
    assert flag.source == "downie-henw-redflags"


# --- radicular pain or a positive nerve-root test counts as a new deficit (facts §2.1: "radicular pain") ---------


@pytest.mark.parametrize("region", ["low_back", "neck"])
def test_cancer_with_a_positive_straight_leg_raise_is_metastatic_cord_compression_nice_cg75(region: str) -> None:
    """NICE CG75/NG234 (secondary): a positive SLR reproduces radicular pain; with cancer that is an emergency."""
    result = triage(region=region, signs=["history_of_cancer", "slr_positive"])
    assert result.urgency is Urgency.EMERGENCY
    assert "rf.malignancy_cord_compression" in flag_ids(result)


@pytest.mark.parametrize("sign", ["spurling_positive", "arm_pain_below_elbow"])
def test_cancer_with_arm_radicular_pain_in_a_neck_case_is_metastatic_cord_compression_nice_cg75(sign: str) -> None:
    """The review's case: {"region": "neck", "signs": ["history_of_cancer", "spurling_positive"]} was only urgent."""
    result = triage(region="neck", signs=["history_of_cancer", sign])
    assert result.urgency is Urgency.EMERGENCY
    assert "rf.malignancy_cord_compression" in flag_ids(result)


@pytest.mark.parametrize("feature", INFECTION_FEATURES)
@pytest.mark.parametrize("sign", ["spurling_positive", "arm_pain_below_elbow", "slr_positive"])
def test_infection_with_radicular_pain_or_a_positive_nerve_root_test_is_an_emergency_uk_red_flags_2023(
    feature: str, sign: str
) -> None:
    """UK Community Red Flags 2023 (secondary): infection + radicular pain → emergency (possible epidural abscess)."""
    result = triage(region="neck", signs=[feature, sign])
    assert result.urgency is Urgency.EMERGENCY
    assert "rf.infection_neuro" in flag_ids(result)


@pytest.mark.parametrize(
    ("region", "signs"),
    [
        ("low_back", ["slr_positive"]),
        ("low_back", ["slr_positive", "leg_pain_below_knee"]),
        ("neck", ["spurling_positive"]),
        ("neck", ["arm_pain_below_elbow"]),
        ("neck", ["arm_pain_below_elbow", "spurling_positive"]),
    ],
)
def test_radicular_pain_or_a_nerve_root_test_without_cancer_or_infection_raises_no_red_flag(
    region: str, signs: list[str]
) -> None:
    """Facts §2.1a: over-triage is a defect; radicular pain alone is a radicular syndrome (KNGF), not a red flag."""
    result = triage(region=region, startback=SB_LOW, signs=signs)
    assert not result.red_flags and result.urgency is Urgency.NONE
    assert not result.pathway_stopped


def test_slr_alone_is_no_lumbosacral_radicular_syndrome_and_leg_pain_below_the_knee_still_is_kngf() -> None:
    """KNGF (secondary): the label needs leg pain below the knee; a positive SLR is neither needed nor enough."""
    assert triage(region="low_back", startback=SB_LOW, signs=["slr_positive"]).radicular is False
    assert triage(region="low_back", startback=SB_LOW, signs=["leg_pain_below_knee", "slr_positive"]).radicular


def test_arm_pain_below_the_elbow_is_not_a_cervical_radicular_sign_kngf_neck_2016() -> None:
    """KNGF Nekpijn 2016 (facts §1.5): grade III needs a radicular sign (paraesthesia, numbness, strength, reflexes,
    sensation) and a positive Spurling or traction test; arm pain is not among the signs, so it does not count."""
    case = {"region": "neck", "duration_weeks": 2, "course": "improving", "psychosocial_dominant": False}
    assert triage(**case, signs=["arm_pain_below_elbow", "spurling_positive"]).radicular is False
    result = triage(**case, signs=["arm_paraesthesia", "spurling_positive"])
    assert result.radicular is True and result.profile == "D"
    rule = next(r for r in engine.rulebook().radicular_rules if r.id == "strat.cervical_radicular")
    assert "arm_pain_below_elbow" not in rule.condition.signs


# --- spinal infection: UK Community Red Flags pathway 2023 (secondary) -------------------------------------------


@pytest.mark.parametrize("region", ["low_back", "neck"])
@pytest.mark.parametrize("deficit", list(NEW_DEFICIT))
@pytest.mark.parametrize("feature", INFECTION_FEATURES)
def test_infection_with_any_new_deficit_is_an_epidural_abscess_emergency_uk_red_flags_2023(
    feature: str, deficit: str, region: str
) -> None:
    """UK Community Red Flags 2023 (secondary): infection features + any new neurological deficit → emergency."""
    result = triage(region=region, signs=[feature, NEW_DEFICIT[deficit]])
    assert result.urgency is Urgency.EMERGENCY
    assert "rf.infection_neuro" in flag_ids(result)


@pytest.mark.parametrize("feature", INFECTION_FEATURES)
def test_infection_features_alone_mean_the_gp_the_same_day_uk_red_flags_2023(feature: str) -> None:
    """UK Community Red Flags 2023 (secondary): suspected infection → GP the same day, not 'same or next day'."""
    result = triage(region="low_back", signs=[feature])
    assert result.urgency is Urgency.URGENT
    assert flag_ids(result) == {"rf.infection"}
    action = result.red_flags[0].action
    assert (
        "today" in action.get(Lang.EN) and "tomorrow" in action.get(Lang.EN) and "not tomorrow" in action.get(Lang.EN)
    )
    assert "vandaag" in action.get(Lang.NL).lower() and "of morgen" not in action.get(Lang.NL)


def test_infection_rules_cite_the_community_pathway_as_secondary() -> None:
    flags = {f.id: f for f in engine.rulebook().red_flags}
    for rule_id in ("rf.infection", "rf.infection_neuro"):
        assert flags[rule_id].source == "spinal-infection-community-pathway"
        assert flags[rule_id].evidence is Evidence.SECONDARY


# --- vertebral fracture: Downie 2013, Williams 2013 / Han 2023 (verified); NICE CKS (secondary) -----------------


def test_a_67_year_old_woman_with_ordinary_mechanical_back_pain_gets_no_red_flag_and_a_profile_downie_2013() -> None:
    """Facts §6.2 no. 5 (second half) and Downie 2013: female sex and age 65-70 are not informative."""
    result = triage(
        region="low_back", age=67, sex="female", duration_weeks=2, course="improving", startback=SB_LOW, signs=[]
    )
    assert result.urgency is Urgency.NONE and not result.red_flags
    assert not result.pathway_stopped
    assert result.profile == "1"
    assert not [item for item in result.undecided if item.item.startswith("rf.")]
    assert result.manipulation is ManipulationVerdict.ALLOWED


@pytest.mark.parametrize("age", [40, 65, 66, 69, 70])
def test_female_sex_never_counts_as_a_fracture_feature_downie_2013(age: int) -> None:
    """Downie 2013 (verified): female sex and age 65-70 are not informative; with corticosteroids it is one feature."""
    result = triage(region="low_back", age=age, sex="female", signs=["long_term_corticosteroids"])
    assert not result.red_flags


@pytest.mark.parametrize("sign", ["strain_onset", "minor_trauma"])
def test_pain_that_started_while_lifting_or_after_a_minor_fall_raises_no_fracture_flag_nice_cks(sign: str) -> None:
    """NICE CKS (secondary): a strain or minor trauma counts only with osteoporosis or prolonged corticosteroids."""
    result = triage(region="low_back", age=55, sex="male", startback=SB_LOW, signs=[sign])
    assert not result.red_flags
    assert result.profile == "1"


@pytest.mark.parametrize("trauma", ["strain_onset", "minor_trauma"])
@pytest.mark.parametrize("weak_bone", ["osteoporosis", "long_term_corticosteroids"])
def test_minor_trauma_or_a_lift_with_osteoporosis_or_steroids_means_gp_same_or_next_day_nice_cks(
    trauma: str, weak_bone: str
) -> None:
    """NICE CKS (secondary): minor trauma or a strain with known osteoporosis or prolonged corticosteroids → urgent."""
    result = triage(region="low_back", age=55, signs=[trauma, weak_bone])
    assert result.urgency is Urgency.URGENT
    assert "rf.fracture_osteoporotic" in flag_ids(result)
    assert result.manipulation is ManipulationVerdict.CONTRAINDICATED


def test_no_sign_but_strain_onset_equates_lifting_with_an_injury() -> None:
    """Facts §2.1: 'a lift or an awkward movement' is not trauma; only the strain sign may speak of lifting."""
    for sign in engine.rulebook().signs.values():
        if sign.group != "fracture":
            continue
        words = " ".join(text.get(lang) for text in (sign.label, sign.question) for lang in (Lang.EN, Lang.NL)).lower()
        if "lift" in words or "tillen" in words:
            assert sign.id == "strain_onset", sign.id


@pytest.mark.parametrize(("age", "flagged"), [(70, False), (71, True)])
def test_age_over_70_counts_as_a_fracture_feature_from_71_williams_2013(age: int, flagged: bool) -> None:
    """Williams 2013 / Downie 2013 (verified): older age (> 70) + corticosteroids = 2 features → urgent."""
    result = triage(region="low_back", age=age, signs=["long_term_corticosteroids"])
    assert ("rf.fracture_features" in flag_ids(result)) is flagged
    assert result.urgency is (Urgency.URGENT if flagged else Urgency.NONE)


@pytest.mark.parametrize(
    "pair",
    [
        {"age": 75, "signs": ["contusion_or_abrasion"]},
        {"age": 50, "signs": ["contusion_or_abrasion", "long_term_corticosteroids"]},
        {"age": 75, "signs": ["long_term_corticosteroids"]},
    ],
)
def test_two_informative_fracture_features_mean_gp_same_or_next_day_downie_2013(pair: dict[str, Any]) -> None:
    """Downie 2013 (verified): several informative features together → GP same or next day (urgent)."""
    result = triage(region="neck", **pair)
    assert result.urgency is Urgency.URGENT
    assert flag_ids(result) == {"rf.fracture_features"}


@pytest.mark.parametrize("signs", [["contusion_or_abrasion"], ["long_term_corticosteroids"], ["osteoporosis"]])
def test_one_informative_fracture_feature_alone_is_no_red_flag_downie_2013(signs: list[str]) -> None:
    """Downie 2013 (verified): one feature alone is weak; 80 % of back patients carry some red-flag feature."""
    assert not triage(region="low_back", age=50, sex="female", signs=signs).red_flags


def test_osteoporosis_with_age_over_70_but_no_trauma_is_no_red_flag() -> None:
    """Facts §2.1: osteoporosis counts together with minor trauma or a strain, not as an informative feature alone."""
    result = triage(region="low_back", age=80, sex="female", signs=["osteoporosis"])
    assert not result.red_flags
    assert result.manipulation is ManipulationVerdict.CAUTION  # manip.caution.osteoporosis still applies


@pytest.mark.parametrize("age", [71, 72, 90])
def test_age_over_70_alone_does_not_stop_the_pathway_but_is_named_for_the_clinician_downie_2013(age: int) -> None:
    """Facts §2.1: 'age > 70 alone → name it, clinician judges (no block)'."""
    result = triage(region="low_back", age=age, sex="female", startback=SB_LOW)
    assert result.urgency is Urgency.NONE and not result.red_flags
    assert not result.pathway_stopped
    assert result.profile == "1"
    assert "gen.older_age_fracture_feature" in rec_ids(result)
    note = next(rec for rec in result.recommendations if rec.id == "gen.older_age_fracture_feature")
    assert note.strength is Strength.CONSIDER


def test_age_70_gets_no_older_age_note() -> None:
    assert "gen.older_age_fracture_feature" not in rec_ids(triage(region="neck", age=70))


@pytest.mark.parametrize("region", ["low_back", "neck"])
def test_significant_trauma_is_still_an_emergency_williams_2013(region: str) -> None:
    """Williams 2013 (verified, LR+ 3-13): significant trauma → emergency."""
    assert triage(region=region, signs=["significant_trauma"]).urgency is Urgency.EMERGENCY


# --- axial spondyloarthritis: NICE NG65 via secondary sources ----------------------------------------------------

AXSPA_SIGNS = ["onset_before_45", "morning_stiffness_over_30min", "night_pain_second_half"]


@pytest.mark.parametrize(("weeks", "flagged"), [(13, False), (14, True)])
def test_axial_spondyloarthritis_needs_back_pain_for_more_than_3_months_nice_ng65(weeks: int, flagged: bool) -> None:
    """NICE NG65 (secondary): only for back pain lasting > 3 months (more than 13 weeks)."""
    result = triage(region="low_back", age=35, duration_weeks=weeks, signs=AXSPA_SIGNS)
    assert ("rf.axial_spondyloarthritis" in flag_ids(result)) is flagged


@pytest.mark.parametrize(("age", "flagged"), [(46, True), (47, False)])
def test_axial_spondyloarthritis_needs_onset_before_45_nice_ng65(age: int, flagged: bool) -> None:
    """NICE NG65 (secondary): pain that began before 45; 104 weeks of pain → onset age 44 (age 46) or 45 (age 47)."""
    signs = ["morning_stiffness_over_30min", "improves_with_exercise_not_rest"]
    result = triage(region="low_back", age=age, duration_weeks=104, signs=signs)
    assert ("rf.axial_spondyloarthritis" in flag_ids(result)) is flagged


def test_a_2_week_episode_with_morning_stiffness_gets_no_axial_spondyloarthritis_flag_nice_ng65() -> None:
    """Facts §2.1: morning stiffness in a 2-week episode is not a flag."""
    result = triage(region="low_back", age=30, duration_weeks=2, startback=SB_LOW, signs=AXSPA_SIGNS)
    assert result.urgency is Urgency.NONE and not result.red_flags
    assert result.profile == "1"


def test_axial_spondyloarthritis_is_reported_but_does_not_stop_exercise_nice_ng65() -> None:
    """NICE NG65 (secondary): refer 'soon'; exercise is first-line care, so the pathway stays open."""
    result = triage(region="low_back", age=35, duration_weeks=30, startback=SB_LOW, signs=AXSPA_SIGNS)
    assert result.urgency is Urgency.SOON
    assert flag_ids(result) == {"rf.axial_spondyloarthritis"}
    assert not result.pathway_stopped
    assert result.profile == "1"
    ids = rec_ids(result)
    assert "lb.p1.self_exercise" in ids and "lb.all.reassure_stay_active" in ids
    assert not {"gen.red_flag.act_first", "gen.red_flag.do_not_treat_yet"} & ids
    out = result.to_dict()
    assert out["pathway_stopped"] is False and out["profile"] == "1"
    assert out["red_flags"][0]["stops_pathway"] is False  # type: ignore[index]
    assert "exercise" in result.red_flags[0].action.get(Lang.EN).lower()


def test_axial_spondyloarthritis_with_a_stopping_red_flag_still_stops_the_pathway() -> None:
    result = triage(region="low_back", age=35, duration_weeks=30, signs=[*AXSPA_SIGNS, "fever"])
    assert result.urgency is Urgency.URGENT
    assert result.pathway_stopped and result.profile is None


def test_axial_spondyloarthritis_with_unknown_duration_is_undecided_not_guessed() -> None:
    result = triage(region="low_back", age=35, signs=AXSPA_SIGNS)
    assert not result.red_flags
    undecided = {item.item: item.needs for item in result.undecided}
    assert undecided["rf.axial_spondyloarthritis"] == ("duration_weeks",)


# --- lumbosacral radicular syndrome: KNGF definition (secondary) ------------------------------------------------


def test_leg_pain_below_the_knee_alone_is_a_lumbosacral_radicular_syndrome_kngf() -> None:
    """KNGF (via fysionet, secondary): radiating pain in one leg below the knee, with or without deficit."""
    result = triage(region="low_back", startback=SB_LOW, signs=["leg_pain_below_knee"])
    assert result.radicular is True
    assert not result.red_flags
    assert "lb.lrs.reevaluate_6_8_weeks" in rec_ids(result)
    rule = next(r for r in engine.rulebook().radicular_rules if r.id == "strat.lumbosacral_radicular")
    assert rule.condition.signs == frozenset({"leg_pain_below_knee"})
    assert rule.source == "kngf-lrs-definition"


# --- paracetamol: NICE NG59 and NHG M54 disagree (verified both) ------------------------------------------------


def test_paracetamol_advice_shows_both_guidelines_and_leaves_the_choice_to_the_gp_nice_ng59_nhg_m54() -> None:
    recs = [rec for rec in engine.rulebook().recommendations if "paracetamol" in rec.text.get(Lang.EN).lower()]
    assert [rec.id for rec in recs] == ["lb.all.painkillers_gp_decides"]
    rec = recs[0]
    assert rec.strength is Strength.CONSIDER
    for words in (rec.text.get(Lang.EN), rec.text.get(Lang.NL)):
        assert "NICE" in words and "NHG" in words and ("GP" in words or "huisarts" in words)
    assert rec.source == "analgesics-nice-nhg-disagree"
    assert not any(
        r.strength is Strength.DO_NOT and "paracetamol" in r.text.get(Lang.EN).lower()
        for r in engine.rulebook().recommendations
    )


# --- names: a neck case is spinal cord compression, never cauda equina (facts §2.1a) ------------------------------


def test_no_red_flag_that_can_fire_in_a_neck_case_is_called_cauda_equina() -> None:
    for flag in engine.rulebook().for_region(Region.NECK).red_flags:
        for text in (
            flag.name.get(Lang.EN),
            flag.name.get(Lang.NL),
            flag.action.get(Lang.EN),
            flag.action.get(Lang.NL),
        ):
            assert "cauda" not in text.lower(), flag.id


# --- the loader: stops_pathway is declared and checked -------------------------------------------------------------


def _raw() -> dict[str, Any]:
    return {
        "signs": read_yaml("rules/signs.yaml"),
        "red_flags": copy.deepcopy(read_yaml("rules/red_flags.yaml")),
        "stratify": read_yaml("rules/stratify.yaml"),
        "pathway": read_yaml("rules/pathway.yaml"),
        "manipulation": read_yaml("rules/manipulation.yaml"),
    }


@pytest.mark.parametrize(
    ("value", "urgency", "message"),
    [
        ("no", "soon", "stops_pathway must be true or false"),
        (False, "urgent", "only a 'soon' red flag may leave the pathway open"),
        (False, "emergency", "only a 'soon' red flag may leave the pathway open"),
    ],
)
def test_a_bad_stops_pathway_is_a_content_error(value: object, urgency: str, message: str) -> None:
    files = _raw()
    files["red_flags"][0].pop("patient_instruction", None)  # only an emergency may declare one
    files["red_flags"][0].update(stops_pathway=value, urgency=urgency)
    with pytest.raises(ContentError, match=message):
        parse_rulebook(**files, sources=load_sources())


def test_only_axial_spondyloarthritis_leaves_the_pathway_open() -> None:
    open_flags = [flag.id for flag in engine.rulebook().red_flags if not flag.stops_pathway]
    assert open_flags == ["rf.axial_spondyloarthritis"]
