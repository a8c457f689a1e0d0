"""Load the exercise library from ``data/exercises/*.yaml`` and its illustrations from ``data/exercises/svg/``.

Validation happens here, once, so the rest of rugpad can trust every exercise: both languages, an existing
illustration, a dose complete for its kind, ladder links that exist, point back and never loop, known condition
tags, a known source, and an evidence level no stronger than that source's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from rugpad.content import (
    ContentError,
    has_file,
    list_files,
    read_text,
    read_yaml,
    sourced,
    text,
    unsafe_markup,
)
from rugpad.content import enum_value as _enum
from rugpad.core.errors import InvalidInput
from rugpad.core.exercises import CONDITION_TAGS, NO_SYNONYMS, Dose, DoseKind, Exercise, Purpose, Synonyms
from rugpad.core.text import Text
from rugpad.core.vocab import Lang, Region

__all__ = ["illustration_svg", "load_exercises"]

_FOLDER = "exercises"
_SVG_FOLDER = f"{_FOLDER}/svg"
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_NONE = "none"
"""Written in the data as `progression: none` so that a missing ladder link is a decision, never an omission."""


@cache
def load_exercises() -> Mapping[str, Exercise]:
    """Every exercise in the library by id, validated; read once per process."""
    library: dict[str, Exercise] = {}
    for path in list_files(_FOLDER, ".yaml"):
        entries = read_yaml(path) or []
        if not isinstance(entries, list):
            raise ContentError(f"{path}: must be a list of exercises")
        for index, raw in enumerate(entries):
            if not isinstance(raw, Mapping):
                raise ContentError(f"{path}: entry {index}: must be a mapping")
            exercise = _parse(raw, f"{path}: {raw.get('id', f'entry {index}')}")
            if exercise.id in library:
                raise ContentError(f"{path}: {exercise.id}: exercise id defined twice")
            library[exercise.id] = exercise
    _check_ladders(library)
    return library


def illustration_svg(exercise_id: str) -> str:
    """The SVG markup of an exercise's illustration, for inlining in a page or PDF."""
    exercise = load_exercises().get(exercise_id)
    if exercise is None:
        raise InvalidInput("exercise", f"unknown exercise {exercise_id!r}")
    return read_text(f"{_SVG_FOLDER}/{exercise.illustration}")


def _parse(raw: Mapping[str, Any], where: str) -> Exercise:
    exercise_id = str(raw.get("id", ""))
    if not _SLUG.match(exercise_id):
        raise ContentError(f"{where}: id must be a lower-case slug such as 'single-leg-bridge'")
    purpose = _enum(Purpose, raw.get("purpose"), f"{where}: purpose")
    regions = raw.get("regions")
    if not isinstance(regions, list) or not regions:
        raise ContentError(f"{where}: regions must be a non-empty list of low_back and/or neck")
    steps = _texts(raw.get("steps"), f"{where}: steps")
    if not steps:
        raise ContentError(f"{where}: steps must list at least one step")
    technique = _texts(raw.get("technique", []), f"{where}: technique")
    if purpose is Purpose.STRENGTH and not technique:
        raise ContentError(f"{where}: technique points are required for a strength exercise")
    cautions = _tags(raw.get("cautions", []), f"{where}: cautions")
    contraindications = _tags(raw.get("contraindications", []), f"{where}: contraindications")
    if both := sorted(cautions & contraindications):
        raise ContentError(f"{where}: a tag is both a caution and a contra-indication: {both}")
    caution_text = text(raw["caution_text"], f"{where}: caution_text") if raw.get("caution_text") else None
    if (cautions or contraindications) and caution_text is None:
        raise ContentError(f"{where}: caution_text is required when cautions or contraindications are listed")
    source_id, evidence = sourced(raw, where)
    return Exercise(
        id=exercise_id,
        name=text(raw.get("name"), f"{where}: name"),
        regions=frozenset(_enum(Region, region, f"{where}: regions") for region in regions),
        purpose=purpose,
        position=text(raw.get("position"), f"{where}: position"),
        steps=steps,
        technique=technique,
        dose=_dose(raw.get("dose"), f"{where}: dose"),
        alternative_dose=_dose(raw["alternative_dose"], f"{where}: alternative_dose")
        if raw.get("alternative_dose")
        else None,
        progression=_link(raw, "progression", where),
        regression=_link(raw, "regression", where),
        cautions=cautions,
        contraindications=contraindications,
        caution_text=caution_text,
        illustration=_illustration(raw.get("illustration"), where),
        source_id=source_id,
        evidence=evidence,
        synonyms=_synonyms(raw.get("synonyms"), f"{where}: synonyms"),
    )


