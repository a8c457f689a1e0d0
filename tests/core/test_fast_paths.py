"""The triage's fast paths give exactly what the plain reading gives, checked with hypothesis.

Compiled conditions (set tests, unrolled loops, region specialisation) against a direct three-valued reading of the
YAML; the sign, red-flag and profile indexes against evaluating every rule; scoring's table-driven validation and
integer rounding against the careful path and exact fractions; the bounds' fast path against the full checks.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rugpad import engine
from rugpad.content.instruments import load_instruments
from rugpad.core._quick import quick_init
from rugpad.core.bounds import NumberBound
from rugpad.core.conditions import WEEKS_PER_YEAR, Facts, compile_condition
from rugpad.core.errors import InvalidInput
from rugpad.core.instruments import InstrumentDefinition
from rugpad.core.rules import ProfileRule, RegionRules, RuleIndex
from rugpad.core.scoring import _rounded_ratio, _validated, _validated_carefully
from rugpad.core.stratify import decide_profile, decide_region_profile
from rugpad.core.text import Text
from rugpad.core.vocab import Course, Evidence, Region, Risk, Sex

LABELS = {name: Text(nl=name.upper(), en=name) for name in ("a", "b", "c", "d")}
FLAGS = {name: Text(nl=name, en=name) for name in ("rf.x", "rf.y")}
PROFILES = ["1", "2", "3", "A", "B", "C", "D"]

# --- a plain, slow reading of the condition language --------------------------------------------------------------


def kleene_any(values: list[bool | None]) -> bool | None:
    return True if any(v is True for v in values) else (None if None in values else False)


def kleene_all(values: list[bool | None]) -> bool | None:
    return False if any(v is False for v in values) else (None if None in values else True)


def unknown_or(value: object, test: Any) -> bool | None:
    return None if value is None else bool(test(value))


def reading(raw: Any, facts: Facts) -> bool | None:
    """What the YAML says, read literally in three-valued logic."""
    if isinstance(raw, str):
        return raw in facts.signs
    if "at_least" in raw:
        values = [reading(part, facts) for part in raw["of"]]
        present, unknown = values.count(True), values.count(None)
        return True if present >= raw["at_least"] else (None if present + unknown >= raw["at_least"] else False)
    ((key, value),) = raw.items()
    if key == "any":
        return kleene_any([reading(part, facts) for part in value])
    if key == "all":
        return kleene_all([reading(part, facts) for part in value])
    if key == "not":
        inner = reading(value, facts)
        return None if inner is None else not inner
    if key == "age_over":
        return unknown_or(facts.age, lambda age: age > value)
    if key == "age_under":
        return unknown_or(facts.age, lambda age: age < value)
    if key == "onset_age_under":
        if facts.age is None or facts.duration_weeks is None:
            return None
        return facts.age - facts.duration_weeks / WEEKS_PER_YEAR < value
    if key == "duration_over_weeks":
        return unknown_or(facts.duration_weeks, lambda weeks: weeks > value)
    if key == "work_absence_over_weeks":
        return unknown_or(facts.work_absence_weeks, lambda weeks: weeks > value)
    if key in ("sex", "course", "risk", "profile"):
        allowed = {value} if isinstance(value, str) else set(value)
        return unknown_or(getattr(facts, key), lambda known: str(known) in allowed)
    if key in ("psychosocial_dominant", "radicular"):
        return unknown_or(getattr(facts, key), lambda known: known is value)
    if key == "region":
        return facts.region == value
    if key == "red_flag":
        return bool(facts.red_flags) if value == "*" else bool(set(value) & facts.red_flags)
    raise AssertionError(key)


def choice(values: list[str]) -> st.SearchStrategy[Any]:
    return st.sampled_from(values) | st.lists(st.sampled_from(values), min_size=1, max_size=3, unique=True)


leaves = st.one_of(
    st.sampled_from(sorted(LABELS)),
    st.builds(lambda n: {"age_over": n}, st.integers(20, 80)),
    st.builds(lambda n: {"age_under": n}, st.integers(20, 80)),
    st.builds(lambda n: {"onset_age_under": n}, st.integers(20, 60)),
    st.builds(lambda n: {"duration_over_weeks": n}, st.integers(0, 12)),
    st.builds(lambda n: {"work_absence_over_weeks": n}, st.integers(0, 12)),
    st.builds(lambda v: {"sex": v}, choice([s.value for s in Sex])),
    st.builds(lambda v: {"course": v}, choice([c.value for c in Course])),
    st.builds(lambda v: {"risk": v}, choice([r.value for r in Risk])),
    st.builds(lambda v: {"profile": v}, choice(PROFILES)),
    st.builds(lambda v: {"psychosocial_dominant": v}, st.booleans()),
    st.builds(lambda v: {"radicular": v}, st.booleans()),
    st.builds(lambda v: {"region": v}, st.sampled_from([r.value for r in Region])),
    st.builds(lambda v: {"red_flag": v}, st.just("*") | st.lists(st.sampled_from(sorted(FLAGS)), min_size=1)),
)


def _combined(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    lists = st.lists(children, min_size=1, max_size=4)
    return st.one_of(
        st.builds(lambda parts: {"any": parts}, lists),
        st.builds(lambda parts: {"all": parts}, lists),
        st.builds(lambda inner: {"not": inner}, children),
        lists.flatmap(lambda parts: st.integers(1, len(parts)).map(lambda n: {"at_least": n, "of": parts})),
    )


conditions = st.recursive(leaves, _combined, max_leaves=12)


def optional(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | values


@st.composite
def facts_for(draw: st.DrawFn, signs: list[str], flags: list[str]) -> Facts:
    return Facts(
        region=draw(st.sampled_from(list(Region))),
        signs=frozenset(draw(st.lists(st.sampled_from(signs), max_size=5))),
        age=draw(optional(st.integers(0, 120))),
        sex=draw(optional(st.sampled_from(list(Sex)))),
        duration_weeks=draw(optional(st.sampled_from([0.0, 3.0, 6.0, 6.5, 12.0, 52.0, 520.0]))),
        course=draw(optional(st.sampled_from(list(Course)))),
        psychosocial_dominant=draw(optional(st.booleans())),
        work_absence_weeks=draw(optional(st.sampled_from([0.0, 4.0, 4.5, 10.0]))),
        risk=draw(optional(st.sampled_from(list(Risk)))),
        profile=draw(optional(st.sampled_from(PROFILES))),
        radicular=draw(optional(st.booleans())),
        red_flags=frozenset(draw(st.lists(st.sampled_from(flags), max_size=2))) if flags else frozenset(),
    )


@settings(max_examples=600)
@given(conditions, facts_for(sorted(LABELS), sorted(FLAGS)))
def test_compiled_conditions_agree_with_the_plain_reading(raw: Any, facts: Facts) -> None:
    condition = compile_condition(raw, LABELS, "test", FLAGS)
    expected = reading(raw, facts)
    assert condition.evaluate(facts) is expected
    assert condition.within(facts.region).evaluate(facts) is expected


@settings(max_examples=600)
@given(conditions, facts_for(sorted(LABELS), sorted(FLAGS)))
def test_what_a_condition_says_it_needs_holds(raw: Any, facts: Facts) -> None:
    """The facts the indexes rely on: a gate, a red flag, a profile."""
    condition = compile_condition(raw, LABELS, "test", FLAGS)
    for compiled in (condition, condition.within(facts.region)):
        value = compiled.evaluate(facts)
        if compiled.gate is not None and compiled.gate.isdisjoint(facts.signs):
            assert value is False
        if compiled.needs_red_flag and not facts.red_flags:
            assert value is False
        if compiled.profiles is not None and facts.profile not in compiled.profiles:
            assert value is not True
        if compiled.constant is not None:
            assert value is compiled.constant


RULEBOOK = engine.rulebook()
SIGNS = sorted(RULEBOOK.signs)
RED_FLAG_IDS = sorted(flag.id for flag in RULEBOOK.red_flags)


def _check_index(index: RuleIndex[Any], rules: tuple[Any, ...], facts: Facts, *, truthy: bool) -> None:
    picked = index.pick(facts.signs, bool(facts.red_flags), facts.profile)
    picked_rules = [rule for rule, _ in picked]
    assert picked_rules == [rule for rule in rules if rule in picked_rules]  # rulebook order kept
    for rule, check in picked:
        assert (True if check is None else check(facts)) is rule.condition.evaluate(facts)
    for rule in rules:
        if rule not in picked_rules:
            value = rule.condition.evaluate(facts)
            assert (value is not True) if truthy else (value is False)


@settings(max_examples=500)
@given(facts_for(SIGNS, RED_FLAG_IDS))
def test_the_rule_indexes_leave_out_only_rules_that_cannot_hold(facts: Facts) -> None:
    rules = RULEBOOK.for_region(facts.region)
    _check_index(rules.red_flag_index, rules.red_flags, dataclasses.replace(facts, profile=None), truthy=False)
    _check_index(rules.pathway_index, rules.pathway, facts, truthy=True)
    _check_index(rules.on_red_flag_index, rules.on_red_flag, facts, truthy=True)
    _check_index(rules.manipulation_index, rules.manipulation_rules, facts, truthy=True)
    for rule, check in zip(rules.profile_rules, rules.profile_checks, strict=True):
        assert check(facts) is rule.condition.evaluate(facts)
    for rule, check in zip(rules.radicular_rules, rules.radicular_checks, strict=True):
        assert check(facts) is rule.condition.evaluate(facts)
    if rules.radicular_gate is not None and rules.radicular_gate.isdisjoint(facts.signs):
        assert all(rule.condition.evaluate(facts) is False for rule in rules.radicular_rules)


@settings(max_examples=500)
@given(facts_for(SIGNS, RED_FLAG_IDS))
def test_a_regions_profile_table_answers_as_its_rules_do(facts: Facts) -> None:
    rules = RULEBOOK.for_region(facts.region)
    for _ in range(2):  # filling the table, then reading it
        assert decide_region_profile(facts, rules) == decide_profile(facts, rules.profile_rules)


def test_profile_rules_that_read_a_sign_are_evaluated_not_tabulated() -> None:
    labels = {"a": Text(nl="A", en="a")}
    rule = ProfileRule(
        "p", Region.NECK, "A", Text(nl="", en=""), compile_condition("a", labels, "t"), "s", Evidence.VERIFIED
    )
    rules = RegionRules((), (rule,), (), (), (), (), Region.NECK)
    assert rules.profile_plan is None
    assert decide_region_profile(Facts(Region.NECK, frozenset({"a"})), rules).profile == "A"
    assert decide_region_profile(Facts(Region.NECK), rules).profile is None


# --- scoring -----------------------------------------------------------------------------------------------------

DEFINITIONS = [load_instruments()[code] for code in sorted(load_instruments())]


@st.composite
def answer_sets(draw: st.DrawFn) -> tuple[InstrumentDefinition, dict[object, object]]:
    """An instrument and answers that are mostly valid, sometimes not in one of the ways people get them wrong."""
    definition = draw(st.sampled_from(DEFINITIONS))
    answers: dict[object, object] = {}
    for item in definition.items:
        values = [option.value for option in item.options] or list(range(item.minimum, item.maximum + 1))
        key: object = str(item.number)
        value: object = draw(st.sampled_from(values))
        mistake = draw(st.sampled_from(["none"] * 12 + ["absent", "null", "key", "value"]))
        if mistake == "absent":
            continue
        if mistake == "null":
            value = None
        elif mistake == "key":
            key = draw(st.sampled_from([item.number, f"0{item.number}", str(item.number + 100), "x", True]))
        elif mistake == "value":
            value = draw(st.sampled_from([True, 1.5, "3", item.maximum + 1, item.minimum - 1, [1], 2**70]))
        answers[key] = value
    return definition, answers


def outcome(validate: Any, definition: InstrumentDefinition, answers: Mapping[Any, object]) -> object:
    try:
        return validate(definition, answers)
    except InvalidInput as error:
        return str(error)


@settings(max_examples=800)
@given(answer_sets())
def test_table_validation_agrees_with_the_careful_path(case: tuple[InstrumentDefinition, dict[object, object]]) -> None:
    definition, answers = case
    assert outcome(_validated, definition, answers) == outcome(_validated_carefully, definition, answers)


def rounded_exactly(value: Fraction, decimals: int) -> float | int:
    """Half-up rounding of an exact fraction, as scoring did it before (the reference)."""
    scale = 10**decimals
    rounded = Fraction(math.floor(value * scale + Fraction(1, 2)), scale)
    return int(rounded) if decimals == 0 else float(rounded)


@given(st.integers(0, 10**6), st.integers(1, 10**4), st.integers(0, 3))
def test_integer_rounding_equals_rounding_the_exact_fraction(numerator: int, denominator: int, decimals: int) -> None:
    fast = _rounded_ratio(numerator, denominator, decimals)
    exact = rounded_exactly(Fraction(numerator, denominator), decimals)
    assert fast == exact and type(fast) is type(exact)


@pytest.mark.parametrize("definition", DEFINITIONS, ids=lambda d: d.code)
def test_every_instruments_tables_match_its_items(definition: InstrumentDefinition) -> None:
    for item in definition.items:
        number, allowed = definition.answers[str(item.number)]
        assert number == item.number
        valid = {o.value for o in item.options} if item.options else set(range(item.minimum, item.maximum + 1))
        assert allowed == valid
        recode = definition.recode_of(item.number)
        assert definition.scored_maxima[item.number] == (recode.scored[item.maximum] if recode else item.maximum)
    assert definition.required == tuple(item.number for item in definition.items if not item.optional)
    for band in definition.bands:
        assert definition.band(band.key) is next(b for b in definition.bands if b.key == band.key)


# --- bounds ------------------------------------------------------------------------------------------------------


def careful_check(bound: NumberBound, raw: object) -> object:
    """The bound's checks as they were before the fast path, one by one."""
    kind = "a whole number" if bound.whole else "a number"
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        return f"x: {raw!r} is not {kind}"
    if isinstance(raw, float) and not math.isfinite(raw):
        return f"x: {raw!r} is not a finite number"
    if bound.whole and isinstance(raw, float) and not raw.is_integer():
        return f"x: {raw!r} is not {kind}"
    if not bound.low <= raw <= bound.high:
        return "out of range"
    return int(raw) if bound.whole else float(raw)


