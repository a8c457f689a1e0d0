"""User-facing text in the languages rugpad speaks, the phrase catalogue, and the sources that rules rest on.

A `Text` maps each language to its words. Content texts come from the YAML files; the words the code itself puts
together (a triage's "could not be decided", a condition read aloud, the list "A, B and C", a decimal comma) are
phrases: `phrase("triage.not_decided")` names one by key, and its words per language live in the catalogue under
``content/data/phrases/``. The core reads no files, so the content loader installs the catalogue
(`install_phrases`); a phrase is resolved on first use, which lets module constants name phrases before that.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

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


_LANGS: tuple[Lang, ...] = tuple(Lang)
"""Every language, in `Lang`'s order (iterating a tuple is cheaper than iterating the enum)."""


class Text:
    """A user-facing text: one string per language, keyed by `Lang`. A language may be missing (a clinician's own
    plan item, content not yet translated): `get` then shows another language behind a visible marker, and the
    content check (`rugpad.content.languages`) lists what is missing."""

    __slots__ = ("_texts",)

    def __init__(self, texts: Mapping[Lang, str] | Mapping[str, str] | None = None, /, **by_lang: str) -> None:
        given: Mapping[Any, str] = texts or {}
        merged = {**given, **by_lang} if by_lang else given
        self._texts: dict[Lang, str] = {Lang(lang): value for lang, value in merged.items() if value}

    @classmethod
    def build(cls, make: Callable[[Lang], str], over: Iterable[Text] = ()) -> Text:
        """A text made per language by `make`, in every language all of `over` have (every language if none)."""
        tables = [part._texts for part in over]
        return _made({lang: make(lang) for lang in _LANGS if all(lang in table for table in tables)})

    @classmethod
    def deferred(cls, make: Callable[[], Text]) -> Text:
        """The text `make` returns, made when it is first read: for words that are seldom read but often made (a
        rulebook describes each of its hundreds of conditions, which only `rugpad explain` reads)."""
        return _Deferred(make)

    @classmethod
    def verbatim(cls, value: str) -> Text:
        """The same words in every language: an id, a code or a number that reads alike everywhere."""
        return _made(dict.fromkeys(_LANGS, value))

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
        return _made({lang: change(value) for lang, value in self._texts.items()})

    def format(self, **values: object) -> Text:
        """Fills `{name}` placeholders per language; a value that is itself a `Text` is read in the same language."""
        own = self._texts
        tables = [value._texts for value in values.values() if isinstance(value, Text)]
        filled: dict[Lang, str] = {}
        for lang in _LANGS:
            if lang in own and all(lang in table for table in tables):
                words = {
                    name: value._texts[lang] if isinstance(value, Text) else value for name, value in values.items()
                }
                filled[lang] = own[lang].format(**words)
        return _made(filled)

    @property
    def languages(self) -> tuple[Lang, ...]:
        return tuple(lang for lang in _LANGS if lang in self._texts)

    def has(self, lang: Lang | str) -> bool:
        return Lang(lang) in self._texts

    def exact(self, lang: Lang | str) -> str | None:
        """The text in `lang` itself, or None: no fallback, no marker."""
        return self._texts.get(Lang(lang))

    def missing(self) -> tuple[Lang, ...]:
        return tuple(lang for lang in _LANGS if lang not in self._texts)

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


def _made(texts: dict[Lang, str]) -> Text:
    """A `Text` of words already keyed by `Lang` (no conversion of the keys): how `build`, `format` and `map` make
    theirs, as a rulebook's condition descriptions are made by the hundred at load time."""
    text = Text.__new__(Text)
    text._texts = {lang: value for lang, value in texts.items() if value}
    return text


# --- phrases: the words the code puts together, as content -------------------------------------------------------


class _Deferred(Text):
    """A `Text` made on first use (see `Text.deferred`), then kept."""

    __slots__ = ("_make", "_words")

    def __init__(self, make: Callable[[], Text]) -> None:  # no Text.__init__: the words are made when first read
        self._make = make
        self._words: dict[Lang, str] | None = None

    @property
    def _texts(self) -> dict[Lang, str]:  # type: ignore[override]  # read-only: made once from `_make`
        words = self._words
        if words is None:
            words = self._words = self._make()._texts
        return words


