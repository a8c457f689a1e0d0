"""What a patient is told to do, per country and urgency level (`data/rules/patient_actions.yaml`).

The same urgency means a different number to call in each country (the Dutch huisartsenpost, the Belgian GP on
call at 1733), so the texts are kept per country; every country must give every level in Dutch and English.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from types import MappingProxyType

from rugpad.content import ContentError, load_sources, read_yaml, text
from rugpad.core.text import Text
from rugpad.core.vocab import Urgency

__all__ = ["load_patient_actions"]

PATH = "rules/patient_actions.yaml"


@cache
def load_patient_actions() -> Mapping[str, Mapping[Urgency, Text]]:
    """Texts by country code (``"nl"``, ``"be"``) and urgency; validated once."""
    raw = read_yaml(PATH) or {}
    if set(raw) != {"source", "countries"}:
        raise ContentError(f"{PATH}: needs exactly 'source' and 'countries'")
    if raw.get("source") not in load_sources():
        raise ContentError(f"{PATH}: source: unknown source id {raw.get('source')!r}")
    countries = raw.get("countries")
    if not isinstance(countries, dict) or not countries:
        raise ContentError(f"{PATH}: countries: needs at least one country")
    needed = {u.value for u in Urgency if u is not Urgency.NONE}
    result: dict[str, Mapping[Urgency, Text]] = {}
    for country, actions in countries.items():
        where = f"{PATH}: countries: {country}"
        if not isinstance(actions, dict) or set(actions) != needed:
            raise ContentError(f"{where}: needs exactly {sorted(needed)}")
        result[str(country)] = MappingProxyType(
            {Urgency(level): text(entry, f"{where}: {level}") for level, entry in actions.items()}
        )
    return MappingProxyType(result)
