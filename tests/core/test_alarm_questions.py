"""The diary's alarm questions: one sign per question, plain words, and every "yes" raises a red flag.

The red-flag rules (and their sources) decide the urgency; these tests check the questions map to the right signs
(facts §2.1a: one sign per question, plain B1 language, no jargon) and that the loader enforces it.
"""

from __future__ import annotations

from typing import Any

import pytest

from rugpad import engine
from rugpad.content import ContentError, portal
from rugpad.content.portal import load_alarm_questions
from rugpad.core.diary import triage_payloads
from rugpad.core.vocab import Lang, Region, Urgency

REQUIRED = {
    "bladder": "bladder_dysfunction",
    "bowel": "bowel_incontinence",
    "saddle_numbness": "saddle_anaesthesia",
    "both_legs": "bilateral_leg_symptoms",
    "both_legs_weaker": "progressive_bilateral_weakness",
    "limb_weaker": "progressive_weakness",
    "fever": "fever",
    "trouble_speaking": "dysarthria",
    "trouble_swallowing": "dysphagia",
    "sudden_headache": "sudden_severe_headache",
    "double_vision": "diplopia",
    "leg_numb": "dermatomal_sensory_loss",
    "arm_numb": "arm_paraesthesia",
    "unsteady_walking": "gait_disturbance",
    "sudden_fall": "drop_attacks",
    "numb_face": "facial_numbness",
}
JARGON = (
    "cervica",
    "arteri",
    "disfunctie",
    "dysfunction",
    "dysarthr",
    "dysfag",
    "dysphag",
    "diplop",
    "anesthes",
    "anaesthes",
    "incontin",
    "paresthes",
    "paraesthes",
    "radicul",
    "myelopath",
    "cauda",
    "neurolog",
)


def test_the_required_questions_each_ask_about_one_sign() -> None:
    questions = load_alarm_questions()
    assert {qid: q.signs for qid, q in questions.items()} == {qid: (sign,) for qid, sign in REQUIRED.items()}


def test_no_sign_is_asked_twice_and_no_question_needs_another_regions_rules() -> None:
    questions = load_alarm_questions().values()
    signs = [q.signs[0] for q in questions]
    assert len(signs) == len(set(signs))
    assert all(q.triage_region is None for q in questions)  # rf.acute_neurological_low_back covers back patients


@pytest.mark.parametrize("question", list(REQUIRED))
def test_questions_are_plain_words_without_clinical_jargon(question: str) -> None:
    asked = load_alarm_questions()[question].question
    for text in (asked.get(Lang.NL), asked.get(Lang.EN)):
        assert text.endswith("?")
        assert not any(word in text.lower() for word in JARGON), text


def test_the_headache_question_asks_about_the_headache_only() -> None:
    asked = load_alarm_questions()["sudden_headache"].question
    for other in ("duizel", "dubbel", "praten", "slikken", "dizz", "double", "speak", "swallow"):
        assert other not in asked.get(Lang.NL).lower() and other not in asked.get(Lang.EN).lower()


@pytest.mark.parametrize(
    ("question", "region", "rule", "urgency"),
    [
        ("sudden_headache", Region.NECK, "rf.cervical_arterial", Urgency.EMERGENCY),
        ("sudden_headache", Region.LOW_BACK, "rf.acute_neurological_low_back", Urgency.EMERGENCY),
        ("double_vision", Region.LOW_BACK, "rf.acute_neurological_low_back", Urgency.EMERGENCY),
        ("trouble_speaking", Region.NECK, "rf.cervical_arterial", Urgency.EMERGENCY),
        ("trouble_swallowing", Region.LOW_BACK, "rf.acute_neurological_low_back", Urgency.EMERGENCY),
        ("both_legs", Region.LOW_BACK, "rf.cauda_equina", Urgency.EMERGENCY),
        ("both_legs", Region.NECK, "rf.spinal_cord_compression_neck", Urgency.EMERGENCY),
        ("fever", Region.LOW_BACK, "rf.infection", Urgency.URGENT),
        ("fever", Region.NECK, "rf.infection", Urgency.URGENT),
        ("sudden_fall", Region.NECK, "rf.cervical_arterial", Urgency.EMERGENCY),
        ("sudden_fall", Region.LOW_BACK, "rf.acute_neurological_low_back", Urgency.EMERGENCY),
        ("numb_face", Region.NECK, "rf.cervical_arterial", Urgency.EMERGENCY),
        ("numb_face", Region.LOW_BACK, "rf.acute_neurological_low_back", Urgency.EMERGENCY),
        ("unsteady_walking", Region.NECK, "rf.cervical_myelopathy_possible", Urgency.SOON),
        ("unsteady_walking", Region.LOW_BACK, "rf.cervical_myelopathy_possible", Urgency.SOON),
    ],
)
def test_a_yes_is_judged_by_the_rule_of_the_patients_own_region(
    question: str, region: Region, rule: str, urgency: Urgency
) -> None:
    (payload,) = triage_payloads(load_alarm_questions(), [question], region)
    assert payload["region"] == str(region)
    result = engine.triage(payload)
    assert result.urgency is urgency
    assert rule in {flag.id for flag in result.red_flags}


