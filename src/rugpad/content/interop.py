"""Load ``data/interop/cds.yaml``: the codes rugpad reads in another system's FHIR data (see its comments).

Validated once: every sign and rule id exists, every region is known, both languages are given, no code is mapped
twice."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from types import MappingProxyType
from typing import Any

from rugpad.content import ContentError, read_yaml, text
from rugpad.content import region as _region
from rugpad.content.rules import load_rulebook
from rugpad.core.interop import CodeEntry, InteropCodes, OrderKind, OverrideReason, WordList
from rugpad.core.vocab import Evidence, Region, Strength

__all__ = ["load_interop_codes"]

_PATH = "interop/cds.yaml"
_QUESTIONNAIRE_KINDS = frozenset({"startback", "screening", "alarm"})


def _evidence(raw: object, where: str) -> Evidence:
    try:
        return Evidence(str(raw))
    except ValueError as exc:
        raise ContentError(f"{where}: evidence must be verified, secondary or unverified") from exc


def _key(entry: Mapping[str, Any], where: str) -> tuple[str, str]:
    system, code = entry.get("system"), entry.get("code")
    if not isinstance(system, str) or not system.startswith(("https://", "http://")) or not code:
        raise ContentError(f"{where}: needs a system URL and a code")
    return system, str(code)


def _entries(raw: list[Mapping[str, Any]] | None, where: str, *, sign: bool) -> Mapping[tuple[str, str], CodeEntry]:
    known_signs = load_rulebook().signs
    found: dict[tuple[str, str], CodeEntry] = {}
    for index, entry in enumerate(raw or []):
        here = f"{where}[{index}]"
        key = _key(entry, here)
        if key in found:
            raise ContentError(f"{here}: {key} is mapped twice")
        if sign and entry.get("sign") not in known_signs:
            raise ContentError(f"{here}: unknown sign {entry.get('sign')!r}")
        found[key] = CodeEntry(
            system=key[0],
            code=key[1],
            display=str(entry.get("display", "")),
            evidence=_evidence(entry.get("evidence"), here),
            region=None if sign else _region(entry.get("region"), here),
            sign=str(entry["sign"]) if sign else None,
        )
    return MappingProxyType(found)


def _words(raw: object, where: str) -> WordList:
    if raw is None:
        return WordList(())
    if not isinstance(raw, list) or not all(isinstance(word, str) and word.strip() for word in raw):
        raise ContentError(f"{where}: must be a list of words")
    return WordList(tuple(word.strip() for word in raw))


def _order(entry: Mapping[str, Any], where: str) -> OrderKind:
    rulebook = load_rulebook()
    recommendations = {rec.id: rec for rec in rulebook.recommendations}
    rules = entry.get("do_not_rules")
    if not isinstance(rules, list) or not rules:
        raise ContentError(f"{where}: do_not_rules must list recommendation ids")
    for rule in rules:
        if rule not in recommendations or recommendations[rule].strength is not Strength.DO_NOT:
            raise ContentError(f"{where}: {rule!r} is not a do_not recommendation of rules/pathway.yaml")
    codes: dict[tuple[str, str], Region | None] = {}
    for index, code in enumerate(entry.get("codes") or []):
        region = code.get("region")
        codes[_key(code, f"{where}: codes[{index}]")] = None if region is None else _region(region, where)
    prefixes: dict[str, tuple[str, ...]] = {}
    for item in entry.get("code_prefixes") or []:
        prefixes[str(item["system"])] = (*prefixes.get(str(item["system"]), ()), str(item["prefix"]))
    return OrderKind(
        id=str(entry.get("id")),
        name=text(entry.get("name"), f"{where}: name"),
        resource_types=frozenset(str(t) for t in entry.get("resource_types") or ()),
        codes=MappingProxyType(codes),
        code_prefixes=MappingProxyType(prefixes),
        words=_words(entry.get("words"), f"{where}: words"),
        categories=frozenset(_key(c, f"{where}: categories") for c in entry.get("categories") or ()),
        body_sites=MappingProxyType(
            {
                _key(site, f"{where}: body_sites"): _region(site.get("region"), where)
                for site in entry.get("body_sites") or ()
            }
        ),
        region_words=MappingProxyType(
            {
                _region(region, where): _words(words, f"{where}: region_words")
                for region, words in (entry.get("region_words") or {}).items()
            }
        ),
        needs_region=bool(entry.get("needs_region")),
        do_not_rules=tuple(str(rule) for rule in rules),
        only_without_red_flags=bool(entry.get("only_without_red_flags")),
        evidence=_evidence(entry.get("evidence"), where),
    )


@cache
def load_interop_codes() -> InteropCodes:
    raw = read_yaml(_PATH)
    systems = raw.get("code_systems") or {}
    for name in ("region", "sign", "override_reason"):
        if not str(systems.get(name, "")).startswith("https://"):
            raise ContentError(f"{_PATH}: code_systems.{name} must be an https URL")
    questionnaires = raw.get("questionnaires") or {}
    for url, kind in questionnaires.items():
        if kind not in _QUESTIONNAIRE_KINDS:
            raise ContentError(f"{_PATH}: questionnaires.{url}: {kind!r} is not one of {sorted(_QUESTIONNAIRE_KINDS)}")
    orders = tuple(
        _order(entry, f"{_PATH}: orders.{entry.get('id', index)}")
        for index, entry in enumerate(raw.get("orders") or [])
    )
    reasons = tuple(
        OverrideReason(
            systems["override_reason"], str(item["code"]), text(item.get("display"), f"{_PATH}: override_reasons")
        )
        for item in raw.get("override_reasons") or []
    )
    return InteropCodes(
        region_system=systems["region"],
        sign_system=systems["sign"],
        override_system=systems["override_reason"],
        regions=_entries(raw.get("regions"), f"{_PATH}: regions", sign=False),
        signs=_entries(raw.get("signs"), f"{_PATH}: signs", sign=True),
        questionnaires=MappingProxyType({str(url): str(kind) for url, kind in questionnaires.items()}),
        orders=orders,
        override_reasons=reasons,
        absent_values=frozenset(
            _key(entry, f"{_PATH}: absent_values[{index}]")
            for index, entry in enumerate(raw.get("absent_values") or [])
        ),
    )
