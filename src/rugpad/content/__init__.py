"""Versioned clinical content (YAML and Markdown, Dutch and English) and the code that loads it.

Clinicians review the files under ``data/``, not the Python beside it. Loading is the only I/O the clinical rules
need; it reads packaged files only (never the environment or the network), validates them and hands plain
dataclasses to the pure core. Every loader is cached: content is read once per process.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from enum import StrEnum
from functools import cache
from typing import Any, TypeVar

import yaml

from rugpad.core.text import DEFAULT_LANG, Source, Text, install_phrases
from rugpad.core.vocab import Evidence, Lang, Region

__all__ = [
    "EVIDENCE_STRENGTH",
    "ContentError",
    "enum_value",
    "has_file",
    "list_files",
    "load_sources",
    "parse_yaml",
    "read_text",
    "read_yaml",
    "region",
    "sourced",
    "text",
    "unsafe_markup",
    "yaml_loader",
]

# Content is reviewed as text, but pages inline its SVG and link its URLs: refuse anything that could run, and
# inline CSS (a style attribute or element), which the pages' Content-Security-Policy would block.
_UNSAFE_MARKUP = re.compile(
    r"<\s*(script|foreignObject|iframe|object|embed|style)\b|\s(on\w+|style)\s*=|javascript:|data:text/html",
    re.IGNORECASE,
)


class ContentError(ValueError):
    """A content file is malformed; the message names the file and the field."""


_DATA_ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
"""The packaged content (installed as plain files beside this module). Read with `os` alone: importlib.resources
would add zipfile, threading and more to every CLI command's start-up, for zip imports rugpad never uses."""


def read_text(relative_path: str) -> str:
    """The text of a packaged content file under ``data/``, e.g. ``"education/why-back-pain.nl.md"``."""
    with open(os.path.join(_DATA_ROOT, relative_path), encoding="utf-8") as handle:
        return handle.read()


def has_file(relative_path: str) -> bool:
    """Whether ``data/`` holds this file."""
    return os.path.isfile(os.path.join(_DATA_ROOT, relative_path))


def yaml_loader() -> type[yaml.SafeLoader] | type[yaml.CSafeLoader]:
    """libyaml's safe loader when PyYAML was built with it (it parses the content about ten times faster, which is
    most of a CLI command's start-up), else PyYAML's pure-Python one: both build the same plain data, safely."""
    fast: type[yaml.CSafeLoader] | None = getattr(yaml, "CSafeLoader", None)
    return fast if fast is not None else yaml.SafeLoader


def parse_yaml(source: str) -> Any:
    """The plain data in YAML text, read with `yaml_loader()` (no tags beyond YAML's own: never Python objects)."""
    return yaml.load(source, Loader=yaml_loader())  # a safe loader, C or Python: plain data only


def read_yaml(relative_path: str) -> Any:
    try:
        return parse_yaml(read_text(relative_path))
    except yaml.YAMLError as exc:  # pragma: no cover - caught by the content tests
        raise ContentError(f"{relative_path}: not valid YAML: {exc}") from exc


def list_files(folder: str, suffix: str) -> list[str]:
    """Relative paths (under ``data/``) of the packaged files in `folder` ending in `suffix`, sorted."""
    return sorted(f"{folder}/{name}" for name in os.listdir(os.path.join(_DATA_ROOT, folder)) if name.endswith(suffix))


def list_all_files(suffix: str) -> list[str]:
    """Relative paths of every packaged file under ``data/`` (all folders) ending in `suffix`, sorted."""
    return sorted(
        os.path.relpath(os.path.join(folder, name), _DATA_ROOT)
        for folder, _, names in os.walk(_DATA_ROOT)
        for name in names
        if name.endswith(suffix)
    )


