"""A source's citation: a bibliographic reference stays in the language it was published in; rugpad's own words (a
practice setting, rugpad's reading, its own wording) are a {nl, en, fr} mapping that a reader gets in their language,
while `citation` keeps their English for the one-string exports (CLI JSON, FHIR, CDS Hooks)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import rugpad.content as content
from rugpad.content import ContentError, load_sources
from rugpad.core.text import Source, Text
from rugpad.core.vocab import Evidence, Lang

OWN_WORDS = {"nl": "Praktijkinstelling: de praktijk kiest dit getal.", "en": "Practice setting: the practice picks it."}
OWN_WORDS_FR = {**OWN_WORDS, "fr": "Réglage du cabinet\u00a0: le cabinet choisit ce chiffre."}
REFERENCE = "NHG-Standaard Aspecifieke lagerugpijn (M54), tweede herziening. Huisarts Wet 2017."

SHIPPED_OWN_WORDS = (
    "practice-setting",
    "rugpad-urgency-levels",
    "portal-alarm-questions",
    "portal-trend-setting",
    "eval-gpe-unverified",
    "eval-pain-monitoring-setting",
    "rugpad-exercise-practice",
    "instr-nprs-bands",
    "instr-rugpad-translation",
    "instr-licence-unknown",
    "aftercare-checkin-moments",
    "aftercare-recurrence-rule",
    "work-ergonomics-unverified",
    "work-break-frequency-unverified",
)
"""rugpad's own-prose sources in the shipped content (their citation is a language mapping)."""

SHIPPED_REFERENCES = ("nhg-m54", "eval-ostelo-2008", "kce-287", "axspa-unverified", "seed-001-manual-therapy")
"""Bibliographic sources: one citation, as published, whatever the reader's language."""


def _load(entries: list[dict[str, Any]]) -> dict[str, Source]:
    """`load_sources` over one made-up file (the packaged loader without its cache, reading `entries`)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(content, "list_files", lambda folder, suffix: ["sources/made-up.yaml"])
        patch.setattr(content, "read_yaml", lambda path: entries)
        return dict(load_sources.__wrapped__())  # type: ignore[attr-defined]


@pytest.fixture
def own() -> Iterator[Source]:
    yield _load([{"id": "made-up-setting", "citation": OWN_WORDS_FR, "evidence": "unverified"}])["made-up-setting"]


def test_a_citation_in_rugpads_own_words_loads_in_every_language(own: Source) -> None:
    assert own.words == Text(OWN_WORDS_FR)
    assert own.citation == OWN_WORDS["en"]  # the one-string exports keep reading English, as before
    assert (own.id, own.evidence) == ("made-up-setting", Evidence.UNVERIFIED)


@pytest.mark.parametrize("lang", list(Lang))
def test_cite_gives_rugpads_own_words_in_the_readers_language(own: Source, lang: Lang) -> None:
    assert own.cite(lang) == OWN_WORDS_FR[lang.value]
    assert own.cite(lang.value) == OWN_WORDS_FR[lang.value]  # a language code does as well


def test_own_words_lacking_the_readers_language_show_dutch_behind_a_marker() -> None:
    source = _load([{"id": "made-up-setting", "citation": OWN_WORDS}])["made-up-setting"]
    assert source.cite(Lang.FR) == "[NL] " + OWN_WORDS["nl"]  # never silently English on a French page


@pytest.mark.parametrize("lang", list(Lang))
def test_a_bibliographic_citation_is_cited_as_published_in_every_language(lang: Lang) -> None:
    source = _load([{"id": "nhg-made-up", "citation": f"  {REFERENCE}\n", "url": "https://example.org"}])["nhg-made-up"]
    assert source.words is None
    assert source.cite(lang) == source.citation == REFERENCE


def test_a_source_built_in_code_without_words_cites_its_citation() -> None:
    checklist = Source(id="-", citation="Screening checklist item (a question, not a rule).")
    assert checklist.cite(Lang.NL) == checklist.citation


def test_own_words_without_dutch_are_refused_naming_the_source() -> None:
    english_only = {"en": OWN_WORDS["en"], "fr": OWN_WORDS_FR["fr"]}
    with pytest.raises(ContentError, match=r"sources/made-up\.yaml: made-up-setting: citation: needs the 'nl' text"):
        _load([{"id": "made-up-setting", "citation": english_only}])


def test_own_words_in_a_language_rugpad_does_not_speak_are_refused_naming_the_source() -> None:
    with pytest.raises(ContentError, match=r"made-up-setting: citation: de is not a language rugpad speaks"):
        _load([{"id": "made-up-setting", "citation": {**OWN_WORDS, "de": "Praxiseinstellung."}}])


@pytest.mark.parametrize("citation", [None, "", ["a", "list"], 7])
def test_a_missing_or_malformed_citation_is_refused_naming_the_source(citation: object) -> None:
    with pytest.raises(ContentError, match=r"made-up-setting: citation needs a reference or rugpad's own words"):
        _load([{"id": "made-up-setting", "citation": citation}])


@pytest.mark.parametrize("source_id", SHIPPED_OWN_WORDS)
def test_rugpads_own_sources_read_in_dutch_english_and_french(source_id: str) -> None:
    source = load_sources()[source_id]
    assert source.words is not None and source.words.missing() == ()
    assert source.citation == source.words.get(Lang.EN)
    assert len({source.cite(lang) for lang in Lang}) == 3  # three languages, not one text three times


def test_the_diary_trend_setting_reads_the_same_numbers_in_every_language() -> None:
    source = load_sources()["portal-trend-setting"]
    assert source.cite(Lang.NL).startswith("Praktijkinstelling voor trends in het dagboek")
    assert source.cite(Lang.FR).startswith("Réglage du cabinet pour les tendances du journal")
    for lang in Lang:
        assert all(number in source.cite(lang) for number in (" 2 ", " 3 ", " 7 ")), lang


@pytest.mark.parametrize("source_id", SHIPPED_REFERENCES)
def test_bibliographic_sources_stay_one_citation(source_id: str) -> None:
    source = load_sources()[source_id]
    assert source.words is None
    assert {source.cite(lang) for lang in Lang} == {source.citation}
