"""Name search through an index: names become lower-case ASCII words ("Çelik-de Vries" → çelik→celik, de,
vries), stored one row per word (`PatientNameToken`), and a typed word matches every word it begins.

A prefix match is asked as a range, `word <= token < next(word)`, which a plain B-tree index answers on SQLite
and PostgreSQL alike (a `LIKE 'word%'` needs a special collation or operator class on each). Words hold only
the characters of `ALPHABET`, so the range is exact in any collation that orders digits before letters."""

from __future__ import annotations

import re
import unicodedata

ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"
TOKEN_MAX_LENGTH = 40
_NOT_ALPHABET = re.compile(f"[^{ALPHABET}]+")


def words(text: str) -> list[str]:
    """The searchable words of a name or a query: accents dropped, lower case, split at anything else."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return [word[:TOKEN_MAX_LENGTH] for word in _NOT_ALPHABET.split(plain) if word]


def name_tokens(first_name: str, last_name: str) -> set[str]:
    return set(words(first_name)) | set(words(last_name))


def prefix_end(word: str) -> str | None:
    """The smallest string after every string that begins with `word` ("jan" → "jao", "jaz" → "jb"); None when no
    such string exists ("zz")."""
    while word:
        position = ALPHABET.index(word[-1])
        if position + 1 < len(ALPHABET):
            return word[:-1] + ALPHABET[position + 1]
        word = word[:-1]
    return None
