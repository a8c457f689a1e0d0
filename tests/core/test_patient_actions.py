"""What a patient is told per red flag, per country (facts §2.1a): a clear instruction, the right number, no caveats.

Netherlands: 112 for a threatening emergency; most urgent back problems go to the GP or, out of hours, the
huisartsenpost. Belgium: 112; out of hours the GP on call, 1733, or the spoedgevallen. Facts §2.1 (cauda equina):
"emergency - same day (A&E / spoedgevallen, 112 if severe)". So an emergency has two levels for the patient, and each
emergency rule declares which (red_flags.yaml: patient_instruction). Source: rugpad-urgency-levels.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from rugpad import engine
from rugpad.content import ContentError, load_sources, read_yaml
from rugpad.content.patient_actions import load_patient_actions
from rugpad.content.rules import parse_rulebook
from rugpad.core.errors import InvalidInput
from rugpad.core.rules import PatientInstruction
from rugpad.core.vocab import Lang, Urgency

LEVELS = [Urgency.EMERGENCY, Urgency.URGENT, Urgency.SOON]
COUNTRIES = ["nl", "be"]
HEDGES = ("unverified", "niet geverifieerd", "misschien", "maybe", "perhaps", "eventueel", "if severe", "bij ernst")

CALL_112 = {
    "rf.cervical_arterial": "stroke-like signs (neck)",
    "rf.acute_neurological_low_back": "stroke-like signs (low back)",
    "rf.aortic_aneurysm": "suspected aortic aneurysm",
    "rf.fracture_trauma_neuro": "major trauma with neurological signs",
}
SAME_DAY = {
    "rf.cauda_equina": "cauda equina syndrome",
    "rf.spinal_cord_compression_neck": "spinal cord compression (neck)",
    "rf.malignancy_cord_compression": "metastatic spinal cord compression",
    "rf.infection_neuro": "epidural abscess",
    "rf.fracture_trauma": "major trauma without neurological signs",
}


def text_of(level: PatientInstruction, country: str, lang: Lang) -> str:
    return load_patient_actions()[country][level].get(lang)


def test_every_country_gives_every_level_in_both_languages() -> None:
    actions = load_patient_actions()
    assert sorted(actions) == sorted(COUNTRIES)
    for country in COUNTRIES:
        assert set(actions[country]) == set(PatientInstruction)
        for level in PatientInstruction:
            assert actions[country][level].get(Lang.NL) and actions[country][level].get(Lang.EN)


# --- which emergencies call 112 ------------------------------------------------------------------------------------


def test_every_emergency_rule_is_one_of_the_two_emergency_levels_and_the_split_is_the_reviewed_one() -> None:
    emergencies = {f.id: f.patient_instruction for f in engine.rulebook().red_flags if f.urgency is Urgency.EMERGENCY}
    assert emergencies == {
        **dict.fromkeys(CALL_112, PatientInstruction.CALL_112),
        **dict.fromkeys(SAME_DAY, PatientInstruction.SAME_DAY_EMERGENCY),
    }


@pytest.mark.parametrize("rule_id", list(CALL_112))
def test_threatening_emergencies_tell_the_patient_to_call_112_now(rule_id: str) -> None:
    assert engine.calls_112(rule_id) and engine.calls_112(engine.red_flag(rule_id))  # type: ignore[arg-type]
    for country in COUNTRIES:
        for lang in Lang:
            text = engine.patient_instruction(rule_id, country).get(lang)
            assert text.startswith(("Bel nu meteen 112", "Call 112 right now", "Appelez immédiatement le 112")), text


@pytest.mark.parametrize("rule_id", list(SAME_DAY))
def test_same_day_emergencies_tell_the_patient_to_call_the_gp_now_and_112_only_when_severe(rule_id: str) -> None:
    assert not engine.calls_112(rule_id)
    assert (
        engine.patient_instruction(rule_id, "nl") == load_patient_actions()["nl"][PatientInstruction.SAME_DAY_EMERGENCY]
    )
    assert (
        engine.patient_instruction(rule_id, "be") == load_patient_actions()["be"][PatientInstruction.SAME_DAY_EMERGENCY]
    )


@pytest.mark.parametrize("lang", list(Lang))
def test_in_the_netherlands_a_same_day_emergency_is_the_gp_now_or_the_huisartsenpost_and_112_when_severe(
    lang: Lang,
) -> None:
    text = text_of(PatientInstruction.SAME_DAY_EMERGENCY, "nl", lang)
    assert "huisartsenpost" in text and "1733" not in text
    assert ("dringend" in text) if lang is Lang.NL else ("urgent" in text)
    assert not text.startswith(("Bel nu meteen 112", "Call 112", "Appelez immédiatement le 112"))
    # 112 only for what a patient can check: cannot walk, cannot pass urine at all, feels very ill.
    words = {
        Lang.NL: ("niet lopen", "helemaal niet plassen", "heel erg ziek", "Bel dan 112."),
        Lang.EN: ("cannot walk", "cannot pass urine at all", "very ill", "call 112."),
        Lang.FR: ("ne pouvez pas marcher", "plus du tout à uriner", "très malade", "Appelez alors le 112."),
    }[lang]
    assert all(word in text for word in words), text


@pytest.mark.parametrize("lang", list(Lang))
def test_in_belgium_a_same_day_emergency_is_the_gp_now_the_gp_on_call_1733_or_spoedgevallen_and_112(
    lang: Lang,
) -> None:
    text = text_of(PatientInstruction.SAME_DAY_EMERGENCY, "be", lang)
    emergency_department = "service des urgences" if lang is Lang.FR else "spoedgevallen"
    assert "1733" in text and emergency_department in text and "112" in text
    assert "huisartsenpost" not in text


@pytest.mark.parametrize("country", COUNTRIES)
@pytest.mark.parametrize("lang", list(Lang))
def test_emergency_texts_are_clear_instructions_without_doubt(country: str, lang: Lang) -> None:
    for level in (PatientInstruction.CALL_112, PatientInstruction.SAME_DAY_EMERGENCY):
        text = text_of(level, country, lang)
        assert "112" in text
        assert not any(hedge in text.lower() for hedge in HEDGES), text


# --- the other urgencies -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", list(Lang))
def test_in_the_netherlands_urgent_means_the_gp_today_or_the_huisartsenpost(lang: Lang) -> None:
    text = engine.patient_action(Urgency.URGENT, "nl").get(lang)
    assert "huisartsenpost" in text
    assert "1733" not in text and "112" not in text


@pytest.mark.parametrize("lang", list(Lang))
def test_in_belgium_urgent_means_the_gp_today_or_the_gp_on_call_at_1733(lang: Lang) -> None:
    text = engine.patient_action(Urgency.URGENT, "be").get(lang)
    assert "1733" in text
    assert "huisartsenpost" not in text and "112" not in text


def test_urgent_and_soon_rules_read_their_own_urgencys_text_and_never_show_a_112_button() -> None:
    for flag in engine.rulebook().red_flags:
        if flag.urgency is Urgency.EMERGENCY:
            continue
        assert flag.patient_instruction.value == flag.urgency.value
        assert not engine.calls_112(flag)
        for country in COUNTRIES:
            assert engine.patient_instruction(flag, country) == engine.patient_action(flag.urgency, country)


# --- patient_action, kept for callers that know only the urgency ---------------------------------------------------


@pytest.mark.parametrize("country", COUNTRIES)
@pytest.mark.parametrize("lang", list(Lang))
def test_patient_action_still_reads_an_emergency_as_call_112_now_the_safer_reading(country: str, lang: Lang) -> None:
    text = engine.patient_action(Urgency.EMERGENCY, country).get(lang)
    assert text == text_of(PatientInstruction.CALL_112, country, lang)
    assert not any(hedge in text.lower() for hedge in HEDGES)


def test_the_country_defaults_to_the_netherlands() -> None:
    for level in LEVELS:
        assert engine.patient_action(level) == engine.patient_action(level, "nl")
    assert engine.patient_action("urgent") == engine.patient_action(Urgency.URGENT, "nl")
    assert engine.patient_instruction("rf.cauda_equina") == engine.patient_instruction("rf.cauda_equina", "nl")


@pytest.mark.parametrize("country", COUNTRIES)
@pytest.mark.parametrize("level", list(PatientInstruction))
def test_patients_never_read_source_ids_rule_ids_or_evidence_markers(country: str, level: PatientInstruction) -> None:
    sources = set(load_sources())
    for lang in Lang:
        text = text_of(level, country, lang)
        assert not re.search(r"\brf\.|\blb\.|\bneck\.|\bgen\.", text)
        assert not any(source_id in text for source_id in sources)
        assert "unverified" not in text.lower() and "verified" not in text.lower()


@pytest.mark.parametrize("country", ["de", "NL", "", "fr"])
def test_an_unknown_country_is_refused_naming_the_field(country: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        engine.patient_action(Urgency.URGENT, country)
    assert caught.value.field == "country"
    with pytest.raises(InvalidInput) as caught:
        engine.patient_instruction("rf.cauda_equina", country)
    assert caught.value.field == "country"


@pytest.mark.parametrize("urgency", ["none", "later"])
def test_no_action_without_a_red_flag_or_for_an_unknown_urgency(urgency: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        engine.patient_action(urgency)
    assert caught.value.field == "urgency"


def test_an_unknown_red_flag_is_refused_naming_the_field() -> None:
    for call in (lambda: engine.patient_instruction("rf.nope"), lambda: engine.calls_112("rf.nope")):
        with pytest.raises(InvalidInput) as caught:
            call()
        assert caught.value.field == "rule"


# --- the loader checks the declared level ---------------------------------------------------------------------------


def _files() -> dict[str, Any]:
    return {
        "signs": read_yaml("rules/signs.yaml"),
        "red_flags": copy.deepcopy(read_yaml("rules/red_flags.yaml")),
        "stratify": read_yaml("rules/stratify.yaml"),
        "pathway": read_yaml("rules/pathway.yaml"),
        "manipulation": read_yaml("rules/manipulation.yaml"),
    }


def _rule(files: dict[str, Any], rule_id: str) -> dict[str, Any]:
    return next(entry for entry in files["red_flags"] if entry["id"] == rule_id)


@pytest.mark.parametrize(
    ("rule_id", "edit", "message"),
    [
        ("rf.cauda_equina", {"patient_instruction": "call_999"}, "is not one of call_112 | same_day_emergency"),
        ("rf.cauda_equina", {"patient_instruction": "urgent"}, "must be call_112 or same_day_emergency"),
        ("rf.infection", {"patient_instruction": "call_112"}, "only for an emergency red flag"),
        ("rf.malignancy_other", {"patient_instruction": "same_day_emergency"}, "only for an emergency red flag"),
    ],
)
def test_a_bad_patient_instruction_is_a_content_error(rule_id: str, edit: dict[str, str], message: str) -> None:
    files = _files()
    _rule(files, rule_id).update(edit)
    with pytest.raises(ContentError, match=message) as caught:
        parse_rulebook(**files, sources=load_sources())
    assert rule_id in str(caught.value)


def test_an_emergency_that_declares_no_level_tells_the_patient_to_call_112_the_safer_reading() -> None:
    files = _files()
    del _rule(files, "rf.cauda_equina")["patient_instruction"]
    book = parse_rulebook(**files, sources=load_sources())
    flag = next(f for f in book.red_flags if f.id == "rf.cauda_equina")
    assert flag.patient_instruction is PatientInstruction.CALL_112 and flag.calls_112


def test_the_loader_refuses_a_country_without_every_level(monkeypatch: pytest.MonkeyPatch) -> None:
    from rugpad.content import patient_actions

    raw = copy.deepcopy(read_yaml(patient_actions.PATH))
    del raw["countries"]["be"]["same_day_emergency"]
    monkeypatch.setattr(patient_actions, "read_yaml", lambda _path: raw)
    with pytest.raises(ContentError, match="countries: be: needs exactly"):
        patient_actions.load_patient_actions.__wrapped__()  # type: ignore[attr-defined]
