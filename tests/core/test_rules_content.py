"""The rule files: complete, bilingual, sourced, unique — and strictly validated when loaded."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest

from rugpad.content import ContentError, load_sources, read_yaml
from rugpad.content.rules import load_rulebook, parse_rulebook
from rugpad.core.errors import InvalidInput
from rugpad.core.explain import RuleKind
from rugpad.core.vocab import Evidence, Lang

CONTRACT = Path(__file__).resolve().parents[2] / "docs" / "cli.md"
"""The CLI contract kept in the repository (a copy of the shared one)."""


def contract_signs() -> set[str]:
    """Every sign in the contract's vocabulary table (the rows after 'The minimum vocabulary')."""
    table = CONTRACT.read_text(encoding="utf-8").split("The minimum vocabulary", 1)[1]
    return {sign for row in table.splitlines() if row.startswith("| ") for sign in re.findall(r"`([a-z0-9_]+)`", row)}


def raw_files() -> dict[str, Any]:
    return {
        "signs": read_yaml("rules/signs.yaml"),
        "red_flags": read_yaml("rules/red_flags.yaml"),
        "stratify": read_yaml("rules/stratify.yaml"),
        "pathway": read_yaml("rules/pathway.yaml"),
        "manipulation": read_yaml("rules/manipulation.yaml"),
    }


def test_every_sign_of_the_contract_vocabulary_exists() -> None:
    expected = contract_signs()
    assert len(expected) >= 60
    assert expected <= set(load_rulebook().signs)


def test_every_sign_has_a_group_region_and_dutch_and_english_label_and_question() -> None:
    for sign in load_rulebook().signs.values():
        assert sign.group and sign.regions
        assert (
            sign.label.get(Lang.NL)
            and sign.label.get(Lang.EN)
            and sign.question.get(Lang.NL)
            and sign.question.get(Lang.EN)
        )
        assert sign.question.get(Lang.EN).endswith("?") and sign.question.get(Lang.NL).endswith("?"), sign.id


def test_every_rule_has_an_id_an_existing_source_and_text_in_both_languages() -> None:
    book = load_rulebook()
    sources = load_sources()
    for rule_id in book.rule_ids:
        explanation = book.explain(rule_id)
        assert explanation.name.get(Lang.NL) and explanation.name.get(Lang.EN), rule_id
        assert explanation.text.get(Lang.NL) and explanation.text.get(Lang.EN), rule_id
        assert explanation.condition.get(Lang.NL) and explanation.condition.get(Lang.EN), rule_id
        if explanation.kind is not RuleKind.SIGN:
            assert explanation.source.id in sources, rule_id


def test_rule_ids_are_unique_across_all_files() -> None:
    ids = load_rulebook().rule_ids
    assert len(ids) == len(set(ids))


def test_unverified_rules_say_so_in_their_explanation() -> None:
    book = load_rulebook()
    unverified = [rid for rid in book.rule_ids if book.explain(rid).evidence is Evidence.UNVERIFIED]
    assert unverified
    for rule_id in unverified:
        assert book.explain(rule_id).note is not None, rule_id


def test_the_rulebook_covers_the_required_red_flags() -> None:
    ids = {flag.id for flag in load_rulebook().red_flags}
    assert {
        "rf.cauda_equina",
        "rf.neuro_deficit",
        "rf.fracture_trauma",
        "rf.fracture_osteoporotic",
        "rf.malignancy_history",
        "rf.infection",
        "rf.axial_spondyloarthritis",
        "rf.non_mechanical_pain",
        "rf.aortic_aneurysm",
        "rf.cervical_arterial",
        "rf.cervical_myelopathy",
        "rf.upper_cervical_instability",
    } <= ids


def test_explain_describes_the_condition_in_words_and_cites_the_source() -> None:
    explanation = load_rulebook().explain("rf.fracture_features")
    assert explanation.kind is RuleKind.RED_FLAG
    assert explanation.outcome == "urgent"
    assert explanation.condition.get(Lang.EN).startswith("at least 2 of: age over 70; Long-term corticosteroids")
    assert "minstens 2 van" in explanation.condition.get(Lang.NL)
    assert "Downie" in explanation.source.citation


def test_explain_of_an_unknown_rule_names_the_field() -> None:
    with pytest.raises(InvalidInput) as caught:
        load_rulebook().explain("rf.nope")
    assert caught.value.field == "rule"


def _broken(edit: Any) -> str:
    files = copy.deepcopy(raw_files())
    edit(files)
    with pytest.raises(ContentError) as caught:
        parse_rulebook(**files, sources=load_sources())
    return str(caught.value)


def test_an_unknown_sign_in_a_rule_is_a_content_error() -> None:
    message = _broken(lambda f: f["red_flags"][0].update(when={"any": ["bladder_dysfunction", "bladder_dysfuction"]}))
    assert "rf.cauda_equina" in message and "unknown sign 'bladder_dysfuction'" in message


def test_an_unknown_source_is_a_content_error() -> None:
    assert "not defined" in _broken(lambda f: f["pathway"]["recommendations"][0].update(source="nope"))


def test_a_duplicate_id_is_a_content_error() -> None:
    assert "already used" in _broken(lambda f: f["manipulation"][1].update(id="rf.cauda_equina"))


def test_a_missing_dutch_text_is_a_content_error() -> None:
    assert "needs the 'nl' text" in _broken(lambda f: f["red_flags"][0].update(action={"en": "Go to A&E now."}))


def test_a_sentence_cut_in_two_by_a_missing_quote_is_a_content_error() -> None:
    """`{nl: Constante pijn, ook 's nachts, en: ...}` in YAML flow style makes "ook 's nachts" a key of its own,
    and the label silently loses half its words: the loader refuses the stray key."""
    cut = {"nl": "Constante pijn", "ook 's nachts": None, "en": "Constant pain"}
    assert "ook 's nachts is not a language" in _broken(lambda f: f["signs"][0].update(label=cut))


def test_an_unknown_key_is_a_content_error() -> None:
    assert "unknown key 'urgncy'" in _broken(lambda f: f["red_flags"][0].update(urgncy="soon"))


def test_a_red_flag_without_urgency_is_a_content_error() -> None:
    assert "urgency" in _broken(lambda f: f["red_flags"][0].update(urgency="none"))


def test_a_wrong_profile_for_the_region_is_a_content_error() -> None:
    assert "profile 'D'" in _broken(lambda f: f["stratify"]["profiles"][0].update(profile="D"))
