"""Country-aware care: the words, numbers and guideline order of each country are complete content, and a
recommendation's sources are cited with the practice's own guideline first."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from rugpad import engine
from rugpad.content import ContentError, load_sources, read_yaml
from rugpad.content import country as loader
from rugpad.core.country import Term, cited_first
from rugpad.core.errors import InvalidInput
from rugpad.core.vocab import Country, Lang


@pytest.fixture
def patched(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str, Any], None]]:
    """Serve one content file's data as given; the loader's cache is cleared before and after."""

    def serve(path: str, data: Any) -> None:
        monkeypatch.setattr(loader, "read_yaml", lambda p: data if p == path else read_yaml(p))

    loader.load_country_care.cache_clear()
    yield serve
    loader.load_country_care.cache_clear()


# --- the content check ---------------------------------------------------------------------------------------------


def test_every_term_has_words_for_every_country_and_language() -> None:
    assert loader.missing_terms() == ()
    for country in Country:
        for term in Term:
            text = engine.country_term(term, country)
            assert text.missing() == (), (term, country)
            assert all(text.get(lang).strip() for lang in Lang)


def test_a_term_without_french_is_reported(patched: Callable[[str, Any], None]) -> None:
    raw = read_yaml(loader.TERMS)
    raw["therapist"]["be"] = {"nl": "kinesitherapeut", "en": "physiotherapist"}
    patched(loader.TERMS, raw)
    assert loader.missing_terms() == ((Term.THERAPIST, Country.BE, Lang.FR),)
    # Loading still works: the French reader sees the Dutch word behind the fallback marker.
    assert engine.country_term("therapist", "be").get(Lang.FR) == "[NL] kinesitherapeut"


def test_a_term_missing_for_a_country_is_refused(patched: Callable[[str, Any], None]) -> None:
    raw = read_yaml(loader.TERMS)
    del raw["insurer"]["be"]
    patched(loader.TERMS, raw)
    with pytest.raises(ContentError, match=r"country/terms.yaml: insurer: no words for \['be'\]"):
        loader.load_country_care()


def test_a_term_missing_altogether_is_refused(patched: Callable[[str, Any], None]) -> None:
    raw = read_yaml(loader.TERMS)
    del raw["occupational_physician"]
    patched(loader.TERMS, raw)
    with pytest.raises(ContentError, match="no words for \\['occupational_physician'\\]"):
        loader.load_country_care()


def test_an_unknown_language_or_term_is_refused(patched: Callable[[str, Any], None]) -> None:
    raw = read_yaml(loader.TERMS)
    raw["gp"]["nl"]["de"] = "Hausarzt"
    patched(loader.TERMS, raw)
    with pytest.raises(ContentError, match=r"country/terms\.yaml: gp: nl: de"):
        loader.load_country_care()


def test_a_guideline_naming_an_unknown_source_is_refused(patched: Callable[[str, Any], None]) -> None:
    raw = read_yaml(loader.CARE)
    raw["countries"]["be"]["guidelines"][0]["sources"].append("kce-999")
    patched(loader.CARE, raw)
    with pytest.raises(ContentError, match="countries: be: guidelines: 0: sources: unknown source id 'kce-999'"):
        loader.load_country_care()


def test_a_call_button_without_its_number_is_refused(patched: Callable[[str, Any], None]) -> None:
    raw = read_yaml(loader.CARE)
    raw["countries"]["be"]["phones"]["out_of_hours"]["label"]["fr"] = "Médecin de garde"
    patched(loader.CARE, raw)
    with pytest.raises(ContentError, match=r"out_of_hours: label: fr: needs \{number\} once"):
        loader.load_country_care()


def test_each_countrys_guideline_sources_are_listed() -> None:
    """A new KNGF, NHG or KCE source must be added to its country's list, or it would not be cited first."""
    nl = set(engine.country_care("nl").preferred_sources)
    be = set(engine.country_care("be").preferred_sources)
    several_publishers = {"analgesics-nice-nhg-disagree"}  # NICE and NHG side by side: no country's own
    for source_id in set(load_sources()) - several_publishers:
        if "kngf" in source_id or "nhg" in source_id:
            assert source_id in nl, source_id
        if "kce" in source_id:
            assert source_id in be, source_id
    assert not nl & be


