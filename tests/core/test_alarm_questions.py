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
from rugpad.core.vocab import Region, Urgency

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
    for text in (asked.nl, asked.en):
        assert text.endswith("?")
        assert not any(word in text.lower() for word in JARGON), text


def test_the_headache_question_asks_about_the_headache_only() -> None:
    asked = load_alarm_questions()["sudden_headache"].question
    for other in ("duizel", "dubbel", "praten", "slikken", "dizz", "double", "speak", "swallow"):
        assert other not in asked.nl.lower() and other not in asked.en.lower()


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