def text(raw: object, where: str, besides: Iterable[str] = ()) -> Text:
    """Parse a ``{nl: ..., en: ..., fr: ...}`` mapping. Dutch, the language content is written in first, is
    required; another language may be missing (the reader then sees Dutch behind a marker, and the content check
    `rugpad.content.languages` lists the gap). A key that is no language rugpad speaks is refused, unless the entry
    carries it `besides` its text (an answer option's value): a missing quote in YAML turns half a sentence into a
    key, and this is where that shows."""
    if not isinstance(raw, Mapping):
        raise ContentError(f"{where}: needs a text per language, e.g. {{nl: ..., en: ..., fr: ...}}")
    unknown = sorted(str(key) for key in raw if str(key) not in _LANG_CODES and str(key) not in besides)
    if unknown:
        raise ContentError(f"{where}: {', '.join(unknown)} is not a language rugpad speaks ({', '.join(_LANG_CODES)})")
    texts = {
        str(lang): str(value).strip()
        for lang, value in raw.items()
        if str(lang) in _LANG_CODES and value is not None and str(value).strip()
    }
    if DEFAULT_LANG.value not in texts:
        raise ContentError(f"{where}: needs the '{DEFAULT_LANG.value}' text")
    return Text(texts)


_LANG_CODES = tuple(lang.value for lang in Lang)


def unsafe_markup(markup: str) -> str | None:
    """What makes `markup` unsafe to inline in a page (a script, an event handler, a javascript: link, inline CSS),
    or None."""
    found = _UNSAFE_MARKUP.search(markup)
    return f"contains {found.group(0).strip()!r}" if found else None


@cache
def load_sources() -> Mapping[str, Source]:
    """All sources, from every file in ``sources/``; an id may be defined once only."""
    sources: dict[str, Source] = {}
    for path in list_files("sources", ".yaml"):
        for entry in read_yaml(path) or []:
            where = f"{path}: {entry.get('id', '?')}"
            if entry["id"] in sources:
                raise ContentError(f"{where}: source id defined twice")
            try:
                evidence = Evidence(entry.get("evidence", "verified"))
            except ValueError as exc:
                raise ContentError(f"{where}: evidence must be verified, secondary or unverified") from exc
            url = str(entry.get("url", ""))
            if url and not url.startswith(("https://", "http://")):
                raise ContentError(f"{where}: url must start with https:// or http://")
            # A citation is one string (a bibliographic reference, in the language it was published in) or a
            # {nl, en, fr} mapping (rugpad's own words, which a reader gets in their language).
            raw = entry.get("citation")
            if not isinstance(raw, str | Mapping) or not raw:
                raise ContentError(f"{where}: citation needs a reference or rugpad's own words {{nl: ..., en: ...}}")
            words = text(raw, f"{where}: citation") if isinstance(raw, Mapping) else None
            sources[entry["id"]] = Source(
                id=entry["id"],
                citation=words.get(Lang.EN) if words is not None else str(raw).strip(),
                url=str(entry.get("url", "")),
                evidence=evidence,
                note=str(entry.get("note", "")).strip(),
                words=words,
            )
    return sources


E = TypeVar("E", bound=StrEnum)

EVIDENCE_STRENGTH = (Evidence.UNVERIFIED, Evidence.SECONDARY, Evidence.VERIFIED)
"""Weakest first: an entry may not claim stronger evidence than the source it cites."""


def enum_value(kind: type[E], raw: object, where: str) -> E:
    """One value of a vocabulary, or a ContentError naming the field and every allowed value."""
    try:
        return kind(str(raw))
    except ValueError:
        raise ContentError(f"{where}: {raw!r} is not one of {', '.join(member.value for member in kind)}") from None


def region(raw: object, where: str) -> Region:
    return enum_value(Region, raw, where)


def sourced(entry: Mapping[str, Any], where: str) -> tuple[str, Evidence]:
    """The entry's source id (defined in sources/) and its evidence, which may not claim more than the source has."""
    source_id = str(entry.get("source", ""))
    source = load_sources().get(source_id)
    if source is None:
        raise ContentError(f"{where}: source {source_id!r} is not defined in sources/")
    evidence = enum_value(Evidence, entry.get("evidence"), f"{where}: evidence")
    if EVIDENCE_STRENGTH.index(evidence) > EVIDENCE_STRENGTH.index(source.evidence):
        raise ContentError(f"{where}: evidence {evidence} is stronger than its source's ({source.evidence})")
    return source_id, evidence


def _phrase_catalogue() -> Mapping[str, Text]:
    from rugpad.content.phrases import CATALOGUE  # imported when first needed: it imports this package

    return CATALOGUE


# Importing the content (as the engine, the CLI and the web app do) gives the core its phrase catalogue, each file
# read when one of its phrases is first read.
install_phrases(_phrase_catalogue)
