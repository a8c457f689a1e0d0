"""The reader's language as the clinical core's `Lang` (content texts are picked with it)."""

from __future__ import annotations

from django.utils.translation import get_language

from rugpad.core.vocab import Lang


def reader_lang() -> Lang:
    """English when the page is in English, Dutch otherwise (Dutch is the default)."""
    return Lang.EN if (get_language() or "nl").startswith("en") else Lang.NL
