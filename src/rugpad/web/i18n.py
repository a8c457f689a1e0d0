"""The reader's language as the clinical core's `Lang` (content texts are picked with it)."""

from __future__ import annotations

from django.utils.translation import get_language

from rugpad.core.vocab import Lang


def reader_lang() -> Lang:
    """The page's language as a `Lang`; Dutch (the default) for anything rugpad does not speak."""
    code = (get_language() or "nl")[:2]
    return Lang(code) if code in _SPOKEN else Lang.NL


_SPOKEN = frozenset(lang.value for lang in Lang)
