"""The clinical engine: the pure core applied to the packaged content.

This is the one entry point the CLI, the web app and the JSON API use, so that a rule is never
implemented twice. Everything here is a thin composition of `rugpad.content` (loading) and
`rugpad.core` (pure rules).
"""

from __future__ import annotations

from collections.abc import Mapping

from rugpad.content.instruments import load_instruments
from rugpad.content.rules import load_rulebook
from rugpad.content.sign_groups import load_sign_groups
from rugpad.core.errors import InvalidInput
from rugpad.core.explain import Explanation
from rugpad.core.instruments import InstrumentDefinition
from rugpad.core.rules import Rulebook, Sign
from rugpad.core.scoring import InstrumentScore, score_answers
from rugpad.core.text import Text
from rugpad.core.triage import TriageResult, parse_case, run_triage
from rugpad.core.vocab import Region

__all__ = ["explain", "instrument", "instruments", "rulebook", "score", "sign_groups", "triage"]


def instruments() -> Mapping[str, InstrumentDefinition]:
    """Every instrument definition, by code (``"odi"``, ``"startback"``, ...)."""
    return load_instruments()


def instrument(code: str) -> InstrumentDefinition:
    try:
        return load_instruments()[code]
    except KeyError:
        known = ", ".join(sorted(load_instruments()))
        raise InvalidInput("instrument", f"unknown instrument {code!r}; known: {known}") from None


def score(code: str, answers: Mapping[str, object]) -> InstrumentScore:
    """Score one completed questionnaire; raises InvalidInput naming the item for bad answers."""
    return score_answers(instrument(code), answers)


def rulebook() -> Rulebook:
    return load_rulebook()


def triage(payload: Mapping[str, object]) -> TriageResult:
    """Red flags, stratification and care-pathway recommendations for one case (CLI contract format)."""
    return run_triage(parse_case(payload, load_rulebook()), load_rulebook(), load_instruments()["startback"])


def explain(rule_id: str) -> Explanation:
    return load_rulebook().explain(rule_id)


def sign_groups(region: Region | str) -> list[tuple[Text, list[Sign]]]:
    """The screening checklist for a region: headings in display order, each with its signs."""
    wanted = Region(region)
    headings = load_sign_groups()
    signs = [sign for sign in load_rulebook().signs.values() if wanted in sign.regions]
    unknown = {sign.group for sign in signs} - set(headings)
    if unknown:
        raise InvalidInput("sign group", f"no heading for {sorted(unknown)} in rules/sign_groups.yaml")
    return [
        (label, [s for s in signs if s.group == group])
        for group, label in headings.items()
        if any(s.group == group for s in signs)
    ]
