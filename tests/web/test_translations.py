"""Dutch is the default language: every text a user reads must be translated, and each compiled catalogue current."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[2] / "src" / "rugpad" / "web"
CATALOGUES = sorted(WEB.glob("**/locale/nl/LC_MESSAGES/django.po"))


def _entries(po: Path) -> list[tuple[str, str, bool]]:
    entries = []
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        match = re.search(r"msgid ((?:\".*\"\n?)+)msgstr ((?:\".*\"\n?)+)", block + "\n")
        if match and "#~" not in block:
            msgid = "".join(re.findall(r'"(.*)"', match.group(1)))
            if msgid:
                entries.append((msgid, "".join(re.findall(r'"(.*)"', match.group(2))), "#, fuzzy" in block))
    return entries


def test_there_is_a_dutch_catalogue() -> None:
    assert WEB / "locale" / "nl" / "LC_MESSAGES" / "django.po" in CATALOGUES


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(WEB)))
def test_every_dutch_message_is_translated_and_none_is_a_fuzzy_guess(po: Path) -> None:
    assert [msgid for msgid, msgstr, _ in _entries(po) if not msgstr] == []
    assert [msgid for msgid, _, fuzzy in _entries(po) if fuzzy] == []


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(WEB)))
def test_compiled_catalogue_matches_the_po_file(po: Path) -> None:
    with po.with_suffix(".mo").open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    for msgid, msgstr, _ in _entries(po):
        if "%" not in msgid and "\\" not in msgid:
            assert catalogue.gettext(msgid) == msgstr, msgid
