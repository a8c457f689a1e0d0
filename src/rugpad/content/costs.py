"""Load what the cost estimate needs from ``data/costs/*.yaml``: the reimbursement rules per country, the names of
the kinds of session and the words of each assumption.

The shapes are declared as pydantic models; a file that does not fit raises `ContentError` naming the file and
the field. Beyond the shapes: every rule's source exists, every country gives each rule kind at most once, the
`practice_fills` names are `CostSettings` fields, every session kind and every assumption of the core has words
in Dutch (the content check lists other languages' gaps), and each assumption's placeholders are exactly the
values the core fills in.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import fields
from functools import cache
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from rugpad.content import ContentError, load_sources, read_yaml
from rugpad.content.shapes import LangTexts
from rugpad.core.costs import ASSUMPTION_VALUES, CostRule, CostSettings, Country, RuleKind, SessionKind
from rugpad.core.text import Text
from rugpad.core.vocab import Evidence

__all__ = ["load_assumption_texts", "load_cost_rules", "load_session_kind_names"]

RULES = "costs/rules.yaml"
KINDS = "costs/session_kinds.yaml"
ASSUMPTIONS = "costs/assumptions.yaml"


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: RuleKind
    name: LangTexts
    explanation: LangTexts
    source: str = Field(min_length=1)
    evidence: Evidence
    practice_fills: list[str] = Field(default_factory=list)


class _Rules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    countries: dict[Country, list[_Rule]]


def _validated(shape: Any, path: str, raw: Any) -> Any:
    try:
        return TypeAdapter(shape).validate_python(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ": ".join(str(part) for part in first["loc"]) or "(top)"
        raise ContentError(f"{path}: {where}: {first['msg']}") from None


@cache
def load_cost_rules() -> Mapping[Country, tuple[CostRule, ...]]:
    """The reimbursement rules of each country, in the order of the file."""
    parsed: _Rules = _validated(_Rules, RULES, read_yaml(RULES))
    settings = {f.name for f in fields(CostSettings)}
    sources = load_sources()
    result: dict[Country, tuple[CostRule, ...]] = {}
    for country, rules in parsed.countries.items():
        seen: set[RuleKind] = set()
        for index, rule in enumerate(rules):
            where = f"{RULES}: countries: {country.value}: {index}"
            if rule.kind in seen:
                raise ContentError(f"{where}: kind: {rule.kind.value} is given twice")
            seen.add(rule.kind)
            if rule.source not in sources:
                raise ContentError(f"{where}: source: unknown source id {rule.source!r}")
            unknown = sorted(set(rule.practice_fills) - settings)
            if unknown:
                raise ContentError(f"{where}: practice_fills: {unknown} are not practice settings")
        result[country] = tuple(
            CostRule(
                r.kind, country, Text(r.name), Text(r.explanation), r.source, r.evidence, tuple(r.practice_fills)
            )
            for r in rules
        )
    missing = sorted(c.value for c in Country if c not in result)
    if missing:
        raise ContentError(f"{RULES}: countries: no rules for {missing}")
    return MappingProxyType(result)


def _texts(path: str, keys: list[str]) -> dict[str, Text]:
    raw = read_yaml(path)
    if not isinstance(raw, dict):
        raise ContentError(f"{path}: must map each key to its nl and en text")
    missing = sorted(set(keys) - set(raw))
    extra = sorted(set(raw) - set(keys))
    if missing or extra:
        raise ContentError(f"{path}: missing {missing}, unknown {extra}")
    return {key: Text(_validated(LangTexts, f"{path}: {key}", raw[key])) for key in keys}


@cache
def load_session_kind_names() -> Mapping[SessionKind, Text]:
    names = _texts(KINDS, [kind.value for kind in SessionKind])
    return MappingProxyType({SessionKind(key): text for key, text in names.items()})


def _placeholders(template: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(template) if name}


@cache
def load_assumption_texts() -> Mapping[str, Text]:
    """The words of each assumption by key; a placeholder the core does not fill (or one it fills but the text
    leaves out) is refused, in either language."""
    texts = _texts(ASSUMPTIONS, list(ASSUMPTION_VALUES))
    for key, text in texts.items():
        for lang, template in text.items():
            try:
                found = _placeholders(template)
            except ValueError as exc:
                raise ContentError(f"{ASSUMPTIONS}: {key}: {lang}: {exc}") from None
            if found != ASSUMPTION_VALUES[key]:
                wanted = sorted(ASSUMPTION_VALUES[key])
                raise ContentError(f"{ASSUMPTIONS}: {key}: {lang}: placeholders {sorted(found)} must be {wanted}")
    return MappingProxyType(texts)
