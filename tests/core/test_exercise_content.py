"""Content checks on the packaged exercise library: what a clinician reviews must be complete and consistent."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from itertools import pairwise
from typing import Any

import pytest

import rugpad.content.exercises as loader
from rugpad.content import ContentError, list_files, load_sources, read_yaml
from rugpad.content.exercises import illustration_svg, load_exercises
from rugpad.core.errors import InvalidInput
from rugpad.core.exercises import CONDITION_TAGS, DoseKind, Exercise, Purpose, ladder
from rugpad.core.text import Text
from rugpad.core.vocab import Evidence, Lang, Region

SVG = "{http://www.w3.org/2000/svg}"
LIBRARY = load_exercises()
EXERCISES = sorted(LIBRARY.values(), key=lambda exercise: exercise.id)
RAW = [entry for path in list_files("exercises", ".yaml") for entry in read_yaml(path)]


def texts(exercise: Exercise) -> Iterator[Text]:
    yield from (exercise.name, exercise.position, *exercise.steps, *exercise.technique)
    if exercise.caution_text:
        yield exercise.caution_text


def test_library_holds_at_least_35_exercises() -> None:
    assert len(LIBRARY) >= 35


def test_both_regions_are_covered() -> None:
    assert {region for exercise in EXERCISES for region in exercise.regions} == set(Region)


def test_every_purpose_is_covered() -> None:
    assert {exercise.purpose for exercise in EXERCISES} == set(Purpose)


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda exercise: exercise.id)
def test_every_text_exists_in_dutch_and_english_and_differs(exercise: Exercise) -> None:
    for text in texts(exercise):
        assert text.get(Lang.NL).strip() and text.get(Lang.EN).strip()
    assert exercise.position.get(Lang.NL) != exercise.position.get(Lang.EN)
    assert all(step.get(Lang.NL) != step.get(Lang.EN) for step in exercise.steps)


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda exercise: exercise.id)
def test_every_illustration_is_an_svg_with_a_title_and_no_visible_text(exercise: Exercise) -> None:
    root = ET.fromstring(illustration_svg(exercise.id))
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == "0 0 240 160"
    title = root.find(f"{SVG}title")
    assert title is not None and title.text and exercise.name.get(Lang.EN) in title.text
    assert root.find(f".//{SVG}text") is None
    assert root.find(f".//{SVG}path[@marker-end]") is not None, "an arrow shows the movement"


def test_illustration_of_an_unknown_exercise_is_invalid_input() -> None:
    with pytest.raises(InvalidInput, match="unknown exercise"):
        illustration_svg("no-such-exercise")


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda exercise: exercise.id)
def test_every_dose_has_the_amounts_of_its_kind_and_a_frequency(exercise: Exercise) -> None:
    dose = exercise.dose
    needed = {
        DoseKind.HOLD: (dose.hold_seconds, dose.repetitions),
        DoseKind.REPS: (dose.repetitions, dose.sets),
        DoseKind.DURATION: (dose.minutes,),
    }[dose.kind]
    assert all(amount is not None and amount > 0 for amount in needed)
    assert dose.times_per_day is not None or dose.days_per_week is not None
    assert dose.describe("nl") != dose.describe("en")


@pytest.mark.parametrize("raw", RAW, ids=lambda raw: raw["id"])
def test_every_exercise_states_its_progression_and_regression_or_an_explicit_none(raw: dict[str, Any]) -> None:
    for key in ("progression", "regression"):
        assert raw.get(key), f"{raw['id']}: {key} missing"


def test_ladders_are_acyclic_mirrored_chains() -> None:
    for exercise in EXERCISES:
        rungs = ladder(LIBRARY, exercise.id)
        assert exercise in rungs
        assert len({rung.id for rung in rungs}) == len(rungs)
        assert rungs[0].regression is None and rungs[-1].progression is None
        for lower, higher in pairwise(rungs):
            assert lower.progression == higher.id and higher.regression == lower.id


@pytest.mark.parametrize(
    ("ladder_of", "expected"),
    [
        ("bridge", ["bridge", "single-leg-bridge"]),
        ("romanian-deadlift", ["hip-hinge-drill", "kettlebell-deadlift", "romanian-deadlift", "barbell-deadlift"]),
        ("goblet-squat", ["sit-to-stand", "bodyweight-squat", "goblet-squat"]),
        ("side-plank", ["side-plank-knees", "side-plank"]),
        ("bird-dog", ["abdominal-bracing", "dead-bug", "bird-dog"]),
        ("chin-tuck-sitting", ["chin-nod-lying", "chin-tuck-sitting", "head-lift-chin-tuck"]),
    ],
)
def test_the_required_ladders_exist_in_order(ladder_of: str, expected: list[str]) -> None:
    assert [rung.id for rung in ladder(LIBRARY, ladder_of)] == expected


def test_standing_pelvic_stretch_follows_the_seed_protocol_exactly() -> None:
    stretch = LIBRARY["standing-pelvic-stretch"]
    assert stretch.dose.describe("nl") == "Houd 20 seconden vast, 3 herhalingen, 3 keer per dag"
    assert (stretch.dose.kind, stretch.dose.hold_seconds, stretch.dose.repetitions, stretch.dose.times_per_day) == (
        DoseKind.HOLD,
        20,
        3,
        3,
    )
    alternative = stretch.alternative_dose
    assert alternative is not None
    assert (alternative.hold_seconds, alternative.times_per_day) == (30, 2)
    assert stretch.cautions == {"hernia_diagnosed", "recent_surgery", "severe_arthrosis"}
    assert not stretch.contraindications
    assert stretch.source_id == "seed-003-standing-pelvic-stretch"
    assert stretch.evidence is Evidence.SECONDARY
    assert load_sources()[stretch.source_id].evidence is Evidence.SECONDARY


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda exercise: exercise.id)
def test_every_exercise_names_a_source_no_weaker_than_its_evidence(exercise: Exercise) -> None:
    strength = [Evidence.UNVERIFIED, Evidence.SECONDARY, Evidence.VERIFIED]
    source = load_sources()[exercise.source_id]
    assert strength.index(exercise.evidence) <= strength.index(source.evidence)


def test_no_dose_is_presented_as_verified_guideline_fact() -> None:
    # No source consulted gives a complete dose for a named exercise; only the seed article gives one (secondary).
    assert all(exercise.evidence is not Evidence.VERIFIED for exercise in EXERCISES)


@pytest.mark.parametrize(
    "exercise", [e for e in EXERCISES if e.purpose is Purpose.STRENGTH], ids=lambda exercise: exercise.id
)
def test_every_strength_exercise_has_technique_points(exercise: Exercise) -> None:
    assert exercise.technique


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda exercise: exercise.id)
def test_condition_tags_are_known_and_explained(exercise: Exercise) -> None:
    assert exercise.cautions <= CONDITION_TAGS and exercise.contraindications <= CONDITION_TAGS
    assert not exercise.cautions & exercise.contraindications
    assert (exercise.caution_text is not None) == bool(exercise.cautions or exercise.contraindications)


def test_required_exercise_families_are_in_the_library() -> None:
    required = {
        "abdominal-bracing", "bird-dog", "dead-bug", "side-plank", "walking-programme", "cat-camel", "knee-to-chest",
        "lumbar-rotation", "chin-tuck-sitting", "neck-rotation", "scapular-setting", "neck-isometrics",
        "thoracic-extension", "open-book", "sciatic-nerve-slider", "median-nerve-slider", "diaphragmatic-breathing",
    }  # fmt: skip
    assert required <= LIBRARY.keys()


# The loader's validation, fed with small broken libraries instead of the packaged files.


def entry(exercise_id: str = "lone", **changes: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "id": exercise_id,
        "name": {"nl": "Oefening", "en": "Exercise"},
        "regions": ["low_back"],
        "purpose": "mobility",
        "position": {"nl": "Lig.", "en": "Lie."},
        "steps": [{"nl": "Beweeg.", "en": "Move."}],
        "dose": {"kind": "hold", "hold_seconds": 10, "repetitions": 5, "times_per_day": 1},
        "progression": "none",
        "regression": "none",
        "illustration": "bridge.svg",
        "source": "rugpad-exercise-practice",
        "evidence": "unverified",
    }
    raw.update(changes)
    return {key: value for key, value in raw.items() if value is not None}


def load(monkeypatch: pytest.MonkeyPatch, *entries: dict[str, Any]) -> None:
    monkeypatch.setattr(loader, "list_files", lambda folder, suffix: ["exercises/test.yaml"])
    monkeypatch.setattr(loader, "read_yaml", lambda path: list(entries))
    loader.load_exercises.__wrapped__()


def test_a_valid_small_library_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    load(monkeypatch, entry("easy", progression="hard"), entry("hard", regression="easy"))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": {"en": "English only"}}, "name: needs the 'nl' text"),
        ({"steps": [{"en": "English only"}]}, r"steps\[1\]: needs the 'nl' text"),
        ({"name": {"nl": "Dutch", "de": "Deutsch"}}, "name: de is not a language rugpad speaks"),
        ({"illustration": "missing.svg"}, "does not exist"),
        ({"progression": None}, "progression must name an exercise id or be written as 'none'"),
        ({"progression": "ghost"}, "'ghost' is not an exercise"),
        ({"dose": {"kind": "reps", "repetitions": 10, "times_per_day": 1}}, "dose: sets: required"),
        ({"dose": {"kind": "hold", "hold_seconds": 10, "repetitions": 5, "speed": 3, "days_per_week": 2}}, "unknown"),
        ({"cautions": ["bad_knee"]}, "unknown tag"),
        ({"cautions": ["osteoporosis"]}, "caution_text is required"),
        ({"purpose": "strength"}, "technique points are required"),
        ({"regions": ["shoulder"]}, "'shoulder' is not one of"),
        ({"source": "nowhere"}, "source 'nowhere' is not defined"),
        ({"source": "rugpad-exercise-practice", "evidence": "verified"}, "stronger than its source"),
        ({"id": "Not A Slug"}, "lower-case slug"),
    ],
)
def test_loader_rejects_a_broken_exercise_naming_the_field(
    monkeypatch: pytest.MonkeyPatch, changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(ContentError, match=message):
        load(monkeypatch, entry(**changes))


def test_loader_rejects_a_link_that_is_not_mirrored(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ContentError, match="must have regression: easy"):
        load(monkeypatch, entry("easy", progression="hard"), entry("hard"))


def test_loader_rejects_a_ladder_cycle(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ContentError, match="loops back"):
        load(monkeypatch, entry("a", progression="b", regression="b"), entry("b", progression="a", regression="a"))


def test_loader_rejects_a_duplicate_id(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ContentError, match="defined twice"):
        load(monkeypatch, entry("same"), entry("same"))


@pytest.mark.parametrize(
    "markup",
    [
        "<svg><script>alert(1)</script></svg>",
        '<svg onload="x()"></svg>',
        '<svg><a href="javascript:x()"/></svg>',
        "<svg><foreignObject><div/></foreignObject></svg>",
        '<svg><circle r="4" style="fill:red"/></svg>',
        "<svg><style>circle { fill: red }</style></svg>",
    ],
)
def test_an_illustration_that_could_run_code_is_refused(markup: str) -> None:
    from rugpad.content import unsafe_markup

    assert unsafe_markup(markup) is not None


def test_every_shipped_illustration_is_a_plain_drawing() -> None:
    from rugpad.content import unsafe_markup
    from rugpad.content.exercises import illustration_svg, load_exercises

    assert [e for e in load_exercises() if unsafe_markup(illustration_svg(e))] == []
