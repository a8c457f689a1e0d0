"""Load the evaluation content: MCIDs, decision rules, measurement schedule and progression settings.

Files under ``data/evaluation/``: ``mcid.yaml``, ``decisions.yaml``, ``schedule.yaml``, ``progression.yaml``.
Validation happens here, once, so the pure core can trust the data: both languages, known sources, an evidence level
no stronger than its source's, known instruments, decision rules that cover every case and never read "not
measured" as "not improved", and unique moment keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from rugpad.content import ContentError, read_yaml, text
from rugpad.content import enum_value as _enum
from rugpad.content import sourced as _sourced
from rugpad.core.errors import InvalidInput
from rugpad.core.evaluation import (
    MISSING_PLACEHOLDER,
    PROFILES,
    ChangeRule,
    DecisionAction,
    DecisionRule,
    Domain,
    GlobalRatingRule,
    Outcome,
)
from rugpad.core.progression import (
    ProgressionAction,
    ProgressionModel,
    ProgressionRule,
    ProgressionSettings,
    SettingSource,
)
from rugpad.core.schedule import FUNCTION, MomentRule, Schedule
from rugpad.core.text import Text
from rugpad.core.vocab import Region

__all__ = [
    "load_change_rules",
    "load_decision_rules",
    "load_global_rating",
    "load_progression_model",
    "load_schedule",
]

_FOLDER = "evaluation"
_UNMEASURED = frozenset({Outcome.INCOMPLETE, Outcome.UNKNOWN})
_WHILE_UNMEASURED = frozenset({DecisionAction.MEASURE, DecisionAction.CONTINUE})
"""Without the measurements, the only honest actions are to measure first or to carry on until a guideline moment."""


@cache
def load_change_rules() -> Mapping[str, ChangeRule]:
    """The MCID rule of every instrument that has a change score, by instrument code."""
    path = f"{_FOLDER}/mcid.yaml"
    raw = _mapping(read_yaml(path), path)
    worsening = _mapping(raw.get("worsening"), f"{path}: worsening")
    worse_source, worse_evidence = _sourced(worsening, f"{path}: worsening")
    rules: dict[str, ChangeRule] = {}
    for index, entry in enumerate(_list(raw.get("instruments"), f"{path}: instruments")):
        where = f"{path}: {entry.get('instrument', f'entry {index}')}"
        code = str(entry.get("instrument", ""))
        if not code or code in rules:
            raise ContentError(f"{where}: instrument code missing or defined twice")
        source_id, evidence = _sourced(entry, where)
        minimum, maximum = _number(entry, "minimum", where), _number(entry, "maximum", where)
        if minimum >= maximum:
            raise ContentError(f"{where}: minimum must be below maximum")
        points, percent = _optional_number(entry, "mcid_points", where), _optional_number(entry, "mcid_percent", where)
        if points is None and percent is not None:
            raise ContentError(f"{where}: mcid_percent needs mcid_points as well")
        if not isinstance(entry.get("higher_is_worse"), bool):
            raise ContentError(f"{where}: higher_is_worse must be true or false")
        rules[code] = ChangeRule(
            instrument=code,
            name=text(entry.get("name"), f"{where}: name"),
            domain=_enum(Domain, entry.get("domain"), f"{where}: domain"),
            minimum=minimum,
            maximum=maximum,
            higher_is_worse=entry["higher_is_worse"],
            mcid_points=points,
            mcid_percent=percent,
            source_id=source_id,
            evidence=evidence,
            worsening_source_id=worse_source,
            worsening_evidence=worse_evidence,
            note=_optional_text(entry, where),
        )
    return rules


@cache
def load_global_rating() -> GlobalRatingRule:
    """The Global Perceived Effect scale and the answers that count as success."""
    path = f"{_FOLDER}/mcid.yaml"
    entry = _mapping(_mapping(read_yaml(path), path).get("global_rating"), f"{path}: global_rating")
    where = f"{path}: global_rating"
    source_id, evidence = _sourced(entry, where)
    minimum, maximum = int(_number(entry, "minimum", where)), int(_number(entry, "maximum", where))
    success = frozenset(int(value) for value in _list(entry.get("success"), f"{where}: success", of=int))
    if not success or not all(minimum <= value <= maximum for value in success):
        raise ContentError(f"{where}: success must list answers between minimum and maximum")
    return GlobalRatingRule(
        str(entry.get("instrument", "")),
        text(entry.get("name"), f"{where}: name"),
        minimum,
        maximum,
        success,
        source_id,
        evidence,
        _optional_text(entry, where),
    )


@cache
def load_decision_rules() -> tuple[DecisionRule, ...]:
    """The decision rules in file order; every region, radicular status, profile and outcome is covered."""
    path = f"{_FOLDER}/decisions.yaml"
    rules: list[DecisionRule] = []
    for index, entry in enumerate(_list(read_yaml(path), path)):
        where = f"{path}: {entry.get('id', f'entry {index}')}"
        rule_id = str(entry.get("id", ""))
        if not rule_id or any(rule.id == rule_id for rule in rules):
            raise ContentError(f"{where}: id missing or defined twice")
        source_id, evidence = _sourced(entry, where)
        regions = frozenset(_enum(Region, r, f"{where}: regions") for r in _list(entry.get("regions", []), where))
        rule = DecisionRule(
            id=rule_id,
            action=_enum(DecisionAction, entry.get("action"), f"{where}: action"),
            outcomes=frozenset(_enum(Outcome, o, f"{where}: outcomes") for o in _list(entry.get("outcomes"), where)),
            reason=text(entry.get("reason"), f"{where}: reason"),
            source_id=source_id,
            evidence=evidence,
            regions=regions,
            radicular=_optional_bool(entry, "radicular", where),
            profiles=_profiles(entry, regions, where),
            min_weeks=_optional_number(entry, "min_weeks", where) or 0,
        )
        _check_placeholder(rule, where)
        rules.append(rule)
    _check_coverage(rules, path)
    _check_unmeasured(rules, path)
    return tuple(rules)


@cache
def load_schedule() -> Schedule:
    """The measurement moments and the function questionnaires a practice may choose per region."""
    path = f"{_FOLDER}/schedule.yaml"
    raw = _mapping(read_yaml(path), path)
    known = set(load_change_rules()) | {load_global_rating().instrument}
    functions: dict[Region, tuple[str, ...]] = {}
    choices = _mapping(raw.get("function_instruments"), f"{path}: function_instruments")
    for region in Region:
        codes = tuple(str(c) for c in _list(choices.get(str(region)), f"{path}: function_instruments: {region}"))
        if not codes or not set(codes) <= set(load_change_rules()):
            raise ContentError(f"{path}: function_instruments: {region}: needs instruments with an MCID")
        functions[region] = codes
    moments: list[MomentRule] = []
    for index, entry in enumerate(_list(raw.get("moments"), f"{path}: moments")):
        where = f"{path}: {entry.get('key', f'entry {index}')}"
        source_id, evidence = _sourced(entry, where)
        instruments = tuple(str(code) for code in _list(entry.get("instruments"), f"{where}: instruments"))
        if unknown := sorted(set(instruments) - known - {FUNCTION}):
            raise ContentError(f"{where}: unknown instruments {unknown}")
        regions = frozenset(_enum(Region, r, f"{where}: regions") for r in _list(entry.get("regions", []), where))
        day, window = _number(entry, "day", where), _number(entry, "window_days", where)
        if day < 0 or window < 0 or day != int(day) or window != int(window):
            raise ContentError(f"{where}: day and window_days must be whole numbers of 0 or more")
        moments.append(
            MomentRule(
                key=str(entry.get("key", "")),
                day=int(day),
                window_days=int(window),
                instruments=instruments,
                reason=text(entry.get("reason"), f"{where}: reason"),
                source_id=source_id,
                evidence=evidence,
                regions=regions,
                radicular=_optional_bool(entry, "radicular", where),
                profiles=_profiles(entry, regions, where),
                end_of_treatment=bool(entry.get("end_of_treatment", False)),
            )
        )
    _check_unique_keys(moments, path)
    return Schedule(tuple(moments), functions)


@cache
def load_progression_model() -> ProgressionModel:
    """The default progression settings and the rule descriptions; a practice overrides with `with_settings`."""
    path = f"{_FOLDER}/progression.yaml"
    raw = _mapping(read_yaml(path), path)
    values: dict[str, Any] = {}
    sources: dict[str, SettingSource] = {}
    for name, entry in _mapping(raw.get("settings"), f"{path}: settings").items():
        where = f"{path}: settings: {name}"
        setting = _mapping(entry, where)
        values[str(name)] = _number(setting, "value", where)
        sources[str(name)] = SettingSource(*_sourced(setting, where))
    rules: dict[str, ProgressionRule] = {}
    for index, entry in enumerate(_list(raw.get("rules"), f"{path}: rules")):
        where = f"{path}: {entry.get('id', f'entry {index}')}"
        source_id, evidence = _sourced(entry, where)
        rule = ProgressionRule(
            str(entry.get("id", "")),
            _enum(ProgressionAction, entry.get("action"), f"{where}: action"),
            text(entry.get("reason"), f"{where}: reason"),
            source_id,
            evidence,
        )
        if rule.id in rules:
            raise ContentError(f"{where}: id defined twice")
        rules[rule.id] = rule
    try:
        settings = ProgressionSettings(**values, sources=sources)
        model = ProgressionModel(settings, rules)
        for rule in rules.values():  # every {setting} named in a text must exist, in every language it has
            for _lang, reason in rule.reason.items():
                reason.format_map(settings.values())
    except (InvalidInput, TypeError, KeyError, ValueError) as exc:
        raise ContentError(f"{path}: {exc}") from exc
    return model


def _check_coverage(rules: list[DecisionRule], path: str) -> None:
    """Some rule must match every case at week 0; a rule matching at week 0 matches at every later week too."""
    for region, profiles in PROFILES.items():
        for radicular in (False, True):
            for profile in (None, *sorted(profiles)):
                for outcome in Outcome:
                    if not any(rule.applies(region, profile, radicular, 0, outcome) for rule in rules):
                        raise ContentError(
                            f"{path}: no rule for {region}, radicular {radicular}, profile {profile}, {outcome}"
                        )


def _check_placeholder(rule: DecisionRule, where: str) -> None:
    """{missing} is the only placeholder; a measure rule names the missing measurements and only fires for them."""
    for lang, reason in rule.reason.items():
        has = MISSING_PLACEHOLDER in reason
        if "{" in reason.replace(MISSING_PLACEHOLDER, "") or "}" in reason.replace(MISSING_PLACEHOLDER, ""):
            raise ContentError(f"{where}: reason {lang}: the only placeholder allowed is {MISSING_PLACEHOLDER}")
        if (rule.action is DecisionAction.MEASURE or has) and not rule.outcomes <= _UNMEASURED:
            raise ContentError(f"{where}: a measure rule or {MISSING_PLACEHOLDER} is only for {', '.join(_UNMEASURED)}")
        if rule.action is DecisionAction.MEASURE and not has:
            raise ContentError(f"{where}: reason {lang}: a measure rule must name {MISSING_PLACEHOLDER}")


def _check_unmeasured(rules: list[DecisionRule], path: str) -> None:
    """At no week may a missing measurement lead to a verdict on the course (refer, stop, ...): measure or continue."""
    weeks = sorted({0, *(rule.min_weeks for rule in rules)})
    for region, profiles in PROFILES.items():
        for radicular in (False, True):
            for profile in (None, *sorted(profiles)):
                for week, outcome in ((w, o) for w in weeks for o in sorted(_UNMEASURED)):
                    rule = next(r for r in rules if r.applies(region, profile, radicular, week, outcome))
                    if rule.action not in _WHILE_UNMEASURED:
                        raise ContentError(
                            f"{path}: {rule.id}: {outcome} at week {week:g} ({region}, radicular {radicular}, "
                            f"profile {profile}) must lead to measure or continue, not {rule.action}"
                        )


def _check_unique_keys(moments: list[MomentRule], path: str) -> None:
    for region, profiles in PROFILES.items():
        for radicular in (False, True):
            for profile in (None, *sorted(profiles)):
                keys = [m.key for m in moments if m.applies(region, profile, radicular)]
                if len(keys) != len(set(keys)) or not all(keys):
                    raise ContentError(f"{path}: moment keys missing or repeated for {region}, profile {profile}")


def _profiles(entry: Mapping[str, Any], regions: frozenset[Region], where: str) -> frozenset[str]:
    profiles = frozenset(str(p) for p in _list(entry.get("profiles", []), f"{where}: profiles"))
    allowed = frozenset().union(*(PROFILES[r] for r in regions or Region))
    if unknown := sorted(profiles - allowed):
        raise ContentError(f"{where}: profiles {unknown} do not belong to the rule's regions")
    return profiles


def _mapping(raw: object, where: str) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise ContentError(f"{where}: must be a mapping")
    return raw


def _list(raw: object, where: str, of: type | None = None) -> list[Any]:
    if not isinstance(raw, list) or (of is not None and not all(isinstance(x, of) for x in raw)):
        raise ContentError(f"{where}: must be a list")
    return raw


def _number(entry: Mapping[str, Any], key: str, where: str) -> float:
    value = entry.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ContentError(f"{where}: {key} must be a number")
    return value


def _optional_number(entry: Mapping[str, Any], key: str, where: str) -> float | None:
    return None if entry.get(key) is None else _number(entry, key, where)


def _optional_bool(entry: Mapping[str, Any], key: str, where: str) -> bool | None:
    value = entry.get(key)
    if value is not None and not isinstance(value, bool):
        raise ContentError(f"{where}: {key} must be true or false")
    return value


def _optional_text(entry: Mapping[str, Any], where: str) -> Text | None:
    return text(entry["note"], f"{where}: note") if entry.get("note") else None
