"""The rulebook: signs, red flags, stratification, pathway recommendations and manipulation rules.

All of it is loaded from data (`rugpad.content.rules.load_rulebook`); this module only gives the rules a typed
shape and answers "why?" for any rule id. Conditions are compiled when the rulebook is loaded, so a triage never
touches YAML.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from rugpad.core.conditions import Condition
from rugpad.core.errors import InvalidInput
from rugpad.core.explain import Explanation, RuleKind
from rugpad.core.text import Source, Text
from rugpad.core.vocab import Evidence, ManipulationVerdict, Region, Strength, Urgency

__all__ = [
    "PROFILES",
    "ManipulationRule",
    "PatientInstruction",
    "ProfileRule",
    "RadicularRule",
    "Recommendation",
    "RedFlag",
    "RegionRules",
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

    def __post_init__(self) -> None:
        if self.patient_instruction not in PatientInstruction.allowed_for(self.urgency):
            raise InvalidInput(
                "patient_instruction", f"{self.patient_instruction} does not fit a red flag of urgency {self.urgency}"
            )

    @property
    def calls_112(self) -> bool:
        """True when the patient is told to call 112 now (the web shows a call button)."""
        return self.patient_instruction.calls_112


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


@dataclass(frozen=True, slots=True)
class RegionRules:
    """The rules that can apply in one region, in rulebook order (pre-selected once, for speed)."""

    red_flags: tuple[RedFlag, ...]
    profile_rules: tuple[ProfileRule, ...]
    radicular_rules: tuple[RadicularRule, ...]
    pathway: tuple[Recommendation, ...]
    on_red_flag: tuple[Recommendation, ...]
    manipulation_rules: tuple[ManipulationRule, ...]


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

    def __post_init__(self) -> None:
        object.__setattr__(self, "_explanations", {})
        object.__setattr__(self, "_by_region", {region: self._select(region) for region in Region})

    def for_region(self, region: Region) -> RegionRules:
        """Only the rules that can hold in `region`; the others are certainly False there."""
        return self._by_region[region]

    def _select(self, region: Region) -> RegionRules:
        return RegionRules(
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
            regions = ", ".join(sorted(sign.regions))
            return Explanation(
                rule_id=sign.id,
                kind=RuleKind.SIGN,
                name=sign.label,
                text=sign.question,
                condition=Text(f"groep: {sign.group}; regio: {regions}", f"group: {sign.group}; region: {regions}"),
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
            region_words = {Region.LOW_BACK: Text("lage rug", "low back"), Region.NECK: Text("nek", "neck")}
            only = next(iter(regions))
            condition = Text(
                f"regio {region_words[only].nl}; {condition.nl}", f"region {region_words[only].en}; {condition.en}"
            )
        note = rule.note
        if rule.evidence is Evidence.UNVERIFIED and note is None:
            note = Text(
                "Niet geverifieerd in een bron: gebruikt als de veiligere keuze; laat een clinicus dit controleren.",
                "Not verified in a source: used as the safer choice; have a clinician check it.",
            )
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
