"""Load and validate the triage rules (``data/rules/*.yaml``) into a `Rulebook`.

Validation is strict because a typo in a red-flag rule could hide an emergency: unknown keys, unknown signs,
unknown sources, duplicate ids and missing Dutch or English text all raise `ContentError` at load time.
Conditions are compiled here, once, so the triage never reads YAML.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any, TypeVar

from rugpad.content import ContentError, load_sources, read_yaml, text
from rugpad.core.conditions import Condition, ConditionError, compile_condition
from rugpad.core.rules import (
    PROFILES,
    ManipulationRule,
    PatientInstruction,
    ProfileRule,
    RadicularRule,
    Recommendation,
    RedFlag,
    Rulebook,
    Sign,
)
from rugpad.core.text import Source, Text
from rugpad.core.vocab import Evidence, ManipulationVerdict, Region, Strength, Urgency

__all__ = ["load_rulebook", "parse_rulebook"]

_E = TypeVar("_E", Urgency, Strength, ManipulationVerdict, Evidence, Region, PatientInstruction)


@cache
def load_rulebook() -> Rulebook:
    """The packaged rulebook, validated against the packaged sources; read once per process."""
    return parse_rulebook(
        signs=read_yaml("rules/signs.yaml"),
        red_flags=read_yaml("rules/red_flags.yaml"),
        stratify=read_yaml("rules/stratify.yaml"),
        pathway=read_yaml("rules/pathway.yaml"),
        manipulation=read_yaml("rules/manipulation.yaml"),
        sources=load_sources(),
    )


def parse_rulebook(
    *, signs: Any, red_flags: Any, stratify: Any, pathway: Any, manipulation: Any, sources: Mapping[str, Source]
) -> Rulebook:
    """Build a rulebook from already-parsed YAML (tests feed broken variants through here)."""
    parser = _Parser(sources)
    sign_map = parser.signs(signs)
    labels = {sign.id: sign.label for sign in sign_map.values()}
    flags = parser.each(red_flags, "red_flags.yaml", lambda e, w: parser.red_flag(e, w, labels))
    flag_names = {flag.id: flag.name for flag in flags}
    strat = _mapping(stratify, "stratify.yaml", {"definitions", "radicular", "profiles"})
    definitions = {
        str(name): parser.condition(raw, f"stratify.yaml: definitions: {name}", labels)
        for name, raw in _mapping(strat.get("definitions") or {}, "stratify.yaml: definitions", None).items()
    }
    radicular = parser.each(
        strat.get("radicular"), "stratify.yaml: radicular", lambda e, w: parser.radicular(e, w, labels)
    )
    profiles = parser.each(
        strat.get("profiles"), "stratify.yaml: profiles", lambda e, w: parser.profile(e, w, labels, definitions)
    )
    path = _mapping(pathway, "pathway.yaml", {"recommendations", "on_red_flag"})
    recs = parser.each(
        path.get("recommendations"), "pathway.yaml", lambda e, w: parser.recommendation(e, w, labels, False)
    )
    stopped = parser.each(
        path.get("on_red_flag"), "pathway.yaml: on_red_flag", lambda e, w: parser.recommendation(e, w, labels, True)
    )
    manips = parser.each(manipulation, "manipulation.yaml", lambda e, w: parser.manipulation(e, w, labels, flag_names))
    for sign_id in sign_map:
        parser.claim(sign_id, "signs.yaml")
    return Rulebook(
        signs=sign_map,
        red_flags=tuple(flags),
        profile_rules=tuple(profiles),
        radicular_rules=tuple(radicular),
        recommendations=(*recs, *stopped),
        manipulation_rules=tuple(manips),
        sources={sid: sources[sid] for sid in sorted(parser.used_sources)},
    )


def _mapping(raw: Any, where: str, allowed: set[str] | None) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise ContentError(f"{where}: must be a mapping")
    if allowed is not None and set(raw) - allowed:
        raise ContentError(f"{where}: unknown key {sorted(set(raw) - allowed)[0]!r}")
    return raw


_T = TypeVar("_T")


class _Parser:
    """Field-by-field validation with one error style; remembers ids and sources seen."""

    def __init__(self, sources: Mapping[str, Source]) -> None:
        self.sources = sources
        self.ids: dict[str, str] = {}
        self.used_sources: set[str] = set()

    def claim(self, rule_id: str, where: str) -> None:
        if rule_id in self.ids:
            raise ContentError(f"{where}: id {rule_id!r} already used in {self.ids[rule_id]}")
        self.ids[rule_id] = where

    def each(self, raw: Any, where: str, build: Callable[[Mapping[str, Any], str], _T]) -> list[_T]:
        if not isinstance(raw, list) or not raw:
            raise ContentError(f"{where}: must be a non-empty list")
        built = []
        for index, entry in enumerate(raw):
            if not isinstance(entry, Mapping) or not isinstance(entry.get("id"), str) or not entry["id"]:
                raise ContentError(f"{where}: entry {index + 1} needs an 'id'")
            entry_where = f"{where}: {entry['id']}"
            self.claim(entry["id"], where)
            built.append(build(entry, entry_where))
        return built

    def keys(self, entry: Mapping[str, Any], where: str, required: set[str], optional: set[str]) -> None:
        missing = required - set(entry)
        if missing:
            raise ContentError(f"{where}: missing {sorted(missing)[0]!r}")
        unknown = set(entry) - required - optional
        if unknown:
            raise ContentError(f"{where}: unknown key {sorted(unknown)[0]!r}")

    def enum(self, kind: type[_E], raw: Any, where: str) -> _E:
        try:
            return kind(str(raw))
        except ValueError:
            choices = " | ".join(member.value for member in kind)
            raise ContentError(f"{where}: {raw!r} is not one of {choices}") from None

    def source(self, entry: Mapping[str, Any], where: str) -> tuple[str, Evidence]:
        source_id = str(entry["source"])
        if source_id not in self.sources:
            raise ContentError(f"{where}: source {source_id!r} is not defined in data/sources/")
        self.used_sources.add(source_id)
        return source_id, self.enum(Evidence, entry["evidence"], f"{where}: evidence")

    def note(self, entry: Mapping[str, Any], where: str) -> Text | None:
        return text(entry["note"], f"{where}: note") if "note" in entry else None

    def condition(
        self,
        raw: Any,
        where: str,
        labels: Mapping[str, Text],
        flags: Mapping[str, Text] | None = None,
        definitions: Mapping[str, Condition] | None = None,
    ) -> Condition:
        try:
            return compile_condition(raw, labels, where, flags, definitions)
        except ConditionError as exc:
            raise ContentError(str(exc)) from None

    def regions(self, raw: Any, where: str) -> frozenset[Region]:
        if not isinstance(raw, list) or not raw:
            raise ContentError(f"{where}: regions must be a non-empty list")
        return frozenset(self.enum(Region, r, where) for r in raw)

    def signs(self, raw: Any) -> dict[str, Sign]:
        result: dict[str, Sign] = {}

        def build(entry: Mapping[str, Any], where: str) -> Sign:
            self.keys(entry, where, {"id", "group", "regions", "label", "question"}, set())
            return Sign(
                id=entry["id"],
                group=str(entry["group"]),
                regions=self.regions(entry["regions"], f"{where}: regions"),
                label=text(entry["label"], f"{where}: label"),
                question=text(entry["question"], f"{where}: question"),
            )

        for sign in self.each(raw, "signs.yaml", build):
            result[sign.id] = sign
        self.ids.clear()  # sign ids are claimed again at the end, against the rule ids
        return result

    def red_flag(self, entry: Mapping[str, Any], where: str, labels: Mapping[str, Text]) -> RedFlag:
        self.keys(
            entry,
            where,
            {"id", "name", "regions", "when", "urgency", "action", "source", "evidence"},
            {"note", "stops_pathway", "patient_instruction"},
        )
        source, evidence = self.source(entry, where)
        urgency = self.enum(Urgency, entry["urgency"], f"{where}: urgency")
        if urgency is Urgency.NONE:
            raise ContentError(f"{where}: a red flag needs an urgency other than 'none'")
        instruction = PatientInstruction.default_for(urgency)
        if "patient_instruction" in entry:
            # Only an emergency chooses what the patient is told (call 112 now, or the GP now); the other urgencies
            # have one level each, so declaring one there is a mistake in the file.
            if urgency is not Urgency.EMERGENCY:
                raise ContentError(f"{where}: patient_instruction is only for an emergency red flag")
            instruction = self.enum(PatientInstruction, entry["patient_instruction"], f"{where}: patient_instruction")
            if instruction not in PatientInstruction.allowed_for(urgency):
                raise ContentError(f"{where}: patient_instruction must be call_112 or same_day_emergency")
        stops = entry.get("stops_pathway", True)
        if not isinstance(stops, bool):
            raise ContentError(f"{where}: stops_pathway must be true or false")
        if not stops and urgency is not Urgency.SOON:
            raise ContentError(f"{where}: only a 'soon' red flag may leave the pathway open (stops_pathway: false)")
        return RedFlag(
            id=entry["id"],
            name=text(entry["name"], f"{where}: name"),
            regions=self.regions(entry["regions"], f"{where}: regions"),
            condition=self.condition(entry["when"], f"{where}: when", labels),
            urgency=urgency,
            action=text(entry["action"], f"{where}: action"),
            source=source,
            evidence=evidence,
            patient_instruction=instruction,
            note=self.note(entry, where),
            stops_pathway=stops,
        )

    def radicular(self, entry: Mapping[str, Any], where: str, labels: Mapping[str, Text]) -> RadicularRule:
        self.keys(entry, where, {"id", "region", "name", "when", "source", "evidence"}, {"note"})
        source, evidence = self.source(entry, where)
        return RadicularRule(
            id=entry["id"],
            region=self.enum(Region, entry["region"], f"{where}: region"),
            name=text(entry["name"], f"{where}: name"),
            condition=self.condition(entry["when"], f"{where}: when", labels),
            source=source,
            evidence=evidence,
            note=self.note(entry, where),
        )

    def profile(
        self, entry: Mapping[str, Any], where: str, labels: Mapping[str, Text], definitions: Mapping[str, Condition]
    ) -> ProfileRule:
        self.keys(entry, where, {"id", "region", "profile", "name", "when", "source", "evidence"}, {"note"})
        source, evidence = self.source(entry, where)
        region = self.enum(Region, entry["region"], f"{where}: region")
        profile = str(entry["profile"])
        if profile not in PROFILES[region]:
            raise ContentError(f"{where}: profile {profile!r} is not one of {' | '.join(PROFILES[region])}")
        return ProfileRule(
            id=entry["id"],
            region=region,
            profile=profile,
            name=text(entry["name"], f"{where}: name"),
            condition=self.condition(entry["when"], f"{where}: when", labels, definitions=definitions),
            source=source,
            evidence=evidence,
            note=self.note(entry, where),
        )

    def recommendation(
        self, entry: Mapping[str, Any], where: str, labels: Mapping[str, Text], on_red_flag: bool
    ) -> Recommendation:
        required = {"id", "strength", "text", "source", "evidence"} | (set() if on_red_flag else {"when"})
        self.keys(entry, where, required, {"note", "reevaluate_after_weeks", "also_sources"})
        source, evidence = self.source(entry, where)
        also = self.also_sources(entry.get("also_sources", []), source, f"{where}: also_sources")
        weeks = entry.get("reevaluate_after_weeks")
        if weeks is not None and (isinstance(weeks, bool) or not isinstance(weeks, int | float) or weeks <= 0):
            raise ContentError(f"{where}: reevaluate_after_weeks must be a positive number")
        return Recommendation(
            id=entry["id"],
            strength=self.enum(Strength, entry["strength"], f"{where}: strength"),
            text=text(entry["text"], f"{where}: text"),
            condition=self.condition(entry.get("when"), f"{where}: when", labels),
            source=source,
            evidence=evidence,
            note=self.note(entry, where),
            reevaluate_after_weeks=None if weeks is None else float(weeks),
            on_red_flag=on_red_flag,
            also_sources=also,
        )

    def also_sources(self, raw: object, source: str, where: str) -> tuple[str, ...]:
        """Other guidelines giving the same advice: known source ids, each once, not the rule's own `source`."""
        if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
            raise ContentError(f"{where}: must be a list of source ids")
        for source_id in raw:
            if source_id not in self.sources:
                raise ContentError(f"{where}: source {source_id!r} is not defined in data/sources/")
        if len(set(raw)) != len(raw) or source in raw:
            raise ContentError(f"{where}: names a source twice (or the rule's own source)")
        self.used_sources.update(raw)
        return tuple(raw)

    def manipulation(
        self, entry: Mapping[str, Any], where: str, labels: Mapping[str, Text], flags: Mapping[str, Text]
    ) -> ManipulationRule:
        self.keys(entry, where, {"id", "verdict", "name", "when", "source", "evidence"}, {"note"})
        source, evidence = self.source(entry, where)
        verdict = self.enum(ManipulationVerdict, entry["verdict"], f"{where}: verdict")
        if verdict is ManipulationVerdict.ALLOWED:
            raise ContentError(f"{where}: a manipulation rule must say caution or contraindicated")
        return ManipulationRule(
            id=entry["id"],
            verdict=verdict,
            name=text(entry["name"], f"{where}: name"),
            condition=self.condition(entry["when"], f"{where}: when", labels, flags),
            source=source,
            evidence=evidence,
            note=self.note(entry, where),
        )
