"""Stratification: STarT Back risk, radicular syndrome and the treatment profile, without guessing.

    STarT Back answers --score_answers--> risk (low/medium/high) --KNGF 2021--> low back profile 1/2/3
    signs --radicular rules--> LRS / cervical grade III;  grade III, course, psychosocial --KNGF 2016--> neck A-D

The rules themselves are data (``stratify.yaml``): an ordered decision list per region. A profile is given only
when a rule holds and no earlier rule was undecidable; otherwise the facts that are missing are returned so the
clinician can supply them (or override the profile, which KNGF B.2.1 expects: never rely on STarT Back alone).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rugpad.core._quick import quick_init
from rugpad.core.conditions import Evaluator, Facts
from rugpad.core.instruments import InstrumentDefinition
from rugpad.core.rules import ProfileRule, RadicularRule, RegionRules
from rugpad.core.scoring import InstrumentScore, score_answers
from rugpad.core.vocab import Risk

__all__ = [
    "ProfileDecision",
    "decide_profile",
    "decide_radicular",
    "decide_region_profile",
    "missing_facts",
    "startback_risk",
]

_INPUT_NAMES: Mapping[str, str] = {"risk": "startback", "radicular": "signs", "red_flags": "signs"}
"""Facts named by the case field a clinician fills in to supply them."""


def missing_facts(facts: Facts, used: frozenset[str]) -> tuple[str, ...]:
    """The case fields, among those a condition reads, that the case leaves unknown (sorted, input names)."""
    return tuple(sorted({_INPUT_NAMES.get(name, name) for name in used if getattr(facts, name) is None}))


@quick_init
@dataclass(frozen=True)
class ProfileDecision:
    """The computed profile and the rule that gave it, or None with the facts that would decide it."""

    profile: str | None
    rule: ProfileRule | None
    needs: tuple[str, ...] = ()


def decide_profile(
    facts: Facts, rules: Sequence[ProfileRule], checks: Sequence[Evaluator] | None = None
) -> ProfileDecision:
    """Walk the region's ordered rules: the first that holds wins, unless an earlier one could not be decided.

    `checks`, when given, are the rules' conditions compiled for the facts' region (`RegionRules.profile_checks`),
    in the same order."""
    pending: set[str] = set()
    region = facts.region
    evaluators = checks if checks is not None else [rule.condition.evaluate for rule in rules]
    for rule, check in zip(rules, evaluators, strict=True):
        if rule.region is not region:
            continue
        result = check(facts)
        if result is None:
            for name in rule.condition.facts:  # as `missing_facts`, without sorting each rule's share
                if getattr(facts, name) is None:
                    pending.add(_INPUT_NAMES.get(name, name))
        elif result:
            if pending:
                return ProfileDecision(None, None, tuple(sorted(pending)))
            return ProfileDecision(rule.profile, rule)
    return ProfileDecision(None, None, tuple(sorted(pending)))


def decide_region_profile(facts: Facts, rules: RegionRules) -> ProfileDecision:
    """`decide_profile` over the region's rules compiled for it, looked up when the rules allow it.

    Profile rules read a handful of facts (risk; radicular, course, duration, psychosocial) and compare numbers with
    a few limits (6 weeks), so the decision is fixed by those facts' values and the side of each limit a number falls
    on: that is the key of the region's table (`RegionRules.profile_plan`), filled with `decide_profile`'s own
    answers. Exact, not an approximation; rules that read anything else are evaluated each time."""
    plan = rules.profile_plan
    if plan is None:
        return decide_profile(facts, rules.profile_rules, rules.profile_checks)
    key: list[object] = []
    for name, limits in plan:
        value = getattr(facts, name)
        if value is None or not limits:
            key.append(value)
        else:  # where the number lies against every limit: below, on or above each
            key.append((bisect_left(limits, value), bisect_right(limits, value)))
    table = rules.profile_table
    found = table.get(tuple(key))
    if found is None:
        if len(table) >= _DECISIONS_KEPT:
            table.clear()
        found = table[tuple(key)] = decide_profile(facts, rules.profile_rules, rules.profile_checks)
    return found


_DECISIONS_KEPT = 4096
"""A bound on a region's profile table (the keys of real cases number a few hundred)."""


def decide_radicular(
    facts: Facts, rules: Sequence[RadicularRule], checks: Sequence[Evaluator] | None = None
) -> tuple[bool | None, RadicularRule | None]:
    """Whether a radicular syndrome is suspected in the case's region, and by which rule (`checks` as for
    `decide_profile`)."""
    unknown = False
    for position, rule in enumerate(rules):
        if rule.region is facts.region:
            result = checks[position](facts) if checks is not None else rule.condition.evaluate(facts)
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
    return _RISKS[str(score.extra["risk"])], score


_RISKS: Mapping[str, Risk] = {risk.value: risk for risk in Risk}
