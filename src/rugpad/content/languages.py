"""The content check for languages: which texts lack which language.

A text may lack a language when it loads (the reader then sees another language behind a marker); this check is
what keeps the shipped content complete. It reads the files as a reviewer would: every ``{nl: ..., en: ...}``
mapping in the YAML files, and every education module's ``<slug>.<lang>.md`` file.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from rugpad.content import list_all_files, list_files, read_yaml
from rugpad.content.education import FOLDER as EDUCATION
from rugpad.core.text import DEFAULT_LANG
from rugpad.core.vocab import Lang

_CODES = frozenset(lang.value for lang in Lang)


@dataclass(frozen=True, slots=True)
class Gap:
    """One text (or file) that lacks one or more languages."""

    file: str
    where: str
    missing: tuple[Lang, ...]

    def __str__(self) -> str:
        return f"{self.file}: {self.where}: missing {', '.join(lang.value for lang in self.missing)}"


def _is_text(node: Mapping[Any, Any]) -> bool:
    """A language mapping: Dutch (content is written in Dutch first) as words or a list of phrases; other keys may
    be data beside it (an answer option's value, an alarm phrase's question)."""
    dutch = node.get(DEFAULT_LANG.value)
    return isinstance(dutch, str) or (isinstance(dutch, list) and all(isinstance(word, str) for word in dutch))


def _gaps_in(node: object, file: str, where: str) -> Iterator[Gap]:
    if isinstance(node, Mapping):
        if _is_text(node):
            written = {str(key) for key, value in node.items() if str(key) in _CODES and value not in (None, "", [])}
            missing = tuple(lang for lang in Lang if lang.value not in written)
            if missing:
                yield Gap(file, where or "(top)", missing)
            return
        for key, value in node.items():
            yield from _gaps_in(value, file, f"{where}.{key}" if where else str(key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            identity = value.get("id") if isinstance(value, Mapping) else None
            yield from _gaps_in(value, file, f"{where}[{identity or index}]")


def _education_gaps() -> Iterator[Gap]:
    written: dict[str, set[str]] = {}
    for path in list_files(EDUCATION, ".md"):
        slug, _, lang = path.removeprefix(f"{EDUCATION}/").removesuffix(".md").rpartition(".")
        written.setdefault(slug, set()).add(lang)
    for slug, langs in sorted(written.items()):
        missing = tuple(lang for lang in Lang if lang.value not in langs)
        if missing:
            yield Gap(f"{EDUCATION}/{slug}.<lang>.md", "file", missing)


def missing_translations() -> list[Gap]:
    """Every text in the packaged content that lacks a language rugpad speaks, file by file."""
    gaps: list[Gap] = []
    for path in list_all_files(".yaml"):
        gaps.extend(_gaps_in(read_yaml(path), path, ""))
    gaps.extend(_education_gaps())
    return gaps