@given(
    st.sampled_from([NumberBound(0, 120, whole=True), NumberBound(0, 5200), NumberBound(-10, 10, whole=True)]),
    st.one_of(
        st.integers(-200, 6000),
        st.floats(allow_nan=True, allow_infinity=True),
        st.booleans(),
        st.text(max_size=3),
        st.just(10**400),
    ),
)
def test_a_bound_answers_as_its_careful_checks_do(bound: NumberBound, raw: object) -> None:
    try:
        got: object = bound.check("x", raw)
    except InvalidInput as error:
        got = "out of range" if "out of range" in str(error) else str(error)
    expected = careful_check(bound, raw)
    assert got == expected and type(got) is type(expected)


# --- quick_init --------------------------------------------------------------------------------------------------


@quick_init
@dataclass(frozen=True)
class _Sample:
    name: str
    count: int = 3
    tags: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if self.count < 0:
            raise ValueError("count")


def test_quick_init_keeps_a_frozen_dataclass_as_it_was() -> None:
    sample = _Sample("a")
    assert (sample.name, sample.count, sample.tags) == ("a", 3, frozenset())
    assert _Sample("a", tags=frozenset()) == sample and hash(_Sample("b")) == hash(_Sample("b"))
    assert repr(sample) == "_Sample(name='a', count=3, tags=frozenset())"
    assert _Sample(count=1, name="b") == _Sample("b", 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        sample.count = 4  # type: ignore[misc]
    with pytest.raises(ValueError):
        _Sample("a", -1)
    with pytest.raises(TypeError):
        _Sample()  # type: ignore[call-arg]


def test_quick_init_refuses_a_class_it_cannot_speed_up() -> None:
    @dataclass(frozen=True, slots=True)
    class Slotted:
        name: str

    with pytest.raises(TypeError):
        quick_init(Slotted)