class PhraseError(LookupError):
    """A phrase read before a catalogue was installed, or a key the catalogue lacks; the message names the key."""


Catalogue = Mapping[str, Text]
"""Phrase key (``"triage.not_decided"``) -> its words in every language, `{name}` placeholders alike in each."""

_catalogue: Catalogue | None = None
_load_catalogue: Callable[[], Catalogue] | None = None
_resolved: dict[str, Text] = {}
"""Phrases already looked up, by key: a phrase read again costs one dictionary look-up."""


def install_phrases(catalogue: Catalogue | Callable[[], Catalogue]) -> None:
    """Make the phrase catalogue available to every `phrase`: the mapping itself, or a function that returns it when
    the first phrase is read (the content package installs its loader so; the catalogue may in turn read its files
    as their phrases are asked for)."""
    global _catalogue, _load_catalogue
    if callable(catalogue):
        _catalogue, _load_catalogue = None, catalogue
    else:
        _catalogue, _load_catalogue = catalogue, None
    _resolved.clear()


def _phrase_texts(key: str) -> dict[Lang, str]:
    found = _resolved.get(key)
    if found is None:
        found = _resolved[key] = _look_up(key)
    return found._texts


def _look_up(key: str) -> Text:
    global _catalogue
    catalogue = _catalogue
    if catalogue is None:
        if _load_catalogue is None:
            raise PhraseError(
                f"phrase {key!r} was read before a phrase catalogue was installed: import rugpad.engine or "
                "rugpad.content first (they install content/data/phrases/)"
            )
        catalogue = _catalogue = _load_catalogue()
    found = catalogue.get(key)
    if found is None:
        raise PhraseError(f"phrase {key!r} is not in the phrase catalogue (content/data/phrases/)")
    return found


class Phrase(Text):
    """A `Text` named by its key in the phrase catalogue and looked up there on every use, so a module constant may
    name it before the catalogue is installed. Everything a `Text` does (`get`, `format`, `join`, equality) it does
    with the catalogue's words."""

    __slots__ = ("key",)

    def __init__(self, key: str) -> None:  # no Text.__init__: the words live in the catalogue
        self.key = key

    @property  # read-only on purpose: a phrase's words change only with its catalogue
    def _texts(self) -> dict[Lang, str]:  # type: ignore[override]
        return _phrase_texts(self.key)

    def __repr__(self) -> str:
        return f"phrase({self.key!r})"


def phrase(key: str) -> Text:
    """The phrase `key` of the catalogue (``content/data/phrases/<file>.yaml``, key = file stem + the nested keys),
    resolved when first read; fill its placeholders with `format`."""
    return Phrase(key)


_LIST_MORE = phrase("text.list_more")
_LIST_AND = phrase("text.list_and")
_DECIMAL = phrase("text.decimal")


def listing(parts: Sequence[Text], last: Text = _LIST_AND, more: Text = _LIST_MORE) -> Text:
    """The parts as one list in each language, e.g. "A, B en C" / "A, B and C" / "A, B et C": `more` (placeholders
    `{rest}` and `{next}`) adds each part but the last, `last` adds the last. Empty for no parts."""
    if len(parts) <= 1:
        return parts[0] if parts else Text()

    def make(lang: Lang) -> str:
        shown = parts[0].get(lang)
        for index in range(1, len(parts)):
            template = last if index == len(parts) - 1 else more
            shown = template.get(lang).format(rest=shown, next=parts[index].get(lang))
        return shown

    return Text.build(make, over=(*parts, last, more))


def number(value: float) -> Text:
    """A number as each language writes it, shortest form (65, 0.5): a decimal comma in Dutch and French."""
    shown = f"{value:g}"
    whole, point, fraction = shown.partition(".")
    return _DECIMAL.format(whole=whole, fraction=fraction) if point else Text.verbatim(shown)


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
