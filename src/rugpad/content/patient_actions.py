"""What a patient is told to do per urgency level (`data/rules/patient_actions.yaml`)."""

from __future__ import annotations

from functools import cache

from rugpad.content import ContentError, load_sources, read_yaml, text
from rugpad.core.text import Text
from rugpad.core.vocab import Urgency

PATH = "rules/patient_actions.yaml"


@cache
def load_patient_actions() -> dict[Urgency, Text]:
    raw = read_yaml(PATH) or {}
    if raw.get("source") not in load_sources():
        raise ContentError(f"{PATH}: source: unknown source id {raw.get('source')!r}")
    actions = raw.get("actions") or {}
    needed = {u.value for u in Urgency if u is not Urgency.NONE}
    if set(actions) != needed:
        raise ContentError(f"{PATH}: actions: needs exactly {sorted(needed)}")
    return {Urgency(level): text(entry, f"{PATH}: actions: {level}") for level, entry in actions.items()}
