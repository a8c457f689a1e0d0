"""User-facing text in the languages rugpad speaks, and the sources that rules rest on."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

from rugpad.core.vocab import Evidence, Lang

DEFAULT_LANG = Lang.NL
"""The language content is written in first, and the first fallback for a text that lacks the reader's language."""


def fallback_order(lang: Lang) -> tuple[Lang, ...]:
    """Where to look when a text lacks `lang`: the default language, then the others in `Lang`'s order."""
    rest = tuple(other for other in Lang if other not in (lang, DEFAULT_LANG))
    return (DEFAULT_LANG, *rest) if lang is not DEFAULT_LANG else rest


def fallback_marker(lang: Lang) -> str:
    """Put before a text shown in another language than the reader's, so nobody takes it for an oversight: "[NL] "."""
    return f"[{lang.value.upper()}] "


class Text:
    """A user-facing text: one string per language, keyed by `Lang`. A language may be missing (a clinician's own
    plan item, content not yet translated): `get` then shows another language behind a visible marker, and the
    content check (`rugpad.content.languages`) lists what is missing."""

    __slots__ = ("_texts",)

    def __init__(self, texts: Mapping[Lang | str, str] | None = None, /, **by_lang: str) -> None:
        merged = {**(texts or {}), **by_lang}
        self._texts: dict[Lang, str] = {Lang(lang): value for lang, value in merged.items() if value}

    @classmethod
    def build(cls, make: Callable[[Lang], str], over: Iterable[Text] = ()) -> Text:
        """A text made per language by `make`, in every language all of `over` have (every language if none)."""
        langs = set(Lang)
        for part in over:
            langs &= set(part.languages)
        return cls({lang: make(lang) for lang in Lang if lang in langs})

    @classmethod
    def join(cls, separator: str | Text, parts: Iterable[Text]) -> Text:
        """The parts joined per language, e.g. a list of reasons read as one sentence."""
        items = tuple(parts)
        sep = separator if isinstance(separator, Text) else None
        return cls.build(
            lambda lang: (sep.get(lang) if sep else str(separator)).join(part.get(lang) for part in items),
            over=(*items, *((sep,) if sep else ())),
        )

    def map(self, change: Callable[[str], str]) -> Text:
        """The same text with `change` applied in every language (filling in a number, trimming)."""
        return Text({lang: change(value) for lang, value in self._texts.items()})

    def format(self, **values: object) -> Text:
        """Fills `{name}` placeholders per language; a value that is itself a `Text` is read in the same language."""
        texts = [value for value in values.values() if isinstance(value, Text)]
        return Text.build(
            lambda lang: self.get(lang).format(
                **{name: value.get(lang) if isinstance(value, Text) else value for name, value in values.items()}
            ),
            over=(self, *texts),
        )

    @property
    def languages(self) -> tuple[Lang, ...]:
        return tuple(lang for lang in Lang if lang in self._texts)

    def has(self, lang: Lang | str) -> bool:
        return Lang(lang) in self._texts

    def exact(self, lang: Lang | str) -> str | None:
        """The text in `lang` itself, or None: no fallback, no marker."""
        return self._texts.get(Lang(lang))

    def missing(self) -> tuple[Lang, ...]:
        return tuple(lang for lang in Lang if lang not in self._texts)

    def get(self, lang: Lang | str = DEFAULT_LANG) -> str:
        """The text in `lang`; if it lacks that language, the first fallback that exists, marked as such."""
        lang = lang if type(lang) is Lang else Lang(lang)
        found = self._texts.get(lang)
        if found is not None:
            return found
        for other in fallback_order(lang):
            if other in self._texts:
                return fallback_marker(other) + self._texts[other]
        return ""  # an empty text (a plan item without words of its own)

    # Transitional: code that still reads the two first languages by name. Being replaced by `get`, `build`, `join`,
    # `map` and `format`, which work for every language.
    @property
    def nl(self) -> str:
        return self.get(Lang.NL)

    @property
    def en(self) -> str:
        return self.get(Lang.EN)

    def items(self) -> Iterator[tuple[Lang, str]]:
        return iter(self._texts.items())

    def as_dict(self) -> dict[str, str]:
        """Every language the text has, by code: what an API or an export shows."""
        return {lang.value: value for lang, value in self._texts.items()}

    def __bool__(self) -> bool:
        return bool(self._texts)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Text) and self._texts == other._texts

    def __hash__(self) -> int:
        return hash(frozenset(self._texts.items()))

    def __repr__(self) -> str:
        return f"Text({self.as_dict()!r})"


@dataclass(frozen=True, slots=True)
class Source:
    """A citable source. Rules refer to it by `id`.

    Two kinds. A bibliographic source (a guideline, a paper, a web article) has one `citation`, in the language it
    was published in, and every reader sees it so. rugpad's own source (a practice setting, rugpad's reading of the
    facts, its own wording) is explanatory prose: its `words` are in every language, and `citation` holds their
    English for the exports that carry one string (the CLI's JSON, FHIR). Show a reader `cite(lang)`.
    """

    id: str
    citation: str
    url: str = ""
    evidence: Evidence = Evidence.VERIFIED
    note: str = ""
    words: Text | None = None
    """rugpad's own words in every language; None for a bibliographic citation."""

    def cite(self, lang: Lang | str) -> str:
        """What a reader in `lang` sees: rugpad's own words in that language, else the citation as published."""
        return self.words.get(lang) if self.words is not None else self.citation
