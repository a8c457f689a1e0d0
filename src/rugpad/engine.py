"""The clinical engine: the pure core applied to the packaged content.

This is the one entry point the CLI, the web app and the JSON API use, so that a rule is never
implemented twice. Everything here is a thin composition of `rugpad.content` (loading) and
`rugpad.core` (pure rules).
"""

from __future__ import annotations

from collections.abc import Mapping

from rugpad.content.education import load_education
from rugpad.content.evaluation import load_schedule
from rugpad.content.exercises import load_exercises
from rugpad.content.instruments import load_instruments
from rugpad.content.patient_actions import load_patient_actions
from rugpad.content.plans import load_plan_rules
from rugpad.content.rules import load_rulebook
from rugpad.content.sign_groups import load_sign_groups
from rugpad.core.errors import InvalidInput
from rugpad.core.exercises import Exercise
from rugpad.core.explain import Explanation
from rugpad.core.instruments import InstrumentDefinition
from rugpad.core.plan import PlanContent, PlanContext, ProposedPlan, Verdict, check_addition
from rugpad.core.plan import propose_plan as _propose_plan
from rugpad.core.plan_rules import PlanSettings
from rugpad.core.rules import Rulebook, Sign
from rugpad.core.scoring import InstrumentScore, score_answers
from rugpad.core.text import Text
from rugpad.core.triage import TriageResult, parse_case, run_triage
from rugpad.core.vocab import Region, Urgency

__all__ = ["explain", "instrument", "instruments", "patient_action", "rulebook", "score", "sign_groups", "triage"]


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


# --- treatment plans ---------------------------------------------------------------------------------------------

__all__ += ["check_plan_addition", "exercise_library", "plan_content", "plan_settings", "propose_plan"]


def exercise_library() -> Mapping[str, Exercise]:
    """Every exercise in the library by id."""
    return load_exercises()


def plan_content() -> PlanContent:
    """The rules, exercise library, education modules and measurement schedule a plan is built from."""
    return PlanContent(load_plan_rules(), load_exercises(), load_education(), load_schedule())


def plan_settings() -> PlanSettings:
    """The default practice settings for plans (from ``plans/settings.yaml``); the admin's own values replace them."""
    return load_plan_rules().settings


def propose_plan(context: PlanContext) -> ProposedPlan:
    """A treatment-plan proposal; raises InvalidInput for bad input or while a red flag is open."""
    return _propose_plan(context, plan_content())


def check_plan_addition(item_id: str, context: PlanContext) -> Verdict:
    """Whether the clinician may add this exercise or technique: refused, needs confirmation, or allowed."""
    return check_addition(item_id, context, plan_content())


def patient_action(urgency: Urgency | str) -> Text:
    """What to tell a patient whose own answers raised a red flag of this urgency, in plain words."""
    level = Urgency(urgency)
    if level is Urgency.NONE:
        raise InvalidInput("urgency", "no red flag, so no action for the patient")
    return load_patient_actions()[level]