@pytest.mark.parametrize(("question", "region"), [("leg_numb", Region.LOW_BACK), ("arm_numb", Region.NECK)])
def test_a_numb_leg_or_arm_alone_raises_no_red_flag(question: str, region: Region) -> None:
    """Facts §2.1a: over-triage is a defect; numbness alone is no red flag (the therapist hears it next visit)."""
    assert engine.alarm_firings([question], region) == ()


@pytest.mark.parametrize(
    ("question", "region"),
    [
        ("leg_numb", Region.LOW_BACK),
        ("leg_numb", Region.NECK),
        ("arm_numb", Region.NECK),
        ("unsteady_walking", Region.LOW_BACK),
        ("unsteady_walking", Region.NECK),
        ("limb_weaker", Region.LOW_BACK),
    ],
)
def test_numbness_or_unsteady_walking_with_cancer_on_the_records_is_cord_compression_nice_cg75(
    question: str, region: Region
) -> None:
    """NICE CG75/NG234 (secondary): cancer + sensory loss or difficulty walking → MSCC; the GP now, same day."""
    firings = engine.alarm_firings([question], region, known_signs=["history_of_cancer"])
    mscc = next(f for f in firings if f.rule_id == "rf.malignancy_cord_compression")
    assert mscc.urgency is Urgency.EMERGENCY
    assert not engine.calls_112(mscc.rule_id)
    assert "rf.malignancy_history" not in {f.rule_id for f in firings}  # the records' flag, not the diary's


@pytest.mark.parametrize("question", ["leg_numb", "arm_numb", "unsteady_walking"])
def test_numbness_or_unsteady_walking_with_an_infection_feature_is_an_epidural_abscess_uk_red_flags_2023(
    question: str,
) -> None:
    firings = engine.alarm_firings([question], Region.NECK, known_signs=["immunosuppression"])
    assert "rf.infection_neuro" in {f.rule_id for f in firings}


@pytest.mark.parametrize("question", ["sudden_fall", "numb_face", "sudden_headache", "trouble_speaking"])
@pytest.mark.parametrize("region", list(Region))
def test_stroke_like_answers_tell_the_patient_to_call_112(question: str, region: Region) -> None:
    (firing,) = engine.alarm_firings([question], region)
    assert engine.calls_112(firing.rule_id)


@pytest.mark.parametrize("question", ["bladder", "bowel", "saddle_numbness", "both_legs", "both_legs_weaker"])
@pytest.mark.parametrize("region", list(Region))
def test_bladder_bowel_saddle_and_both_legs_tell_the_patient_to_call_the_gp_now_not_112(
    question: str, region: Region
) -> None:
    """Facts §2.1 (cauda equina): emergency, same day; 112 if severe. Facts §2.1a: in NL the GP or huisartsenpost."""
    (firing,) = engine.alarm_firings([question], region)
    assert firing.urgency is Urgency.EMERGENCY
    assert not engine.calls_112(firing.rule_id)


def test_the_arm_question_is_for_neck_patients_and_the_leg_question_for_everybody() -> None:
    questions = load_alarm_questions()
    assert questions["arm_numb"].regions == frozenset({Region.NECK})
    assert questions["leg_numb"].regions == frozenset(Region)
    for question_id in ("unsteady_walking", "sudden_fall", "numb_face"):
        assert questions[question_id].regions == frozenset(Region)


def _load_with(monkeypatch: pytest.MonkeyPatch, entries: list[dict[str, Any]]) -> object:
    monkeypatch.setattr(portal, "read_yaml", lambda _path: entries)
    return portal.load_alarm_questions.__wrapped__()  # type: ignore[attr-defined]


def _entry(qid: str, signs: list[str]) -> dict[str, Any]:
    return {
        "id": qid,
        "question": {"nl": "Vraag?", "en": "Question?"},
        "signs": signs,
        "regions": ["low_back"],
        "source": "portal-alarm-questions",
        "evidence": "unverified",
    }


@pytest.mark.parametrize("signs", [[], ["fever", "dizziness"]])
def test_the_loader_refuses_a_question_without_exactly_one_sign(
    monkeypatch: pytest.MonkeyPatch, signs: list[str]
) -> None:
    with pytest.raises(ContentError, match="exactly one sign"):
        _load_with(monkeypatch, [_entry("q", signs)])


def test_the_loader_refuses_a_sign_asked_by_two_questions(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ContentError, match="already asked by 'a'"):
        _load_with(monkeypatch, [_entry("a", ["fever"]), _entry("b", ["fever"])])