def _synonyms(raw: object, where: str) -> Synonyms:
    """Optional `{nl: [words], en: [words], fr: [words]}` (any of the languages rugpad speaks); each list holds plain
    non-empty words."""
    if raw is None:
        return NO_SYNONYMS
    codes = [lang.value for lang in Lang]
    if not isinstance(raw, Mapping) or set(map(str, raw)) - set(codes):
        raise ContentError(f"{where}: must be a mapping of {', '.join(codes)} (any of them) to a list of words")
    words: dict[str, tuple[str, ...]] = {}
    for lang, listed in raw.items():
        if not isinstance(listed, list) or not all(isinstance(w, str) and w.strip() for w in listed):
            raise ContentError(f"{where}: {lang} must be a list of non-empty words")
        words[str(lang)] = tuple(w.strip() for w in listed)
    return Synonyms(words)


def _texts(raw: object, where: str) -> tuple[Text, ...]:
    if not isinstance(raw, list):
        raise ContentError(f"{where}: must be a list of {{nl, en}} texts")
    return tuple(text(item, f"{where}[{index + 1}]") for index, item in enumerate(raw))


def _tags(raw: object, where: str) -> frozenset[str]:
    if not isinstance(raw, list):
        raise ContentError(f"{where}: must be a list of tags")
    unknown = sorted(str(tag) for tag in raw if tag not in CONDITION_TAGS)
    if unknown:
        raise ContentError(f"{where}: unknown tag(s) {unknown}; known: {', '.join(sorted(CONDITION_TAGS))}")
    return frozenset(str(tag) for tag in raw)


def _dose(raw: object, where: str) -> Dose:
    if not isinstance(raw, Mapping):
        raise ContentError(f"{where}: must be a mapping with at least 'kind'")
    fields = dict(raw)
    kind = _enum(DoseKind, fields.pop("kind", None), f"{where}: kind")
    try:
        return Dose(kind=kind, **fields)
    except TypeError as exc:
        raise ContentError(f"{where}: unknown field: {exc}") from None
    except InvalidInput as exc:
        raise ContentError(f"{where}: {exc}") from None


def _link(raw: Mapping[str, Any], key: str, where: str) -> str | None:
    if key not in raw or raw[key] in (None, ""):
        raise ContentError(f"{where}: {key} must name an exercise id or be written as 'none'")
    value = str(raw[key])
    return None if value == _NONE else value


def _illustration(raw: object, where: str) -> str:
    name = str(raw or "")
    if not name.endswith(".svg") or "/" in name:
        raise ContentError(f"{where}: illustration must be a file name ending in .svg")
    path = f"{_SVG_FOLDER}/{name}"
    if not has_file(path):
        raise ContentError(f"{where}: illustration {_SVG_FOLDER}/{name} does not exist")
    problem = unsafe_markup(read_text(path))
    if problem:
        raise ContentError(f"{where}: illustration {name} {problem}: pages inline it, so it must be a plain drawing")
    return name


def _check_ladders(library: Mapping[str, Exercise]) -> None:
    """Every link exists and is mirrored, so each ladder is one chain; walking up from any rung ends."""
    for exercise in library.values():
        for key, back in (("progression", "regression"), ("regression", "progression")):
            target = getattr(exercise, key)
            if target is None:
                continue
            if target not in library:
                raise ContentError(f"exercises: {exercise.id}: {key} {target!r} is not an exercise in the library")
            if getattr(library[target], back) != exercise.id:
                raise ContentError(f"exercises: {exercise.id}: {key} {target!r} must have {back}: {exercise.id}")
    for exercise in library.values():
        seen = {exercise.id}
        step = exercise.progression
        while step is not None:
            if step in seen:
                raise ContentError(f"exercises: {exercise.id}: the progression ladder loops back to {step!r}")
            seen.add(step)
            step = library[step].progression
