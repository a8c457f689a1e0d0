"""The reviewable mapping of data/interop/cds.yaml: it loads, refuses what would silently mislead, and matches
orders by code, group, category with body site, or words."""

from __future__ import annotations

from typing import Any

import pytest

from rugpad import engine
from rugpad.content import ContentError
from rugpad.content import interop as loader
from rugpad.core.vocab import Evidence, Region

SNOMED = "http://snomed.info/sct"


def test_every_standard_code_is_marked_unverified_and_every_rule_is_a_do_not() -> None:
    codes = engine.interop_codes()
    assert all(entry.evidence is Evidence.UNVERIFIED for entry in [*codes.regions.values(), *codes.signs.values()])
    rules = {rec.id: rec for rec in engine.rulebook().recommendations}
    assert {rule for kind in codes.orders for rule in kind.do_not_rules} <= set(rules)
    assert codes.region_of("https://rugpad.org/fhir/CodeSystem/region", "neck") is Region.NECK
    assert codes.sign_of("https://rugpad.org/fhir/CodeSystem/sign", "fever", frozenset({"fever"})) == "fever"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda raw: raw["signs"].append({**raw["signs"][0], "sign": "no_such_sign", "code": "1"}), "unknown sign"),
        (lambda raw: raw["regions"].append(dict(raw["regions"][0])), "mapped twice"),
        (lambda raw: raw["orders"][0].update(do_not_rules=["lb.all.reassure_stay_active"]), "not a do_not"),
        (lambda raw: raw["questionnaires"].update({"https://x/Q": "odi"}), "questionnaires"),
        (lambda raw: raw["regions"][0].update(evidence="maybe"), "evidence"),
    ],
)
def test_a_misleading_mapping_is_refused_naming_the_place(
    monkeypatch: pytest.MonkeyPatch, change: Any, message: str
) -> None:
    raw = loader.read_yaml("interop/cds.yaml")
    change(raw)
    monkeypatch.setattr(loader, "read_yaml", lambda _path: raw)
    loader.load_interop_codes.cache_clear()
    try:
        with pytest.raises(ContentError, match=message):
            loader.load_interop_codes()
    finally:
        monkeypatch.undo()
        loader.load_interop_codes.cache_clear()


@pytest.mark.parametrize(
    ("texts", "categories", "sites", "expected"),
    [
        (["MRI lumbale wervelkolom"], [], [], {Region.LOW_BACK}),
        (["Röntgen CWK"], [], [], {Region.NECK}),
        (["MRI knie"], [], [], None),  # imaging, but not of the spine
        (["scan"], [], [], None),
        (["Consult"], [(SNOMED, "363679005")], [(SNOMED, "122496007")], {Region.LOW_BACK}),
        (["lumbar support belt"], [], [], None),  # a region but no imaging
        (["IRM du rachis lombaire"], [], [], {Region.LOW_BACK}),  # a Belgian order in French
        (["Radiographie de la nuque"], [], [], {Region.NECK}),
        (["Radiothérapie lombaire"], [], [], None),  # radiotherapy is no imaging
        (["Radiographie du coude"], [], [], None),  # imaging, but not of the spine
    ],
)
def test_spinal_imaging_needs_imaging_and_a_region(
    texts: list[str], categories: list[Any], sites: list[Any], expected: Any
) -> None:
    imaging = next(kind for kind in engine.interop_codes().orders if kind.id == "spinal_imaging")
    found = imaging.match([], texts, categories, sites)
    assert found == (None if expected is None else frozenset(expected))


@pytest.mark.parametrize(
    ("codings", "texts", "is_opioid"),
    [
        ([("http://www.whocc.no/atc", "N02AX02")], [], True),
        ([("http://www.whocc.no/atc", "M01AE01")], ["Ibuprofen 400 mg"], False),
        ([], ["Oxycodone 5 mg"], True),
        ([], ["Paracetamol/codeïne 500/10"], True),
        ([], ["Naproxen"], False),
        ([], ["Paracétamol/codéine 500/30"], True),
        ([], ["Méthadone 10 mg"], True),
    ],
)
def test_opioids_by_atc_group_or_name(codings: list[Any], texts: list[str], is_opioid: bool) -> None:
    opioid = next(kind for kind in engine.interop_codes().orders if kind.id == "opioid")
    assert (opioid.match(codings, texts) is not None) is is_opioid
