"""The instrument files are complete: both languages everywhere, licence, reference, known sources."""

from __future__ import annotations

import pytest

import rugpad.content.instruments as loader
from rugpad.content import ContentError, load_sources, read_yaml
from rugpad.content.instruments import load_instruments
from rugpad.core.instruments import InstrumentDefinition, Part
from rugpad.core.scoring import score_range
from rugpad.core.vocab import Evidence, Lang, Region

EXPECTED = {"startback", "odi", "rmdq", "ndi", "nprs", "psk", "gpe", "qbpds"}
ITEM_COUNTS = {"startback": 9, "odi": 10, "rmdq": 24, "ndi": 10, "nprs": 1, "psk": 5, "gpe": 1, "qbpds": 20}
DEFINITIONS = sorted(load_instruments().values(), key=lambda definition: definition.code)


def test_every_contract_instrument_is_defined_with_its_item_count() -> None:
    assert {code: len(d.items) for code, d in load_instruments().items()} == ITEM_COUNTS
    assert set(load_instruments()) == EXPECTED


@pytest.mark.parametrize("definition", DEFINITIONS, ids=lambda d: d.code)
def test_every_text_exists_in_dutch_and_english(definition: InstrumentDefinition) -> None:
    texts = [definition.name, definition.recall_period, definition.instructions, definition.licence.terms]
    texts += [definition.scoring.description, definition.scoring.missing_rule]
    for item in definition.items:
        texts += [item.text, *(option.label for option in item.options), *(anchor.label for anchor in item.anchors)]
        assert item.options or len(item.anchors) == 2, f"{definition.code} item {item.number} has no labels"
    texts += [band.label for band in definition.bands]
    texts += [entry.note for entry in definition.provenance if entry.note]
    for text in texts:
        assert text.get(Lang.NL).strip() and text.get(Lang.EN).strip()


@pytest.mark.parametrize("definition", DEFINITIONS, ids=lambda d: d.code)
def test_every_instrument_has_licence_reference_and_known_sources(definition: InstrumentDefinition) -> None:
    sources = load_sources()
    assert definition.licence.holder and definition.reference
    assert definition.source_id in sources
    assert all(entry.source_id in sources for entry in definition.provenance)
    documented = {entry.part for entry in definition.provenance}
    assert {Part.WORDING_EN, Part.WORDING_NL, Part.SCORING, Part.MISSING_RULE, Part.LICENCE} <= documented
    assert (Part.BANDS in documented) == bool(definition.bands)


@pytest.mark.parametrize("definition", DEFINITIONS, ids=lambda d: d.code)
def test_bands_cover_the_score_range_without_gaps_that_lose_a_score(definition: InstrumentDefinition) -> None:
    if not definition.bands or definition.code == "startback":
        return
    low, high = score_range(definition)
    assert definition.bands[0].low == low and definition.bands[-1].high == high


def test_parts_not_in_the_facts_file_are_marked_unverified() -> None:
    unverified = {code: set(d.unverified_parts) for code, d in load_instruments().items()}
    assert Part.WORDING_NL in unverified["rmdq"]
    assert {Part.WORDING_EN, Part.WORDING_NL} <= unverified["ndi"]
    assert {Part.WORDING_EN, Part.WORDING_NL, Part.SCORING} <= unverified["gpe"]
    assert {Part.WORDING_EN, Part.WORDING_NL, Part.SCORING, Part.MISSING_RULE} <= unverified["qbpds"]
    assert Part.BANDS in unverified["nprs"]
    assert Part.MISSING_RULE in unverified["startback"]
    assert Part.WORDING_NL in unverified["odi"]


def test_unverified_parts_explain_themselves() -> None:
    for definition in DEFINITIONS:
        for entry in definition.provenance:
            if entry.evidence is not Evidence.VERIFIED:
                assert entry.note is not None, f"{definition.code}: {entry.part}"


def test_regions_match_the_instruments_purpose() -> None:
    instruments = load_instruments()
    assert instruments["ndi"].regions == {Region.NECK}
    assert instruments["odi"].regions == {Region.LOW_BACK}
    assert instruments["nprs"].regions == {Region.LOW_BACK, Region.NECK}


def _broken(path: str, mutate: object) -> str:
    raw = read_yaml(path)
    assert callable(mutate)
    mutate(raw)
    with pytest.raises(ContentError) as caught:
        loader._parse(path, raw)
    return str(caught.value)


def test_missing_dutch_text_is_a_content_error_naming_file_and_field() -> None:
    message = _broken("instruments/odi.yaml", lambda raw: raw["items"][3]["text"].pop("nl"))
    assert message == "instruments/odi.yaml: items[3]: text: needs the 'nl' text"


def test_unknown_source_is_a_content_error() -> None:
    message = _broken("instruments/nprs.yaml", lambda raw: raw.update(source="nowhere"))
    assert message == "instruments/nprs.yaml: source: unknown source id 'nowhere'"


def test_bands_with_a_gap_at_the_top_are_a_content_error() -> None:
    message = _broken("instruments/odi.yaml", lambda raw: raw["bands"][-1].update(high=90))
    assert "instruments/odi.yaml: bands: must be in ascending order" in message


def test_unknown_scoring_rule_is_a_content_error() -> None:
    message = _broken("instruments/gpe.yaml", lambda raw: raw["scoring"].update(rule="median"))
    assert message.startswith("instruments/gpe.yaml: scoring: rule: 'median' is not one of sum,")


def test_unverified_part_without_note_is_a_content_error() -> None:
    message = _broken("instruments/gpe.yaml", lambda raw: raw["provenance"]["scoring"].pop("note"))
    assert message == "instruments/gpe.yaml: provenance: scoring: note: required when the evidence is not verified"
