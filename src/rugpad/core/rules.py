"""The rulebook: signs, red flags, stratification, pathway recommendations and manipulation rules.

All of it is loaded from data (`rugpad.content.rules.load_rulebook`); this module only gives the rules a typed
shape and answers "why?" for any rule id. Conditions are compiled when the rulebook is loaded, so a triage never
touches YAML.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Generic, TypeVar

from rugpad.core.conditions import REGION_WORDS, Condition, Evaluator
from rugpad.core.errors import InvalidInput
from rugpad.core.explain import Explanation, RuleKind
from rugpad.core.text import Source, Text, listing, phrase
from rugpad.core.vocab import Evidence, Lang, ManipulationVerdict, Region, Strength, Urgency

if TYPE_CHECKING:
    from rugpad.core.stratify import ProfileDecision

__all__ = [
    "PROFILES",
    "ManipulationRule",
    "PatientInstruction",
    "ProfileRule",
    "RadicularRule",
    "Recommendation",
    "RedFlag",
    "RegionRules",
    "RuleIndex",
    "Rulebook",
    "Sign",
]


PROFILES: Mapping[Region, tuple[str, ...]] = {Region.LOW_BACK: ("1", "2", "3"), Region.NECK: ("A", "B", "C", "D")}
"""Treatment profiles per region: KNGF low back 2021 (1-3) and KNGF Nekpijn 2016 (A-D)."""


@dataclass(frozen=True, slots=True)
class Sign:
    """One item of the screening checklist; the web app renders `question`, reports show `label`."""

    id: str
    group: str
    regions: frozenset[Region]
    label: Text
    question: Text


class PatientInstruction(StrEnum):
    """What a patient is told when a red flag is raised from their own answers (``rules/patient_actions.yaml``).

    An emergency has two levels for the patient (facts 2.1a: in the Netherlands most urgent back problems go to the
    GP or the huisartsenpost; 112 is for a threatening emergency); every other urgency has one.
    """

    CALL_112 = "call_112"
    """A threatening emergency: call 112 now (stroke-like signs, suspected aortic aneurysm, major trauma with
    neurological signs)."""
    SAME_DAY_EMERGENCY = "same_day_emergency"
    """An emergency that the GP (out of hours the huisartsenpost or the GP on call) sees now, the same day; 112 only
    when it is severe (cauda equina, cord compression, MSCC, epidural abscess)."""
    URGENT = "urgent"
    """The GP today."""
    SOON = "soon"
    """The GP within days to weeks."""

    @property
    def calls_112(self) -> bool:
        """True when the patient is told to call 112 straight away."""
        return self is PatientInstruction.CALL_112

    @classmethod
    def default_for(cls, urgency: Urgency) -> PatientInstruction:
        """The level of a red flag that declares none: 112 for an emergency (the safer reading), else its urgency."""
        if urgency is Urgency.NONE:
            raise InvalidInput("urgency", "no red flag, so no instruction for the patient")
        return cls.CALL_112 if urgency is Urgency.EMERGENCY else cls(str(urgency))

    @classmethod
    def allowed_for(cls, urgency: Urgency) -> frozenset[PatientInstruction]:
        """The levels a red flag of this urgency may declare: an emergency chooses one of its two, others have one."""
        if urgency is Urgency.EMERGENCY:
            return frozenset({cls.CALL_112, cls.SAME_DAY_EMERGENCY})
        return frozenset({cls.default_for(urgency)})


@dataclass(frozen=True, slots=True)
class RedFlag:
    """A feature of possible serious pathology and what to do about it now."""

    id: str
    name: Text
    regions: frozenset[Region]
    condition: Condition
    urgency: Urgency
    action: Text
    """For the clinician; a patient reads the text of `patient_instruction` (`engine.patient_instruction`)."""
    source: str
    evidence: Evidence
    patient_instruction: PatientInstruction
    """What the patient is told: for an emergency, call 112 now or the GP now (same day); else the urgency's own."""
    note: Text | None = None
    stops_pathway: bool = True
    """False for a flag that is reported (and sets the urgency) but leaves the care pathway open, e.g. suspected
    axial spondyloarthritis, where exercise is first-line care."""
    _json: dict[Lang, dict[str, object]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.patient_instruction not in PatientInstruction.allowed_for(self.urgency):
            raise InvalidInput(
                "patient_instruction", f"{self.patient_instruction} does not fit a red flag of urgency {self.urgency}"
            )
        object.__setattr__(self, "_json", {})

    def as_json(self, lang: Lang) -> dict[str, object]:
        """The flag as the triage's JSON shows it: a new dict each call, built once per language."""
        shown = self._json.get(lang)
        if shown is None:
            shown = self._json[lang] = {
                "id": self.id,
                "urgency": str(self.urgency),
                "action": self.action.get(lang),
                "source": self.source,
                "name": self.name.get(lang),
                "evidence": str(self.evidence),
                "stops_pathway": self.stops_pathway,
            }
        return shown.copy()

    @property
    def calls_112(self) -> bool:
        """True when the patient is told to call 112 now (the web shows a call button)."""
        return self.patient_instruction.calls_112


def _built_once(
    cache: dict[Lang, dict[str, object]], lang: Lang, build: Callable[[], dict[str, object]]
) -> dict[str, object]:
    """A rule's JSON in `lang`, built on first use and kept; callers get a copy they may change."""
    shown = cache.get(lang)
    if shown is None:
        shown = cache[lang] = build()
    return shown.copy()


@dataclass(frozen=True, slots=True)
class Recommendation:
    """A care-pathway recommendation; `on_red_flag` ones apply only when a red flag stopped the pathway."""

    id: str
    strength: Strength
    text: Text
    condition: Condition
    source: str
    evidence: Evidence
    note: Text | None = None
    reevaluate_after_weeks: float | None = None
    on_red_flag: bool = False
    also_sources: tuple[str, ...] = ()
    """Other guidelines that give the same advice (e.g. NHG and KCE beside NICE). `source` alone decides the
    evidence marker; a page cites them all, the practice's own country's guideline first (`engine.rule_sources`)."""
    _json: dict[Lang, dict[str, object]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_json", {})

    @property
    def sources(self) -> tuple[str, ...]:
        """Every source id the recommendation rests on: `source` first, then `also_sources`."""
        return (self.source, *self.also_sources)

    def as_json(self, lang: Lang) -> dict[str, object]:
        """The recommendation as the triage's JSON shows it: a new dict each call, built once per language."""
        return _built_once(self._json, lang, lambda: {
            "id": self.id,
            "strength": str(self.strength),
            "text": self.text.get(lang),
            "source": self.source,
            "evidence": str(self.evidence),
        })  # fmt: skip


@dataclass(frozen=True, slots=True)
class ManipulationRule:
    """A reason to be careful with (or not to do) spinal manipulation; the strictest verdict found wins."""

    id: str
    verdict: ManipulationVerdict
    name: Text
    condition: Condition
    source: str
    evidence: Evidence
    note: Text | None = None
    _json: dict[Lang, dict[str, object]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_json", {})

    def as_json(self, lang: Lang) -> dict[str, object]:
        """The rule as the triage's JSON shows it: a new dict each call, built once per language."""
        return _built_once(self._json, lang, lambda: {
            "id": self.id,
            "verdict": str(self.verdict),
            "reason": self.name.get(lang),
            "source": self.source,
            "evidence": str(self.evidence),
        })  # fmt: skip


@dataclass(frozen=True, slots=True)
class ProfileRule:
    """One step of a region's ordered profile decision list: the first rule that holds gives the profile."""

    id: str
    region: Region
    profile: str
    name: Text
    condition: Condition
    source: str
    evidence: Evidence
    note: Text | None = None


@dataclass(frozen=True, slots=True)
class RadicularRule:
    """When a radicular syndrome (lumbosacral or cervical) is suspected in a region."""

    id: str
    region: Region
    name: Text
    condition: Condition
    source: str
    evidence: Evidence
    note: Text | None = None


_Rule = TypeVar("_Rule", RedFlag, Recommendation, ManipulationRule)

Check = tuple[_Rule, Evaluator | None]
"""A rule and how to evaluate it in one region (`Condition.within`); None when it holds for every case there."""


@dataclass(frozen=True, slots=True)
class RuleIndex(Generic[_Rule]):
    """One region's rules of one kind, compiled for that region and indexed, built once per rulebook.

    Each condition is read as it stands inside the region (`Condition.within`: ``{region: low_back}`` alone holds
    for every low back case and is not evaluated at all). A rule whose `gate` holds none of the case's signs, or
    that needs a red flag while none is raised, is certainly False: `pick` leaves it out, so a triage evaluates a
    handful of rules instead of some thirty.
    """

    checks: tuple[Check[_Rule], ...]
    ungated: frozenset[int]
    by_sign: Mapping[str, tuple[int, ...]]
    needing_red_flag: frozenset[int]
    profiles: tuple[frozenset[str] | None, ...] | None = None
    """Per rule, the profiles it can hold for (`Condition.profiles`), when the list is filtered by profile: only
    for lists whose rules count when True (recommendations, manipulation), never for red flags, where an unknown
    answer is reported."""
    _picked: dict[tuple[frozenset[str], bool, str | None], Sequence[Check[_Rule]]] = field(
        default_factory=dict, compare=False
    )
    """`pick`'s answers so far (a pure function of its arguments), bounded."""

    @classmethod
    def of(cls, rules: Sequence[_Rule], region: Region, *, by_profile: bool = False) -> RuleIndex[_Rule]:
        checks: list[Check[_Rule]] = []
        ungated: set[int] = set()
        by_sign: dict[str, list[int]] = {}
        needing_red_flag: set[int] = set()
        profiles: list[frozenset[str] | None] = []
        for position, rule in enumerate(rules):
            condition = rule.condition.within(region)
            profiles.append(condition.profiles)
            checks.append((rule, None if condition.constant is True else condition.evaluate))
            if condition.gate is not None:
                for sign in condition.gate:
                    by_sign.setdefault(sign, []).append(position)
            elif condition.needs_red_flag:
                needing_red_flag.add(position)
            else:
                ungated.add(position)
        return cls(
            checks=tuple(checks),
            ungated=frozenset(ungated),
            by_sign={sign: tuple(found) for sign, found in by_sign.items()},
            needing_red_flag=frozenset(needing_red_flag),
            profiles=tuple(profiles) if by_profile else None,
        )

    def pick(
        self, signs: frozenset[str], red_flag_raised: bool = False, profile: str | None = None
    ) -> Sequence[Check[_Rule]]:
        """The rules (with their checks) that may hold when exactly `signs` are present, whether a red flag is
        raised and with this profile (when the list is filtered by profile), in their list order."""
        key = (signs, red_flag_raised, profile)
        known = self._picked.get(key)
        if known is not None:
            return known
        if len(self._picked) >= _PICKS_KEPT:
            self._picked.clear()
        picked = self._picked[key] = self._pick(signs, red_flag_raised, profile)
        return picked

    def _pick(self, signs: frozenset[str], red_flag_raised: bool, profile: str | None) -> Sequence[Check[_Rule]]:
        positions = self._positions(signs, red_flag_raised)
        if self.profiles is not None:
            gates = self.profiles
            positions = [p for p in positions if (gate := gates[p]) is None or profile in gate]
        checks = self.checks
        return tuple(checks[position] for position in positions)

    def _positions(self, signs: frozenset[str], red_flag_raised: bool) -> list[int]:
        added: list[int] = []
        by_sign = self.by_sign
        for sign in signs:
            found = by_sign.get(sign)
            if found is not None:
                added += found
        if red_flag_raised:
            added += self.needing_red_flag
        return sorted(self.ungated.union(added))


_PICKS_KEPT = 4096
"""How many sign combinations each `RuleIndex` remembers (a few hundred kilobytes at most)."""


@dataclass(frozen=True, slots=True)
class RegionRules:
    """The rules that can apply in one region, in rulebook order (pre-selected once, for speed).

    The `*_index` fields are the same lists compiled for the region and indexed by sign (see `RuleIndex`);
    `profile_checks` and `radicular_checks` are the stratification rules' conditions compiled for the region.
    """

    red_flags: tuple[RedFlag, ...]
    profile_rules: tuple[ProfileRule, ...]
    radicular_rules: tuple[RadicularRule, ...]
    pathway: tuple[Recommendation, ...]
    on_red_flag: tuple[Recommendation, ...]
    manipulation_rules: tuple[ManipulationRule, ...]
    region: Region
    red_flag_index: RuleIndex[RedFlag] = field(init=False, repr=False, compare=False)
    pathway_index: RuleIndex[Recommendation] = field(init=False, repr=False, compare=False)
    on_red_flag_index: RuleIndex[Recommendation] = field(init=False, repr=False, compare=False)
    manipulation_index: RuleIndex[ManipulationRule] = field(init=False, repr=False, compare=False)
    profile_checks: tuple[Evaluator, ...] = field(init=False, repr=False, compare=False)
    radicular_checks: tuple[Evaluator, ...] = field(init=False, repr=False, compare=False)
    radicular_gate: frozenset[str] | None = field(init=False, repr=False, compare=False)
    """Signs of which one must be present for any radicular rule of the region to hold (None: no such set)."""
    profile_plan: tuple[tuple[str, tuple[float, ...]], ...] | None = field(init=False, repr=False, compare=False)
    """The facts the profile rules read, each with the limits its numbers are compared with, when they read nothing
    else (`Condition.thresholds`): the key of `profile_table`. None when the rules cannot be tabulated."""
    profile_table: dict[tuple[object, ...], ProfileDecision] = field(init=False, repr=False, compare=False)
    """Profile decisions by `profile_plan` key, filled as cases come (`stratify.decide_region_profile`)."""

    def __post_init__(self) -> None:
        region = self.region
        object.__setattr__(self, "red_flag_index", RuleIndex.of(self.red_flags, region))
        object.__setattr__(self, "pathway_index", RuleIndex.of(self.pathway, region, by_profile=True))
        object.__setattr__(self, "on_red_flag_index", RuleIndex.of(self.on_red_flag, region, by_profile=True))
        object.__setattr__(self, "manipulation_index", RuleIndex.of(self.manipulation_rules, region, by_profile=True))
        profiles = tuple(r.condition.within(region).evaluate for r in self.profile_rules)
        object.__setattr__(self, "profile_checks", profiles)
        radicular = tuple(r.condition.within(region) for r in self.radicular_rules)
        object.__setattr__(self, "radicular_checks", tuple(condition.evaluate for condition in radicular))
        gates = [condition.gate for condition in radicular]
        gate = None if None in gates else frozenset().union(*(g for g in gates if g is not None))
        object.__setattr__(self, "radicular_gate", gate)
        object.__setattr__(self, "profile_plan", _plan(self.profile_rules, region))
        object.__setattr__(self, "profile_table", {})


def _plan(rules: Sequence[ProfileRule], region: Region) -> tuple[tuple[str, tuple[float, ...]], ...] | None:
    """`RegionRules.profile_plan`: every fact the rules read as compiled for the region, and every fact their full
    conditions name (an undecided rule reports those missing), with the limits the compiled ones compare with."""
    limits: dict[str, set[float]] = {}
    for rule in rules:
        compiled = rule.condition.within(region)
        if compiled.thresholds is None:
            return None
        for name in compiled.facts | rule.condition.facts:
            limits.setdefault(name, set())
        for name, limit in compiled.thresholds:
            limits[name].add(limit)
    return tuple((name, tuple(sorted(limits[name]))) for name in sorted(limits))


def _can_apply(region: Region, condition: Condition) -> bool:
    return condition.regions is None or region in condition.regions


@dataclass(frozen=True, slots=True, eq=False)
class Rulebook:
    """Everything the triage needs, validated at load time; `sources` holds every source a rule names."""

    signs: Mapping[str, Sign]
    red_flags: tuple[RedFlag, ...]
    profile_rules: tuple[ProfileRule, ...]
    radicular_rules: tuple[RadicularRule, ...]
    recommendations: tuple[Recommendation, ...]
    manipulation_rules: tuple[ManipulationRule, ...]
    sources: Mapping[str, Source]
    _explanations: dict[str, Explanation] = field(init=False, repr=False)
    _by_region: dict[Region, RegionRules] = field(init=False, repr=False)
    _sign_ids: frozenset[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_explanations", {})
        object.__setattr__(self, "_by_region", {region: self._select(region) for region in Region})
        object.__setattr__(self, "_sign_ids", frozenset(self.signs))

    @property
    def sign_ids(self) -> frozenset[str]:
        """Every known sign id (the case parser's look-up)."""
        return self._sign_ids

    def for_region(self, region: Region) -> RegionRules:
        """Only the rules that can hold in `region`; the others are certainly False there."""
        return self._by_region[region]

    def _select(self, region: Region) -> RegionRules:
        return RegionRules(
            region=region,
            red_flags=tuple(f for f in self.red_flags if region in f.regions and _can_apply(region, f.condition)),
            profile_rules=tuple(r for r in self.profile_rules if r.region is region),
            radicular_rules=tuple(r for r in self.radicular_rules if r.region is region),
            pathway=tuple(r for r in self.recommendations if not r.on_red_flag and _can_apply(region, r.condition)),
            on_red_flag=tuple(r for r in self.recommendations if r.on_red_flag and _can_apply(region, r.condition)),
            manipulation_rules=tuple(r for r in self.manipulation_rules if _can_apply(region, r.condition)),
        )

    @property
    def rule_ids(self) -> tuple[str, ...]:
        """Every id `explain` accepts, in rulebook order (signs last)."""
        rules: tuple[RedFlag | ProfileRule | RadicularRule | Recommendation | ManipulationRule, ...] = (
            *self.red_flags,
            *self.profile_rules,
            *self.radicular_rules,
            *self.recommendations,
            *self.manipulation_rules,
        )
        return (*(rule.id for rule in rules), *self.signs)

    def explain(self, rule_id: str) -> Explanation:
        """The explanation of one rule or sign; InvalidInput for an unknown id."""
        cached = self._explanations.get(rule_id)
        if cached is None:
            cached = self._explain(rule_id)
            self._explanations[rule_id] = cached
        return cached

    def _explain(self, rule_id: str) -> Explanation:
        for flag in self.red_flags:
            if flag.id == rule_id:
                return self._explanation(flag, RuleKind.RED_FLAG, flag.name, flag.action, flag.urgency)
        for rec in self.recommendations:
            if rec.id == rule_id:
                return self._explanation(rec, RuleKind.RECOMMENDATION, rec.text, rec.text, rec.strength)
        for manip in self.manipulation_rules:
            if manip.id == rule_id:
                return self._explanation(manip, RuleKind.MANIPULATION, manip.name, manip.name, manip.verdict)
        for prof in self.profile_rules:
            if prof.id == rule_id:
                return self._explanation(prof, RuleKind.STRATIFICATION, prof.name, prof.name, prof.profile)
        for rad in self.radicular_rules:
            if rad.id == rule_id:
                return self._explanation(rad, RuleKind.STRATIFICATION, rad.name, rad.name, "radicular")
        sign = self.signs.get(rule_id)
        if sign is not None:
            regions = listing([REGION_WORDS[region] for region in sorted(sign.regions)], phrase("text.list_more"))
            return Explanation(
                rule_id=sign.id,
                kind=RuleKind.SIGN,
                name=sign.label,
                text=sign.question,
                condition=phrase("rules.sign_condition").format(group=sign.group, regions=regions),
                outcome=sign.group,
                source=Source(id="-", citation="Screening checklist item (a question, not a rule)."),
                evidence=Evidence.VERIFIED,
            )
        raise InvalidInput("rule", f"unknown rule id {rule_id!r}")

    def _explanation(
        self,
        rule: RedFlag | Recommendation | ManipulationRule | ProfileRule | RadicularRule,
        kind: RuleKind,
        name: Text,
        text: Text,
        outcome: str,
    ) -> Explanation:
        condition = rule.condition.description
        regions = getattr(rule, "regions", None)
        if regions is not None and len(regions) < len(Region):
            only = next(iter(regions))
            condition = phrase("rules.in_region").format(region=REGION_WORDS[only], condition=condition)
        note = rule.note
        if rule.evidence is Evidence.UNVERIFIED and note is None:
            note = phrase("rules.unverified_note")
        return Explanation(
            rule_id=rule.id,
            kind=kind,
            name=name,
            text=text,
            condition=condition,
            outcome=str(outcome),
            source=self.sources[rule.source],
            evidence=rule.evidence,
            note=note,
        )
