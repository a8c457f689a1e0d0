"""The cost estimate against hand-computed cases, and its arithmetic held by properties: reimbursement + own
payment = price to the cent, nothing negative, more coverage never costs the patient more."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rugpad import engine
from rugpad.core.costs import CostSettings, Policy, SessionKind, parse_euros, sessions_from_plan
from rugpad.core.errors import InvalidInput
from rugpad.core.vocab import Lang

FIRST, REGULAR, MANUAL, HOME = (
    SessionKind.FIRST_VISIT,
    SessionKind.REGULAR,
    SessionKind.MANUAL_THERAPY,
    SessionKind.HOME_VISIT,
)
TARIFFS = {FIRST: 6000, REGULAR: 4500, MANUAL: 5500, HOME: 7000}
NO_SETTINGS = CostSettings()


def supplementary(**values: object) -> Policy:
    return Policy(has_supplementary=True, **values)  # type: ignore[arg-type]


def test_twelve_sessions_nine_covered_three_used_leaves_six_to_pay() -> None:
    # 12 × € 45 = € 540; 9 covered a year, 3 had already → 6 of the 12 covered (€ 270), 6 paid (€ 270).
    cost = engine.estimate_costs(
        "nl", {REGULAR: 12}, TARIFFS, supplementary(covered_sessions=9, sessions_used=3), NO_SETTINGS
    )
    assert (cost.sessions, cost.price_cents) == (12, 54000)
    assert cost.supplementary_cents == 6 * 4500
    assert cost.own_cents == 6 * 4500 == 27000
    assert cost.first_layer_cents == 0


def test_the_first_visit_is_counted_first() -> None:
    # first visit € 60 + 11 × € 45 = € 555; 6 covered left: the first visit and 5 regular → own 6 × € 45 = € 270.
    planned = {FIRST: 1, REGULAR: 11}
    cost = engine.estimate_costs(
        "nl", planned, TARIFFS, supplementary(covered_sessions=9, sessions_used=3), NO_SETTINGS
    )
    assert cost.price_cents == 55500
    assert cost.supplementary_cents == 6000 + 5 * 4500
    assert cost.own_cents == 27000
    lines = {line.kind: line for line in cost.lines}
    assert lines[FIRST].own_cents == 0 and lines[REGULAR].own_cents == 27000


def test_a_yearly_cap_stops_the_supplementary_policy() -> None:
    # 10 × € 55 = € 550; no limit on sessions, cap € 300 of which € 120 used → € 180 paid, € 370 own.
    policy = supplementary(cap_cents=30000, cap_used_cents=12000)
    cost = engine.estimate_costs("nl", {MANUAL: 10}, TARIFFS, policy, NO_SETTINGS)
    assert (cost.price_cents, cost.supplementary_cents, cost.own_cents) == (55000, 18000, 37000)


def test_a_percentage_is_rounded_half_up_per_session() -> None:
    # 3 × € 45,55 at 75 % → 3416.25 cents a session → 3416 each: 10248 paid, 13665 − 10248 = 3417 own.
    cost = engine.estimate_costs(
        "nl", {REGULAR: 3}, {REGULAR: 4555}, supplementary(percentage=Decimal("75")), NO_SETTINGS
    )
    assert cost.price_cents == 13665
    assert cost.supplementary_cents == 3 * 3416
    assert cost.own_cents == 13665 - 10248
    # 50 % of 4555 = 2277.5 → 2278 (half up)
    half = engine.estimate_costs(
        "nl", {REGULAR: 1}, {REGULAR: 4555}, supplementary(percentage=Decimal(50)), NO_SETTINGS
    )
    assert half.supplementary_cents == 2278 and half.own_cents == 2277


def test_a_percentage_and_a_cap_together() -> None:
    # 4 × € 60 at 80 % = € 48 a session; cap € 100 → 48 + 48 + 4 + 0 = € 100 paid, € 140 own.
    policy = supplementary(percentage=Decimal(80), cap_cents=10000)
    cost = engine.estimate_costs("nl", {FIRST: 4}, TARIFFS, policy, NO_SETTINGS)
    assert (cost.supplementary_cents, cost.own_cents) == (10000, 14000)


def test_belgian_statutory_reimbursement_leaves_the_patients_share() -> None:
    # 9 × € 45 with a prescription, share € 9,50 entered by the practice → reimbursed 9 × 35,50, own 9 × 9,50.
    settings = CostSettings(statutory_share_cents={REGULAR: 950})
    cost = engine.estimate_costs("be", {REGULAR: 9}, TARIFFS, Policy(prescription=True), settings)
    assert cost.first_layer_cents == 9 * 3550
    assert cost.own_cents == 9 * 950 == 8550
    keys = [a.key for a in cost.assumptions]
    assert "statutory_share" in keys and "supplementary_none" in keys


def test_belgian_share_then_a_supplementary_percentage_of_the_share() -> None:
    # the supplementary policy pays 50 % of the € 9,50 share → 475 a session, own 475 a session.
    settings = CostSettings(statutory_share_cents={REGULAR: 950})
    policy = Policy(prescription=True, has_supplementary=True, percentage=Decimal(50))
    cost = engine.estimate_costs("be", {REGULAR: 2}, TARIFFS, policy, settings)
    assert (cost.first_layer_cents, cost.supplementary_cents, cost.own_cents) == (7100, 950, 950)


def test_belgian_share_not_filled_in_counts_nothing_and_says_so() -> None:
    cost = engine.estimate_costs("be", {REGULAR: 5}, TARIFFS, Policy(prescription=True), NO_SETTINGS)
    assert cost.own_cents == cost.price_cents == 22500
    assert "statutory_share_not_filled" in [a.key for a in cost.assumptions]


def test_a_belgian_share_filled_in_for_one_kind_only_counts_that_kind_and_says_so() -> None:
    settings = CostSettings(statutory_share_cents={REGULAR: 950})
    cost = engine.estimate_costs("be", {FIRST: 1, REGULAR: 2}, TARIFFS, Policy(prescription=True), settings)
    # the first visit (no share entered) is not reimbursed: € 60 own; 2 × € 9,50 own for the regular sessions
    assert (cost.first_layer_cents, cost.own_cents) == (2 * 3550, 6000 + 2 * 950)
    keys = [a.key for a in cost.assumptions]
    assert "statutory_share" in keys and "statutory_share_not_filled" in keys


def test_without_a_policy_or_coverage_the_patient_pays_everything() -> None:
    no_policy = engine.estimate_costs("nl", {REGULAR: 4}, TARIFFS, None, NO_SETTINGS)
    zero = engine.estimate_costs("nl", {REGULAR: 4}, TARIFFS, supplementary(covered_sessions=0), NO_SETTINGS)
    for cost in (no_policy, zero):
        assert (cost.reimbursed_cents, cost.own_cents) == (0, 18000)
    assert "no_policy" in [a.key for a in no_policy.assumptions]


def test_more_sessions_used_than_covered_leaves_nothing_covered() -> None:
    cost = engine.estimate_costs(
        "nl", {REGULAR: 5}, TARIFFS, supplementary(covered_sessions=9, sessions_used=12), NO_SETTINGS
    )
    assert (cost.reimbursed_cents, cost.own_cents) == (0, 22500)
    sessions = next(a for a in cost.assumptions if a.key == "supplementary_sessions")
    assert sessions.values == {"covered": 9, "left": 0}


def test_dutch_basic_insurance_pays_after_the_practices_number_of_sessions() -> None:
    # chronic list, the practice filled in 20 own sessions; 15 had already; 10 planned → sessions 16-20 own, 21-25
    # paid by basic insurance; the supplementary policy (3 covered, 15 used) has nothing left.
    settings = CostSettings(basic_own_sessions=20)
    policy = Policy(chronic_condition=True, has_supplementary=True, covered_sessions=3, sessions_used=15)
    cost = engine.estimate_costs("nl", {REGULAR: 10}, TARIFFS, policy, settings)
    assert (cost.first_layer_cents, cost.supplementary_cents, cost.own_cents) == (5 * 4500, 0, 5 * 4500)
    unfilled = engine.estimate_costs("nl", {REGULAR: 10}, TARIFFS, policy, NO_SETTINGS)
    assert unfilled.first_layer_cents == 0
    assert "basic_not_filled" in [a.key for a in unfilled.assumptions]


def test_a_planned_kind_without_a_tariff_is_refused_naming_it() -> None:
    with pytest.raises(InvalidInput) as refused:
        engine.estimate_costs("nl", {HOME: 2}, {REGULAR: 4500}, None, NO_SETTINGS)
    assert refused.value.field == "tariff: home_visit"


@pytest.mark.parametrize(
    ("policy", "field"),
    [
        (supplementary(percentage=Decimal("100.5")), "percentage"),
        (supplementary(percentage=Decimal("12.345")), "percentage"),
        (supplementary(cap_cents=-1), "cap"),
        (supplementary(covered_sessions=-2), "covered sessions"),
        (supplementary(sessions_used=5000), "sessions used"),
    ],
)
def test_bad_policy_values_are_refused_naming_the_field(policy: Policy, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        engine.estimate_costs("nl", {REGULAR: 1}, TARIFFS, policy, NO_SETTINGS)
    assert refused.value.field == field


@pytest.mark.parametrize(("typed", "cents"), [("45", 4500), ("45,5", 4550), ("€ 45,00", 4500), ("0.99", 99)])
def test_euros_typed_as_people_type_them(typed: str, cents: int) -> None:
    assert parse_euros(typed, "tariff") == cents


@pytest.mark.parametrize("typed", ["-45", "45,555", "4 5", "٤٥", "abc", "", "1e3"])
def test_euros_that_are_no_amount_are_refused(typed: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_euros(typed, "tariff")
    assert refused.value.field == "tariff"


def test_sessions_from_the_plan_are_a_first_visit_and_regular_sessions() -> None:
    assert dict(sessions_from_plan(6, 2)) == {FIRST: 1, REGULAR: 11}
    assert dict(sessions_from_plan(0, 2)) == {}


def test_every_assumption_has_words_and_every_rule_a_source() -> None:
    texts = engine.cost_assumption_texts()
    sources = engine.sources()
    for country in ("nl", "be"):
        for rule in engine.cost_rules(country):
            assert rule.source in sources
        cost = engine.estimate_costs(country, {REGULAR: 2}, TARIFFS, supplementary(cap_cents=100), NO_SETTINGS)
        for assumption in cost.assumptions:
            assert texts[assumption.key].get(Lang.NL).format(**assumption.values)


cents = st.integers(min_value=0, max_value=50_000)
counts = st.integers(min_value=0, max_value=40)


@given(
    country=st.sampled_from(["nl", "be"]),
    planned=st.dictionaries(st.sampled_from(list(SessionKind)), counts),
    tariffs=st.fixed_dictionaries({kind: cents for kind in SessionKind}),
    has_supplementary=st.booleans(),
    covered=st.none() | counts,
    used=counts,
    percentage=st.integers(min_value=0, max_value=10000).map(lambda n: Decimal(n) / 100),
    cap=st.none() | cents,
    cap_used=cents,
    chronic=st.booleans(),
    prescription=st.booleans(),
    own_sessions=st.none() | counts,
    shares=st.dictionaries(st.sampled_from(list(SessionKind)), cents),
)
def test_reimbursement_and_own_payment_add_up_to_the_price_and_are_never_negative(
    country: str,
    planned: dict[SessionKind, int],
    tariffs: dict[SessionKind, int],
    has_supplementary: bool,
    covered: int | None,
    used: int,
    percentage: Decimal,
    cap: int | None,
    cap_used: int,
    chronic: bool,
    prescription: bool,
    own_sessions: int | None,
    shares: dict[SessionKind, int],
) -> None:
    policy = Policy(chronic, prescription, has_supplementary, covered, percentage, cap, cap_used, used)
    settings = CostSettings(own_sessions, shares)
    cost = engine.estimate_costs(country, planned, tariffs, policy, settings)
    assert cost.first_layer_cents + cost.supplementary_cents + cost.own_cents == cost.price_cents
    assert cost.price_cents == sum(tariffs[k] * n for k, n in planned.items())
    for line in cost.lines:
        assert min(line.first_layer_cents, line.supplementary_cents, line.own_cents) >= 0
        assert line.first_layer_cents + line.supplementary_cents + line.own_cents == line.price_cents
    if cap is not None:
        assert cost.supplementary_cents <= max(cap - cap_used, 0)
    # a policy without supplementary insurance never pays less than one with it
    bare = engine.estimate_costs(
        country,
        planned,
        tariffs,
        Policy(chronic, prescription, False, covered, percentage, cap, cap_used, used),
        settings,
    )
    assert cost.own_cents <= bare.own_cents