# --- the words and numbers -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("term", "country", "lang", "word"),
    [
        ("therapist", "nl", Lang.NL, "fysiotherapeut"),
        ("therapist", "be", Lang.NL, "kinesitherapeut"),
        ("therapist", "be", Lang.FR, "kinésithérapeute"),
        ("out_of_hours", "nl", Lang.NL, "huisartsenpost"),
        ("out_of_hours", "be", Lang.NL, "huisartsenwachtpost (1733)"),
        ("insurer", "nl", Lang.NL, "zorgverzekeraar"),
        ("insurer", "be", Lang.FR, "mutualité"),
        ("occupational_physician", "nl", Lang.NL, "bedrijfsarts"),
        ("occupational_physician", "be", Lang.NL, "arbeidsgeneesheer"),
        ("occupational_physician", "be", Lang.FR, "médecin du travail"),
        ("letter_addressee", "nl", Lang.NL, "huisarts"),
        ("letter_addressee", "be", Lang.NL, "huisarts / behandelend arts"),
        ("letter_addressee", "be", Lang.FR, "médecin généraliste / médecin traitant"),
    ],
)
def test_the_country_decides_the_word(term: str, country: str, lang: Lang, word: str) -> None:
    assert engine.country_term(term, country).get(lang) == word


def test_belgium_has_a_national_out_of_hours_number_and_the_netherlands_none() -> None:
    be = engine.country_care("be").phones
    nl = engine.country_care("nl").phones
    assert (be.emergency, nl.emergency) == ("112", "112")
    assert be.out_of_hours is not None and be.out_of_hours.number == "1733"
    assert nl.out_of_hours is None
    assert be.source in load_sources()


def test_an_unknown_term_or_country_names_the_field() -> None:
    with pytest.raises(InvalidInput, match="term"):
        engine.country_term("dentist", "nl")
    with pytest.raises(InvalidInput, match="country"):
        engine.country_term("therapist", "de")


# --- which guideline a recommendation cites first ------------------------------------------------------------------


def test_cited_first_puts_the_preferred_sources_first_and_keeps_the_rest_in_order() -> None:
    assert cited_first(["nice", "kce", "nhg", "kngf"], ["kngf", "nhg"]) == ("kngf", "nhg", "nice", "kce")
    assert cited_first(["nice", "kce", "nhg", "kngf"], ["kce"]) == ("kce", "nice", "nhg", "kngf")
    # Nothing preferred among them: the rule's own order; a source named twice is cited once.
    assert cited_first(["nice", "downie", "nice"], ["kce"]) == ("nice", "downie")
    assert cited_first([], ["kce"]) == ()


def test_the_same_recommendation_cites_kce_first_in_belgium_and_nhg_first_in_the_netherlands() -> None:
    """No imaging without a red flag: NICE NG59 is the rule's source; KCE and NHG M54 give the same advice."""
    rule_id = "lb.all.no_routine_imaging"
    be = [source.id for source in engine.rule_sources(rule_id, "be")]
    nl = [source.id for source in engine.rule_sources(rule_id, "nl")]
    assert be == ["kce-287", "nice-ng59", "nhg-m54"]
    assert nl == ["nhg-m54", "nice-ng59", "kce-287"]


def test_a_dutch_practice_reads_the_dutch_guideline_first_where_a_belgian_one_reads_kce() -> None:
    rule_id = "lb.all.reassure_stay_active"  # KCE's own advice, which NHG M54 and NICE NG59 share
    assert [source.id for source in engine.rule_sources(rule_id, "be")] == ["kce-287", "nhg-m54", "nice-ng59"]
    assert [source.id for source in engine.rule_sources(rule_id, "nl")] == ["nhg-m54", "kce-287", "nice-ng59"]


def test_also_sources_must_be_known_and_distinct(monkeypatch: pytest.MonkeyPatch) -> None:
    from rugpad.content import rules as rules_loader

    raw = read_yaml("rules/pathway.yaml")
    raw["recommendations"][0]["also_sources"] = ["kce-999"]
    monkeypatch.setattr(rules_loader, "read_yaml", lambda p: raw if p == "rules/pathway.yaml" else read_yaml(p))
    rules_loader.load_rulebook.cache_clear()
    try:
        with pytest.raises(ContentError, match="also_sources: source 'kce-999' is not defined"):
            rules_loader.load_rulebook()
        raw["recommendations"][0]["also_sources"] = [raw["recommendations"][0]["source"]]
        with pytest.raises(ContentError, match="also_sources: names a source twice"):
            rules_loader.load_rulebook()
    finally:
        rules_loader.load_rulebook.cache_clear()


def test_a_rule_with_one_source_cites_it_in_both_countries() -> None:
    for country in Country:
        assert [source.id for source in engine.rule_sources("lb.all.no_opioids_chronic", country)] == ["nice-ng59"]
