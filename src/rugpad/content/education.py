"""Load the patient education modules from ``data/education/<id>.<lang>.md``.

Each file is Markdown with YAML front matter between ``---`` lines. The two languages of a module are written
separately, so the loader checks that they agree on everything but the words: same id, regions, profiles, order,
reading time, sources and evidence. It also keeps the texts honest: every source must exist, the stated
evidence must be the weakest of the sources and of any sentence marked as not yet confirmed, and the length must
stay within what a patient reads in one go.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from types import MappingProxyType
from typing import Any

import yaml

from rugpad.content import ContentError, list_files, load_sources, parse_yaml, read_text, text
from rugpad.core.education import (
    EVERY_PATIENT,
    PROFILES,
    RADICULAR,
    UNCONFIRMED_MARK,
    EducationModule,
    weakest_evidence,
    word_count,
)
from rugpad.core.text import DEFAULT_LANG, Text
from rugpad.core.vocab import Evidence, Lang, Region

__all__ = ["MAX_WORDS", "MIN_WORDS", "load_education"]

FOLDER = "education"

MIN_WORDS = 250
"""Shortest body per language; below this a module rarely explains enough (project brief, B1 leaflet length)."""
MAX_WORDS = 500
"""Longest body per language; longer texts lose B1 readers (project brief)."""

_SHARED_FIELDS = ("id", "regions", "profiles", "order", "reading_minutes", "sources", "evidence")
"""Front-matter fields that must be identical in both languages."""


def _split_front_matter(raw: str, path: str) -> tuple[dict[str, Any], str]:
    if not raw.startswith("---\n"):
        raise ContentError(f"{path}: must start with YAML front matter between '---' lines")
    head, separator, body = raw[4:].partition("\n---\n")
    if not separator:
        raise ContentError(f"{path}: front matter is not closed with a '---' line")
    try:
        front = parse_yaml(head)
    except yaml.YAMLError as exc:
        raise ContentError(f"{path}: front matter is not valid YAML: {exc}") from exc
    if not isinstance(front, dict):
        raise ContentError(f"{path}: front matter must be a mapping")
    missing = [field for field in (*_SHARED_FIELDS, "title", "summary") if field not in front]
    if missing:
        raise ContentError(f"{path}: front matter lacks {', '.join(missing)}")
    return front, body.strip()


def _read_module_files() -> dict[str, dict[Lang, tuple[dict[str, Any], str]]]:
    """Front matter and body per module id and language; Dutch required, the other languages where written (the
    content check lists the missing ones)."""
    found: dict[str, dict[Lang, tuple[dict[str, Any], str]]] = {}
    for path in list_files(FOLDER, ".md"):
        slug, _, lang = path.removeprefix(f"{FOLDER}/").removesuffix(".md").rpartition(".")
        if lang not in {member.value for member in Lang}:
            raise ContentError(f"{path}: file name must end in .<language>.md, one of {', '.join(Lang)}")
        found.setdefault(slug, {})[Lang(lang)] = _split_front_matter(read_text(path), path)
    for slug, languages in found.items():
        if DEFAULT_LANG not in languages:
            raise ContentError(f"{FOLDER}/{slug}.{DEFAULT_LANG}.md: missing; every module is written in Dutch first")
    return found


def _regions(raw: object, where: str) -> frozenset[Region]:
    if not isinstance(raw, list) or not raw:
        raise ContentError(f"{where}: regions must be a non-empty list")
    try:
        return frozenset(Region(value) for value in raw)
    except ValueError as exc:
        raise ContentError(f"{where}: regions must be low_back and/or neck") from exc


def _profiles(raw: object, regions: frozenset[Region], where: str) -> frozenset[str]:
    if not isinstance(raw, list) or not raw:
        raise ContentError(f"{where}: profiles must be a non-empty list")
    profiles = frozenset(str(value) for value in raw)
    allowed = {RADICULAR, EVERY_PATIENT}.union(*(PROFILES[region] for region in regions))
    unknown = sorted(profiles - allowed)
    if unknown:
        raise ContentError(f"{where}: profiles {unknown} do not exist for regions {sorted(regions)}")
    return profiles


def _body(bodies: Mapping[Lang, str], where: str) -> Text:
    for lang, body in bodies.items():
        words = word_count(body)
        if not MIN_WORDS <= words <= MAX_WORDS:
            raise ContentError(f"{where}.{lang}: {words} words; keep it within {MIN_WORDS}..{MAX_WORDS}")
    counts = {body.count(UNCONFIRMED_MARK.get(lang)) for lang, body in bodies.items()}
    if len(counts) > 1:
        raise ContentError(f"{where}: the languages mark a different number of sentences as not yet confirmed")
    return Text(bodies)


def _evidence(front: Mapping[str, Any], body: Text, where: str) -> tuple[tuple[str, ...], Evidence]:
    """The source ids and the stated evidence, checked against the sources and the marked sentences."""
    sources = load_sources()
    ids = front["sources"]
    if not isinstance(ids, list) or not ids:
        raise ContentError(f"{where}: sources must be a non-empty list of source ids")
    unknown = sorted(str(source_id) for source_id in ids if source_id not in sources)
    if unknown:
        raise ContentError(f"{where}: unknown sources {unknown}")
    try:
        stated = Evidence(front["evidence"])
    except ValueError as exc:
        raise ContentError(f"{where}: evidence must be verified, secondary or unverified") from exc
    levels = [sources[source_id].evidence for source_id in ids]
    if any(UNCONFIRMED_MARK.get(lang) in written for lang, written in body.items()):
        levels.append(Evidence.UNVERIFIED)
    weakest = weakest_evidence(levels)
    if stated is not weakest:
        raise ContentError(f"{where}: evidence is {stated} but its weakest source or marked sentence is {weakest}")
    return tuple(str(source_id) for source_id in ids), stated


def _module(slug: str, files: Mapping[Lang, tuple[dict[str, Any], str]]) -> EducationModule:
    where = f"{FOLDER}/{slug}"
    nl = files[DEFAULT_LANG][0]
    for lang, (front, _body_text) in files.items():
        for field in _SHARED_FIELDS:
            if front[field] != nl[field]:
                raise ContentError(f"{where}: '{field}' differs between the Dutch and the {lang} file")
    if nl["id"] != slug:
        raise ContentError(f"{where}: id {nl['id']!r} must equal the file name")
    order, minutes = nl["order"], nl["reading_minutes"]
    if not isinstance(order, int) or not isinstance(minutes, int) or minutes < 1:
        raise ContentError(f"{where}: order and reading_minutes must be whole numbers (reading_minutes >= 1)")
    if any("\n" in str(front["summary"]).strip() for front, _ in files.values()):
        raise ContentError(f"{where}: summary must be one line")
    regions = _regions(nl["regions"], where)
    body = _body({lang: body for lang, (_front, body) in files.items()}, where)
    source_ids, evidence = _evidence(nl, body, where)
    return EducationModule(
        id=slug,
        title=text({lang.value: front["title"] for lang, (front, _) in files.items()}, f"{where}: title"),
        summary=text({lang.value: front["summary"] for lang, (front, _) in files.items()}, f"{where}: summary"),
        body=body,
        regions=regions,
        profiles=_profiles(nl["profiles"], regions, where),
        order=order,
        reading_minutes=minutes,
        source_ids=source_ids,
        evidence=evidence,
    )


@cache
def load_education() -> Mapping[str, EducationModule]:
    """Every education module by id, in reading order; each region must have a module for every patient."""
    modules = sorted(
        (_module(slug, files) for slug, files in _read_module_files().items()), key=lambda m: (m.order, m.id)
    )
    for region in Region:
        if not any(region in m.regions and EVERY_PATIENT in m.profiles for m in modules):
            raise ContentError(f"{FOLDER}: no module for every {region} patient (profiles: [all])")
    return MappingProxyType({module.id: module for module in modules})
