"""What a patient is told per urgency, per country (facts §2.1a): a clear instruction, the right number, no caveats.

Netherlands: 112 for a threatening emergency; otherwise the GP today or, out of hours, the huisartsenpost.
Belgium: 112; out of hours the GP on call, 1733. Source: rugpad-urgency-levels (facts §2.1a).
"""

from __future__ import annotations

import re

import pytest

from rugpad import engine
from rugpad.content import load_sources
from rugpad.content.patient_actions import load_patient_actions
from rugpad.core.errors import InvalidInput
from rugpad.core.vocab import Lang, Urgency

LEVELS = [Urgency.EMERGENCY, Urgency.URGENT, Urgency.SOON]
COUNTRIES = ["nl", "be"]


def test_every_country_gives_every_level_in_both_languages() -> None:
    actions = load_patient_actions()
    assert sorted(actions) == sorted(COUNTRIES)
    for country in COUNTRIES:
        assert set(actions[country]) == set(LEVELS)
        for level in LEVELS:
            assert actions[country][level].nl and actions[country][level].en


@pytest.mark.parametrize("country", COUNTRIES)
@pytest.mark.parametrize("lang", list(Lang))
def test_an_emergency_means_call_112_now_without_doubt(country: str, lang: Lang) -> None:
    text = engine.patient_action(Urgency.EMERGENCY, country).get(lang)
    assert "112" in text
    for hedge in ("unverified", "niet geverifieerd", "misschien", "maybe", "perhaps", "eventueel", "if severe"):
        assert hedge not in text.lower()


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


def test_the_country_defaults_to_the_netherlands() -> None:
    for level in LEVELS:
        assert engine.patient_action(level) == engine.patient_action(level, "nl")
    assert engine.patient_action("urgent") == engine.patient_action(Urgency.URGENT, "nl")


@pytest.mark.parametrize("country", COUNTRIES)
@pytest.mark.parametrize("level", LEVELS)
def test_patients_never_read_source_ids_rule_ids_or_evidence_markers(country: str, level: Urgency) -> None:
    sources = set(load_sources())
    for lang in Lang:
        text = engine.patient_action(level, country).get(lang)
        assert not re.search(r"\brf\.|\blb\.|\bneck\.|\bgen\.", text)
        assert not any(source_id in text for source_id in sources)
        assert "unverified" not in text.lower() and "verified" not in text.lower()


@pytest.mark.parametrize("country", ["de", "NL", "", "fr"])
def test_an_unknown_country_is_refused_naming_the_field(country: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        engine.patient_action(Urgency.URGENT, country)
    assert caught.value.field == "country"


@pytest.mark.parametrize("urgency", ["none", "later"])
def test_no_action_without_a_red_flag_or_for_an_unknown_urgency(urgency: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        engine.patient_action(urgency)
    assert caught.value.field == "urgency"
