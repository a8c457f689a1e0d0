"""The headings of the screening checklist (`data/rules/sign_groups.yaml`), in display order."""

from __future__ import annotations

from functools import cache

from rugpad.content import ContentError, read_yaml, text
from rugpad.core.text import Text

PATH = "rules/sign_groups.yaml"


@cache
def load_sign_groups() -> dict[str, Text]:
    groups: dict[str, Text] = {}
    for index, entry in enumerate(read_yaml(PATH) or []):
        where = f"{PATH}: [{index}]"
        if not isinstance(entry, dict) or not entry.get("id"):
            raise ContentError(f"{where}: needs an id")
        groups[str(entry["id"])] = text(entry.get("label"), f"{where}: label")
    return groups
