"""Dutch is the default language: every text a user reads must be translated, and the compiled catalogue current."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

LOCALE = Path(__file__).resolve().parents[2] / "src" / "rugpad" / "web" / "locale" / "nl" / "LC_MESSAGES"


def _entries() -> list[tuple[str, str]]:
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    entries = []
    for block in text.split("\n\n")[1:]:
        match = re.search(r"msgid ((?:\".*\"\n?)+)msgstr ((?:\".*\"\n?)+)", block + "\n")
        if match and "#~" not in block:
            entries.append(
                ("".join(re.findall(r'"(.*)"', match.group(1))), "".join(re.findall(r'"(.*)"', match.group(2))))
            )
    return entries


def test_every_dutch_message_is_translated() -> None:
    untranslated = [msgid for msgid, msgstr in _entries() if msgid and not msgstr]
    assert untranslated == []


def test_compiled_catalogue_matches_the_po_file() -> None:
    with (LOCALE / "django.mo").open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    for msgid, msgstr in _entries():
        if msgid and "%" not in msgid and "\\" not in msgid:
            assert catalogue.gettext(msgid) == msgstr, msgid
