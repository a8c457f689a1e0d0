"""Declared shapes shared by the content loaders that validate with pydantic."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, StringConstraints

from rugpad.core.text import DEFAULT_LANG
from rugpad.core.vocab import Lang

Word = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
"""A non-empty string, trimmed."""


def _written_in_dutch_first(texts: dict[Lang, str]) -> dict[Lang, str]:
    if DEFAULT_LANG not in texts:
        raise ValueError(f"needs the '{DEFAULT_LANG.value}' text")
    return texts


LangTexts = Annotated[dict[Lang, Word], AfterValidator(_written_in_dutch_first)]
"""A text per language code (``{nl: ..., en: ..., fr: ...}``): Dutch required, the others where written (the
content check lists the gaps); a key that is no language rugpad speaks is refused by the shape."""
