"""What a patient is told to do, per country and instruction level (`data/rules/patient_actions.yaml`).

The same level means a different number to call in each country (the Dutch huisartsenpost, the Belgian GP on
call at 1733), so the texts are kept per country; every country must give every level in Dutch and English. The
levels are those of `PatientInstruction`: an emergency is either "call 112 now" or "the GP now, the same day"
(each red-flag rule declares which), and urgent and soon have one level each.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from types import MappingProxyType

from rugpad.content import ContentError, load_sources, read_yaml, text
from rugpad.core.rules import PatientInstruction
from rugpad.core.text import Text

__all__ = ["load_patient_actions"]

PATH = "rules/patient_actions.yaml"


@cache
def load_patient_actions() -> Mapping[str, Mapping[PatientInstruction, Text]]:
    """Texts by country code (``"nl"``, ``"be"``) and instruction level; validated once."""
    raw = read_yaml(PATH) or {}
    if set(raw) != {"source", "countries"}:
        raise ContentError(f"{PATH}: needs exactly 'source' and 'countries'")
    if raw.get("source") not in load_sources():
        raise ContentError(f"{PATH}: source: unknown source id {raw.get('source')!r}")
    countries = raw.get("countries")
    if not isinstance(countries, dict) or not countries:
        raise ContentError(f"{PATH}: countries: needs at least one country")
    needed = {level.value for level in PatientInstruction}
    result: dict[str, Mapping[PatientInstruction, Text]] = {}
    for country, actions in countries.items():
        where = f"{PATH}: countries: {country}"
        if not isinstance(actions, dict) or set(actions) != needed:
            raise ContentError(f"{where}: needs exactly {sorted(needed)}")
        result[str(country)] = MappingProxyType(
            {PatientInstruction(level): text(entry, f"{where}: {level}") for level, entry in actions.items()}
        )
    return MappingProxyType(result)
