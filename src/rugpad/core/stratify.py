"""Stratification: STarT Back risk, radicular syndrome and the treatment profile, without guessing.

    STarT Back answers --score_answers--> risk (low/medium/high) --KNGF 2021--> low back profile 1/2/3
    signs --radicular rules--> LRS / cervical grade III;  grade III, course, psychosocial --KNGF 2016--> neck A-D

The rules themselves are data (``stratify.yaml``): an ordered decision list per region. A profile is given only
when a rule holds and no earlier rule was undecidable; otherwise the facts that are missing are returned so the
clinician can supply them (or override the profile, which KNGF B.2.1 expects: never rely on STarT Back alone).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rugpad.core.conditions import Facts
from rugpad.core.instruments import InstrumentDefinition
from rugpad.core.rules import ProfileRule, RadicularRule
from rugpad.core.scoring import InstrumentScore, score_answers
from rugpad.core.vocab import Risk

__all__ = ["ProfileDecision", "decide_profile", "decide_radicular", "missing_facts", "startback_risk"]

_INPUT_NAMES: Mapping[str, str] = {"risk": "startback", "radicular": "signs", "red_flags": "signs"}
"""Facts named by the case field a clinician fills in to supply them."""


def missing_facts(facts: Facts, used: frozenset[str]) -> tuple[str, ...]:
    """The case fields, among those a condition reads, that the case leaves unknown (sorted, input names)."""
    return tuple(sorted({_INPUT_NAMES.get(name, name) for name in used if getattr(facts, name) is None}))


@dataclass(frozen=True, slots=True)
class ProfileDecision:
    """The computed profile and the rule that gave it, or None with the facts that would decide it."""

    profile: str | None
    rule: ProfileRule | None
    needs: tuple[str, ...] = ()


def decide_profile(facts: Facts, rules: Sequence[ProfileRule]) -> ProfileDecision:
    """Walk the region's ordered rules: the first that holds wins, unless an earlier one could not be decided."""
    pending: set[str] = set()
    for rule in rules:
        if rule.region is not facts.region:
            continue
        result = rule.condition.evaluate(facts)
        if result is None:
            pending.update(missing_facts(facts, rule.condition.facts))
        elif result:
            if pending:
                return ProfileDecision(None, None, tuple(sorted(pending)))
            return ProfileDecision(rule.profile, rule)
    return ProfileDecision(None, None, tuple(sorted(pending)))


def decide_radicular(facts: Facts, rules: Sequence[RadicularRule]) -> tuple[bool | None, RadicularRule | None]:
    """Whether a radicular syndrome is suspected in the case's region, and by which rule."""
    unknown = False
    for rule in rules:
        if rule.region is facts.region:
            result = rule.condition.evaluate(facts)
            if result:
                return True, rule
            unknown = unknown or result is None
    return (None if unknown else False), None


def startback_risk(
    definition: InstrumentDefinition, answers: Mapping[str, object] | None
) -> tuple[Risk | None, InstrumentScore | None]:
    """STarT Back risk group, or None when not given or too incomplete to score (never a guess)."""
    if answers is None:
        return None, None
    score = score_answers(definition, answers)
    if score.score is None:
        return None, score
    return Risk(str(score.extra["risk"])), score
