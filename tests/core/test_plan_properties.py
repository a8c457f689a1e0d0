"""Invariants of every proposed plan, over generated contexts: nothing forbidden, always exercise, always sourced."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from rugpad import engine
from rugpad.content import load_sources
from rugpad.core.exercises import CONDITION_TAGS, allowed_for
from rugpad.core.plan import PlanContext, PskActivity, propose_plan
from rugpad.core.plan_rules import Cause, TechniqueKind
from rugpad.core.rules import PROFILES
from rugpad.core.vocab import Lang, ManipulationVerdict, Region, Urgency

CONTENT = engine.plan_content()
LIBRARY = CONTENT.exercises
SOURCES = load_sources()
NAMES = ["Bukken", "Zitten", "Tillen"]


@st.composite
def contexts(draw: st.DrawFn) -> PlanContext:
    region = draw(st.sampled_from(list(Region)))
    return PlanContext(
        region=region,
        profile=draw(st.sampled_from([*PROFILES[region], None])),
        radicular=draw(st.booleans()),
        manipulation=draw(st.sampled_from(list(ManipulationVerdict))),
        urgency=Urgency.NONE,
        tags=draw(st.frozensets(st.sampled_from(sorted(CONDITION_TAGS)))),
        causes=draw(st.frozensets(st.sampled_from(list(Cause)))),
        activities=tuple(
            draw(
                st.lists(
                    st.builds(
                        PskActivity, st.sampled_from(["Bukken", "Zitten", "Tillen"]), st.none() | st.integers(0, 10)
                    ),
                    max_size=5,
                )
            )
        ),
        goals=tuple(draw(st.lists(st.sampled_from(["Fietsen", "Werken"]), max_size=2))),
        start=draw(st.dates(date(2024, 1, 1), date(2030, 12, 31))),
        settings=CONTENT.rules.settings,
    )


@settings(max_examples=300, deadline=None)
@given(contexts())
def test_no_plan_contains_anything_forbidden_and_every_plan_has_exercise(context):
    plan = propose_plan(context, CONTENT)
    tags = context.tags | ({"radicular"} if plan.radicular else frozenset())

    assert plan.exercises, "a plan without exercise is impossible"
    assert any(not item.needs_confirmation for item in plan.exercises)
    assert plan.education
    assert len(plan.exercises) == len({item.exercise_id for item in plan.exercises})
    for item in plan.exercises:
        suitability = allowed_for(LIBRARY[item.exercise_id], tags)
        assert suitability != "contraindicated"
        assert item.needs_confirmation is (suitability == "caution")

    for item in plan.techniques:
        technique = CONTENT.rules.techniques[item.technique_id]
        assert not (tags & technique.contraindications)
        if item.kind is TechniqueKind.MANIPULATION:
            assert context.manipulation is not ManipulationVerdict.CONTRAINDICATED
            assert item.needs_confirmation is (context.manipulation is ManipulationVerdict.CAUTION)
        if context.manipulation is not ManipulationVerdict.ALLOWED and item.kind is not TechniqueKind.REFERRAL:
            assert item.needs_confirmation or technique.on_verdict[context.manipulation] == "allowed"

    for item in plan.items():
        assert item.rule_id
        assert item.source_id in SOURCES
        assert item.reason.get(Lang.NL) and item.reason.get(Lang.EN)
    for withheld in plan.withheld:
        assert withheld.item_id not in {i.exercise_id for i in plan.exercises} | {
            t.technique_id for t in plan.techniques
        }


@settings(max_examples=100, deadline=None)
@given(contexts())
def test_the_editor_agrees_with_the_generator(context):
    plan = propose_plan(context, CONTENT)
    for item in plan.exercises:
        verdict = engine.check_plan_addition(item.exercise_id, context)
        assert not verdict.refused and verdict.needs_confirmation is item.needs_confirmation
    for item in plan.techniques:
        verdict = engine.check_plan_addition(item.technique_id, context)
        assert not verdict.refused and verdict.needs_confirmation is item.needs_confirmation
    for withheld in plan.withheld:
        assert engine.check_plan_addition(withheld.item_id, context).refused
