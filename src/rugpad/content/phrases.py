"""The phrase catalogue (``data/phrases/*.yaml``): the words the code itself puts together, in every language.

A phrase is a template such as ``{nl: "leeftijd boven {limit}", en: "age over {limit}", fr: "âge supérieur à
{limit} ans"}``. Its key is the file's stem followed by the nested keys: ``conditions.yaml`` → ``age_over`` is
``conditions.age_over``; a mapping holds either a text (language codes to strings) or further keys, never both.

Declared rules, checked when the catalogue loads (a broken phrase would otherwise surface mid-triage):
- every phrase has every language rugpad speaks (content texts may lack one; a phrase may not, since the code has
  no other words to fall back on);
- placeholders are named (``{limit}``, never ``{}`` or ``{0}``), plain (no ``{x.y}``, ``{x[0]}``, ``{x:g}``,
  ``{x!r}``: formatting numbers per language is `rugpad.core.text.number`'s job), and the same set in every
  language, so a value filled in for one language is filled in for all;
- keys are unique across files (the file stem keeps them apart).

`rugpad.content` installs `CATALOGUE` as the core's catalogue (`rugpad.core.text.install_phrases`) on import, so the
engine, the CLI and the web app have it before they read a phrase. It reads a file when a phrase of it is first asked
for: parsing YAML is most of a command's start-up, and `rugpad triage` needs a third of the phrases.
"""

from __future__ import annotations

import string
from collections.abc import Iterator, Mapping
from functools import cache
from types import MappingProxyType

from rugpad.content import ContentError, has_file, list_files, read_yaml, text
from rugpad.core.text import Text
from rugpad.core.vocab import Lang

__all__ = ["CATALOGUE", "FOLDER", "load_phrase_file", "load_phrases", "parse_phrases", "placeholders"]

FOLDER = "phrases"
_CODES = frozenset(lang.value for lang in Lang)


@cache
def load_phrases() -> Mapping[str, Text]:
    """Every phrase of every file under ``phrases/``, by key; validated once per process."""
    catalogue: dict[str, Text] = {}
    for path in list_files(FOLDER, ".yaml"):
        catalogue.update(load_phrase_file(path.removeprefix(f"{FOLDER}/").removesuffix(".yaml")))
    return MappingProxyType(catalogue)


@cache
def load_phrase_file(stem: str) -> Mapping[str, Text]:
    """The phrases of ``phrases/<stem>.yaml`` (keys ``<stem>.…``), validated; empty when there is no such file."""
    path = f"{FOLDER}/{stem}.yaml"
    if not stem.isidentifier() or not has_file(path):
        return MappingProxyType({})
    return MappingProxyType(parse_phrases(read_yaml(path), stem, path))


class _Catalogue(Mapping[str, Text]):
    """The whole catalogue to the core, each file read when one of its phrases is first asked for."""

    def __getitem__(self, key: str) -> Text:
        return load_phrase_file(key.partition(".")[0])[key]

    def __iter__(self) -> Iterator[str]:
        return iter(load_phrases())

    def __len__(self) -> int:
        return len(load_phrases())


CATALOGUE: Mapping[str, Text] = _Catalogue()


def parse_phrases(raw: object, prefix: str, where: str) -> dict[str, Text]:
    """The phrases in one file's parsed YAML, keys prefixed with `prefix` (tests feed broken files through here)."""
    if not isinstance(raw, Mapping) or not raw:
        raise ContentError(f"{where}: must be a mapping of keys to phrases")
    found: dict[str, Text] = {}
    for name, node in raw.items():
        key = f"{prefix}.{name}"
        if not isinstance(name, str) or not name.isidentifier():
            raise ContentError(f"{where}: {key}: a key is a plain word (letters, digits, _)")
        if isinstance(node, Mapping) and node and all(isinstance(value, Mapping) for value in node.values()):
            found.update(parse_phrases(node, key, where))
        else:
            found[key] = _phrase(node, f"{where}: {key}")
    return found


def _phrase(raw: object, where: str) -> Text:
    if not isinstance(raw, Mapping) or not set(map(str, raw)) <= _CODES:
        raise ContentError(f"{where}: a phrase is a text per language, e.g. {{nl: ..., en: ..., fr: ...}}")
    phrase = text(raw, where)
    if missing := phrase.missing():
        raise ContentError(f"{where}: needs every language; missing {', '.join(lang.value for lang in missing)}")
    expected: frozenset[str] | None = None
    for lang, template in phrase.items():
        names = placeholders(template, f"{where}: {lang.value}")
        if expected is None:
            expected = names
        elif names != expected:
            raise ContentError(
                f"{where}: {lang.value} has placeholders {sorted(names)}, the other languages {sorted(expected)}"
            )
    return phrase


def placeholders(template: str, where: str) -> frozenset[str]:
    """The `{name}` placeholders of a template; ContentError for a stray brace or a placeholder that is not plain."""
    if "{" not in template and "}" not in template:
        return frozenset()
    try:
        fields = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ContentError(f"{where}: {exc} (write a literal brace as {{{{ or }}}})") from None
    names: set[str] = set()
    for _literal, name, spec, conversion in fields:
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise ContentError(f"{where}: placeholder {{{name}}} must be a plain name such as {{count}}")
        names.add(name)
    return frozenset(names)
