"""The pure assignment of education modules (rugpad.core.education), on a small hand-made library."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rugpad.core.education import (
    EVERY_PATIENT,
    PROFILES,
    RADICULAR,
    EducationModule,
    average_sentence_words,
    modules_for,
    weakest_evidence,
    word_count,
)
from rugpad.core.errors import InvalidInput
from rugpad.core.text import Text
from rugpad.core.vocab import Evidence, Region

BOTH = frozenset(Region)


def module(module_id: str, profiles: set[str], order: int, regions: frozenset[Region] = BOTH) -> EducationModule:
    return EducationModule(
        id=module_id,
        title=Text(nl=module_id, en=module_id),
        summary=Text(nl="samenvatting", en="summary"),
        body=Text(nl="Tekst.", en="Text."),
        regions=regions,
        profiles=frozenset(profiles),
        order=order,
        reading_minutes=1,
        source_ids=("src",),
        evidence=Evidence.VERIFIED,
    )


LIBRARY = {
    m.id: m
    for m in (
        module("contact", {EVERY_PATIENT}, 90),
        module("reassure-back", {"1", "2", "3"}, 10, frozenset({Region.LOW_BACK})),
        module("reassure-neck", {"A", "B", "C", "D"}, 10, frozenset({Region.NECK})),
        module("exercise", {"2", "3", "B", "C", "D"}, 50),
        module("nerve", {RADICULAR, "D"}, 60),
    )
}

ALL_CASES = [(region, profile) for region in Region for profile in (*sorted(PROFILES[region]), None)]


def ids(modules: tuple[EducationModule, ...]) -> list[str]:
    return [m.id for m in modules]


def test_low_risk_back_gets_reassurance_and_contact_only() -> None:
    assert ids(modules_for(LIBRARY, Region.LOW_BACK, "1", radicular=False)) == ["reassure-back", "contact"]


def test_modules_come_in_reading_order_whatever_the_library_order() -> None:
    reversed_library = dict(reversed(LIBRARY.items()))
    assert ids(modules_for(reversed_library, Region.NECK, "D", radicular=False)) == [
        "reassure-neck",
        "exercise",
        "nerve",
        "contact",
    ]


def test_radicular_adds_the_nerve_module_to_any_profile() -> None:
    assert "nerve" not in ids(modules_for(LIBRARY, Region.LOW_BACK, "1", radicular=False))
    assert "nerve" in ids(modules_for(LIBRARY, Region.LOW_BACK, "1", radicular=True))


def test_region_filters_out_modules_of_the_other_region() -> None:
    assert "reassure-neck" not in ids(modules_for(LIBRARY, Region.LOW_BACK, "2", radicular=False))


def test_without_a_profile_only_the_every_patient_modules_go_out_even_if_radicular() -> None:
    for region in Region:
        assert ids(modules_for(LIBRARY, region, None, radicular=True)) == ["contact"]


def test_a_profile_of_the_other_region_is_invalid_input_naming_the_field() -> None:
    with pytest.raises(InvalidInput) as error:
        modules_for(LIBRARY, Region.NECK, "2", radicular=False)
    assert error.value.field == "profile"
    assert "'2' is not a neck profile" in str(error.value)


def test_region_may_be_given_as_its_string_value() -> None:
    assert modules_for(LIBRARY, "neck", "A", radicular=False) == modules_for(  # type: ignore[arg-type]
        LIBRARY, Region.NECK, "A", radicular=False
    )


@given(st.sampled_from(ALL_CASES), st.booleans())
def test_every_patient_gets_the_contact_module_and_the_order_never_decreases(
    case: tuple[Region, str | None], radicular: bool
) -> None:
    region, profile = case
    chosen = modules_for(LIBRARY, region, profile, radicular)
    assert "contact" in ids(chosen)
    assert [m.order for m in chosen] == sorted(m.order for m in chosen)
    assert len(set(ids(chosen))) == len(chosen)
    assert all(region in m.regions for m in chosen)


@given(st.lists(st.sampled_from(list(Evidence))))
def test_weakest_evidence_is_one_of_the_levels_and_never_stronger_than_any(levels: list[Evidence]) -> None:
    weakest = weakest_evidence(levels)
    order = [Evidence.VERIFIED, Evidence.SECONDARY, Evidence.UNVERIFIED]
    if levels:
        assert weakest in levels
        assert all(order.index(weakest) >= order.index(level) for level in levels)
    else:
        assert weakest is Evidence.VERIFIED


def test_word_count_ignores_markdown_symbols() -> None:
    assert word_count("## Get up\n\n- and **walk**, now!") == 5


def test_headings_and_list_items_count_as_sentences_for_the_readability_proxy() -> None:
    text = "## Two words\n\nOne two three four. Five six!\n\n- a list item"
    # sentences: "Two words" (2), "One two three four." (4), "Five six!" (2), "a list item" (3)
    assert average_sentence_words(text) == pytest.approx(11 / 4)


def test_average_sentence_words_of_empty_text_is_zero() -> None:
    assert average_sentence_words("\n## \n") == 0.0


def test_core_education_imports_no_django() -> None:
    # In a fresh interpreter: pytest plugins may already have imported Django into this one.
    probe = "import sys, rugpad.core.education; print(any(m.split('.')[0] == 'django' for m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
