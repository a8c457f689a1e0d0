"""Load the treatment-plan rules from ``data/plans/*.yaml`` and check them once, so the generator can trust them.

Checks that matter clinically: a manipulation technique follows the triage's verdict exactly; exactly one base
rule covers every region and profile (and `undecided`); the first purpose of every base rule has an exercise in
each of its regions that always fits, so no plan is ever without exercise; every cause has a rule; every rule,
technique and fixed rule names a known source, with an evidence level no stronger than that source's.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from rugpad.content import ContentError, read_yaml, text
from rugpad.content import enum_value as _enum
from rugpad.content import sourced as _sourced
from rugpad.content.exercises import load_exercises
from rugpad.core.errors import InvalidInput
from rugpad.core.exercises import CONDITION_TAGS, Purpose, Suitability
from rugpad.core.plan_rules import (
    FIXED_RULE_IDS,
    SUITABILITY_ORDER,
    UNDECIDED,
    Cause,
    FixedRule,
    PlanRule,
    PlanRulebook,
    PlanSettings,
    Technique,
    TechniqueKind,
)
from rugpad.core.rules import PROFILES
from rugpad.core.text import Text
from rugpad.core.vocab import ManipulationVerdict, Region

__all__ = ["load_plan_rules"]

_FOLDER = "plans"
_GOAL_FIELDS: Mapping[str, Mapping[str, object]] = {
    "plan.goal.psk": {"activity": "a", "baseline": 5, "target": 2, "week": 6, "points": 3},
    "plan.goal.psk-no-baseline": {"activity": "a", "baseline": None, "target": None, "week": 6, "points": 3},
    "plan.goal.patient": {"goal": "g", "week": 6},
}


@cache
def load_plan_rules() -> PlanRulebook:
    """The validated plan rules, techniques, causes and default practice settings; read once per process."""
    techniques = _techniques(f"{_FOLDER}/techniques.yaml")
    causes_path = f"{_FOLDER}/causes.yaml"
    causes_raw = _mapping(read_yaml(causes_path), causes_path)
    causes = _causes(causes_raw.get("causes"), f"{causes_path}: causes")
    rules = [
        *_rules(_list(read_yaml(f"{_FOLDER}/programmes.yaml"), f"{_FOLDER}/programmes.yaml"), "programmes.yaml"),
        *_rules(_list(causes_raw.get("rules"), f"{causes_path}: rules"), "causes.yaml"),
    ]
    _check_rules(rules, techniques, causes_path)
    return PlanRulebook(
        causes=causes,
        techniques=techniques,
        rules=tuple(rules),
        fixed=_fixed(f"{_FOLDER}/package.yaml"),
        settings=_settings(f"{_FOLDER}/settings.yaml"),
    )


def _techniques(path: str) -> dict[str, Technique]:
    techniques: dict[str, Technique] = {}
    for index, raw in enumerate(_list(read_yaml(path), path)):
        entry = _mapping(raw, f"{path}: entry {index}")
        where = f"{path}: {entry.get('id', f'entry {index}')}"
        on_verdict = _mapping(entry.get("on_verdict"), f"{where}: on_verdict")
        if set(on_verdict) != {str(v) for v in ManipulationVerdict}:
            raise ContentError(f"{where}: on_verdict needs exactly allowed, caution and contraindicated")
        verdicts = {
            ManipulationVerdict(key): _suitability(value, f"{where}: on_verdict") for key, value in on_verdict.items()
        }
        kind = _enum(TechniqueKind, entry.get("kind"), f"{where}: kind")
        if kind is TechniqueKind.MANIPULATION and any(verdicts[v] != v.value for v in ManipulationVerdict):
            raise ContentError(f"{where}: a manipulation technique must follow the verdict exactly")
        verdict_text = text(entry["verdict_text"], f"{where}: verdict_text") if entry.get("verdict_text") else None
        if verdict_text is None and any(level != "allowed" for level in verdicts.values()):
            raise ContentError(f"{where}: verdict_text is required when the verdict limits the technique")
        cautions = _tags(entry.get("cautions", []), f"{where}: cautions")
        contraindications = _tags(entry.get("contraindications", []), f"{where}: contraindications")
        caution_text = text(entry["caution_text"], f"{where}: caution_text") if entry.get("caution_text") else None
        if (cautions or contraindications) and caution_text is None:
            raise ContentError(f"{where}: caution_text is required when cautions or contraindications are listed")
        source_id, evidence = _sourced(entry, where)
        technique = Technique(
            id=str(entry.get("id", "")),
            name=text(entry.get("name"), f"{where}: name"),
            kind=kind,
            on_verdict=verdicts,
            verdict_text=verdict_text,
            cautions=cautions,
            contraindications=contraindications,
            caution_text=caution_text,
            source_id=source_id,
            evidence=evidence,
        )
        if not technique.id or technique.id in techniques:
            raise ContentError(f"{where}: id missing or defined twice")
        if technique.id in load_exercises():
            raise ContentError(f"{where}: id is also an exercise id; the editor looks both up by id")
        techniques[technique.id] = technique
    return techniques


def _causes(raw: object, where: str) -> dict[Cause, Text]:
    labels = _mapping(raw, where)
    causes = {_enum(Cause, key, where): text(label, f"{where}: {key}") for key, label in labels.items()}
    if missing := sorted(set(Cause) - set(causes)):
        raise ContentError(f"{where}: no label for {', '.join(missing)}")
    return causes


def _rules(entries: list[Any], file: str) -> list[PlanRule]:
    rules = []
    for index, raw in enumerate(entries):
        entry = _mapping(raw, f"{_FOLDER}/{file}: entry {index}")
        where = f"{_FOLDER}/{file}: {entry.get('id', f'entry {index}')}"
        regions = frozenset(_enum(Region, r, f"{where}: regions") for r in _list(entry.get("regions", []), where))
        allowed_profiles = {UNDECIDED}.union(*(PROFILES[region] for region in regions or Region))
        profiles = frozenset(str(p) for p in _list(entry.get("profiles", []), where))
        if unknown := sorted(profiles - allowed_profiles):
            raise ContentError(f"{where}: profiles {unknown} do not exist for the rule's regions")
        radicular = entry.get("radicular")
        if radicular is not None and not isinstance(radicular, bool):
            raise ContentError(f"{where}: radicular must be true or false")
        source_id, evidence = _sourced(entry, where)
        rules.append(
            PlanRule(
                id=str(entry.get("id", "")),
                regions=regions,
                profiles=profiles,
                radicular=radicular,
                cause=None if entry.get("cause") is None else _enum(Cause, entry["cause"], f"{where}: cause"),
                techniques=tuple(str(t) for t in _list(entry.get("techniques", []), where)),
                purposes=tuple(
                    _enum(Purpose, p, f"{where}: purposes") for p in _list(entry.get("purposes", []), where)
                ),
                prefer=tuple(str(p) for p in _list(entry.get("prefer", []), where)),
                approach=text(entry["approach"], f"{where}: approach") if entry.get("approach") else None,
                reason=text(entry.get("reason"), f"{where}: reason"),
                source_id=source_id,
                evidence=evidence,
            )
        )
    return rules


def _check_rules(rules: list[PlanRule], techniques: Mapping[str, Technique], where: str) -> None:
    library = load_exercises()
    seen: set[str] = set()
    for rule in rules:
        if not rule.id or rule.id in seen:
            raise ContentError(f"{_FOLDER}: {rule.id!r}: rule id missing or defined twice")
        seen.add(rule.id)
        if unknown := sorted(set(rule.techniques) - set(techniques)):
            raise ContentError(f"{_FOLDER}: {rule.id}: unknown technique(s) {unknown}")
        if unknown := sorted(set(rule.prefer) - set(library)):
            raise ContentError(f"{_FOLDER}: {rule.id}: prefers unknown exercise(s) {unknown}")
        if not (rule.techniques or rule.purposes):
            raise ContentError(f"{_FOLDER}: {rule.id}: adds neither techniques nor exercise purposes")
        if rule.is_base:
            if rule.cause is not None or rule.radicular is not None or not rule.purposes:
                raise ContentError(f"{_FOLDER}: {rule.id}: a base rule has purposes and no cause or radicular filter")
            for region in rule.regions or Region:
                if not any(
                    region in e.regions and e.purpose is rule.purposes[0] and not (e.cautions or e.contraindications)
                    for e in library.values()
                ):
                    raise ContentError(
                        f"{_FOLDER}: {rule.id}: no {region} exercise for {rule.purposes[0]} that always fits; "
                        "a plan could end up without exercise"
                    )
    for region, profiles in PROFILES.items():
        for profile in (*profiles, UNDECIDED):
            bases = [
                r.id
                for r in rules
                if r.is_base and (not r.regions or region in r.regions) and (not r.profiles or profile in r.profiles)
            ]
            if len(bases) != 1:
                raise ContentError(f"{_FOLDER}: {region} profile {profile}: needs exactly one base rule, found {bases}")
    if missing := sorted(set(Cause) - {r.cause for r in rules if r.cause is not None}):
        raise ContentError(f"{where}: no rule for cause(s) {', '.join(missing)}")


def _fixed(path: str) -> dict[str, FixedRule]:
    fixed: dict[str, FixedRule] = {}
    for index, raw in enumerate(_list(read_yaml(path), path)):
        entry = _mapping(raw, f"{path}: entry {index}")
        where = f"{path}: {entry.get('id', f'entry {index}')}"
        source_id, evidence = _sourced(entry, where)
        rule = FixedRule(
            id=str(entry.get("id", "")),
            reason=text(entry.get("reason"), f"{where}: reason"),
            source_id=source_id,
            evidence=evidence,
            template=text(entry["template"], f"{where}: template") if entry.get("template") else None,
        )
        if rule.id in fixed:
            raise ContentError(f"{where}: id defined twice")
        if rule.id in _GOAL_FIELDS:
            if rule.template is None:
                raise ContentError(f"{where}: a goal rule needs a template")
            try:
                for _lang, template in rule.template.items():
                    template.format(**_GOAL_FIELDS[rule.id])
            except (KeyError, IndexError, ValueError) as exc:
                raise ContentError(f"{where}: template: {exc!r} is not one of {sorted(_GOAL_FIELDS[rule.id])}") from exc
        fixed[rule.id] = rule
    if missing := sorted(set(FIXED_RULE_IDS) - set(fixed)):
        raise ContentError(f"{path}: missing rule(s) {', '.join(missing)}")
    return fixed


def _settings(path: str) -> PlanSettings:
    raw = _mapping(read_yaml(path), path)
    source_id, evidence = _sourced(raw, path)
    try:
        return PlanSettings(
            sessions_per_week=_per_profile(raw, "sessions_per_week", path),
            treatment_weeks=_per_profile(raw, "treatment_weeks", path),
            max_home_exercises=_per_profile(raw, "max_home_exercises", path),
            session_minutes=raw["session_minutes"],  # PlanSettings checks that the values are whole numbers
            psk_goal_points=raw["psk_goal_points"],
            source_id=source_id,
            evidence=evidence,
        )
    except KeyError as exc:
        raise ContentError(f"{path}: {exc.args[0]} is required") from None
    except InvalidInput as exc:
        raise ContentError(f"{path}: {exc}") from None


def _per_profile(raw: Mapping[str, Any], key: str, path: str) -> dict[str, int]:
    return {str(profile): value for profile, value in _mapping(raw.get(key), f"{path}: {key}").items()}


def _suitability(raw: object, where: str) -> Suitability:
    for level in SUITABILITY_ORDER:
        if raw == level:
            return level
    raise ContentError(f"{where}: {raw!r} is not one of {', '.join(SUITABILITY_ORDER)}")


def _tags(raw: object, where: str) -> frozenset[str]:
    tags = frozenset(str(tag) for tag in _list(raw, where))
    if unknown := sorted(tags - CONDITION_TAGS):
        raise ContentError(f"{where}: unknown tag(s) {unknown}; known: {', '.join(sorted(CONDITION_TAGS))}")
    return tags


def _mapping(raw: object, where: str) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise ContentError(f"{where}: must be a mapping")
    return raw


def _list(raw: object, where: str) -> list[Any]:
    if not isinstance(raw, list):
        raise ContentError(f"{where}: must be a list")
    return raw
