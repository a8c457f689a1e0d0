"""Every text a user reads is translated in every language rugpad speaks besides English (the msgids'), each compiled
catalogue is current, and the catalogues of one folder hold the same messages in every language."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest

from rugpad.core.vocab import Lang

pytestmark = pytest.mark.db_agnostic  # the same SQL on every database: CI runs it on SQLite only

WEB = Path(__file__).resolve().parents[2] / "src" / "rugpad" / "web"
TRANSLATED = tuple(lang.value for lang in Lang if lang is not Lang.EN)
"""The languages with catalogues: the msgids are English."""
CATALOGUES = sorted(po for lang in TRANSLATED for po in WEB.glob(f"**/locale/{lang}/LC_MESSAGES/django.po"))
FOLDERS = sorted({po.parents[2] for po in CATALOGUES})


def _entries(po: Path) -> list[tuple[str, str, bool]]:
    entries = []
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        match = re.search(r"msgid ((?:\".*\"\n?)+)msgstr ((?:\".*\"\n?)+)", block + "\n")
        if match and "#~" not in block:
            msgid = "".join(re.findall(r'"(.*)"', match.group(1)))
            if msgid:
                entries.append((msgid, "".join(re.findall(r'"(.*)"', match.group(2))), "#, fuzzy" in block))
    return entries


def test_there_is_a_catalogue_per_language() -> None:
    for lang in TRANSLATED:
        assert WEB / "locale" / lang / "LC_MESSAGES" / "django.po" in CATALOGUES


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: str(p.relative_to(WEB)))
def test_each_folder_has_every_language_with_the_same_messages(folder: Path) -> None:
    msgids = {lang: {m for m, _, _ in _entries(folder / lang / "LC_MESSAGES" / "django.po")} for lang in TRANSLATED}
    for lang in TRANSLATED:
        assert (folder / lang / "LC_MESSAGES" / "django.po").exists(), lang
        assert msgids[lang] == msgids[TRANSLATED[0]], (lang, msgids[lang] ^ msgids[TRANSLATED[0]])


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(WEB)))
def test_every_message_is_translated_and_none_is_a_fuzzy_guess(po: Path) -> None:
    assert [msgid for msgid, msgstr, _ in _entries(po) if not msgstr] == []
    assert [msgid for msgid, _, fuzzy in _entries(po) if fuzzy] == []


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(WEB)))
def test_compiled_catalogue_matches_the_po_file(po: Path) -> None:
    with po.with_suffix(".mo").open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    for msgid, msgstr, _ in _entries(po):
        if "%" not in msgid and "\\" not in msgid:
            assert catalogue.gettext(msgid) == msgstr, msgid
