"""What a course of treatment costs the patient: an estimate from the plan's sessions, the practice's tariffs, the
country's reimbursement rules and the patient's own policy.

Money is whole cents (`int`) throughout; a percentage is a `Decimal` and each session's share is rounded half up
to a cent once. So an estimate is exact: reimbursement + own payment = price, to the cent, and nothing is negative.

Each session of the plan is priced in turn (first visits, then regular, manual therapy and home visits), counting
on from the sessions already had this calendar year:

    price ──► first layer: NL basic insurance (chronic-conditions list only) or BE statutory (with a prescription)
          ──► what is left ──► supplementary policy (covered sessions a year, a percentage, a yearly cap)
          ──► what is left is the patient's own payment

No figure here is a sourced fact: how many sessions the Dutch basic insurance leaves to the patient and the Belgian
patient's share per session are numbers the practice fills in; until it does, that layer is not counted (the
estimate stays on the safe side: a higher own payment) and an assumption says so. Every assumption names its
reimbursement rule (and through it the rule's source and evidence marker, from the content) or says the number
was entered by the practice or the patient.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from types import MappingProxyType

from rugpad.core.errors import InvalidInput
from rugpad.core.text import Text
from rugpad.core.vocab import Country, Evidence

__all__ = [
    "ASSUMPTION_VALUES",
    "MAX_CENTS",
    "MAX_SESSIONS",
    "Assumption",
    "CostEstimate",
    "CostLine",
    "CostRule",
    "CostSettings",
    "Country",
    "Policy",
    "RuleKind",
    "SessionKind",
    "estimate",
    "parse_euros",
    "sessions_from_plan",
]


class SessionKind(StrEnum):
    """The kinds of session a practice prices separately, in the order they are counted."""

    FIRST_VISIT = "first_visit"
    REGULAR = "regular"
    MANUAL_THERAPY = "manual_therapy"
    HOME_VISIT = "home_visit"


class RuleKind(StrEnum):
    """The reimbursement rules rugpad knows how to apply; which apply in a country is content."""

    NL_BASIC_CHRONIC = "nl_basic_chronic"
    """NL basic insurance: physiotherapy for a condition on the chronic-conditions list only."""
    BE_STATUTORY = "be_statutory"
    """BE statutory reimbursement (RIZIV/INAMI) with a prescription; the patient pays their own share."""
    SUPPLEMENTARY = "supplementary"
    """A supplementary policy: a number of sessions a year, a percentage, a yearly cap."""


MAX_CENTS = 100_000_000
"""The largest amount rugpad takes (one million euros): beyond any tariff or cap, and far inside an integer."""
MAX_SESSIONS = 1_000
"""The most sessions of one kind, or in a year, that an estimate takes."""

ASSUMPTION_VALUES: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "order": frozenset(),
        "sessions_from_plan": frozenset({"weeks", "per_week", "sessions"}),
        "sessions_entered": frozenset({"sessions"}),
        "tariffs_practice": frozenset(),
        "no_policy": frozenset(),
        "policy_entered": frozenset(),
        "used_this_year": frozenset({"used"}),
        "basic_not_chronic": frozenset(),
        "basic_not_filled": frozenset(),
        "basic_own_sessions": frozenset({"own_sessions"}),
        "deductible_not_counted": frozenset(),
        "statutory_no_prescription": frozenset(),
        "statutory_share_not_filled": frozenset(),
        "statutory_share": frozenset(),
        "supplementary_none": frozenset(),
        "supplementary_sessions": frozenset({"covered", "left"}),
        "supplementary_unlimited": frozenset(),
        "supplementary_percentage": frozenset({"percent"}),
        "supplementary_cap": frozenset({"cap_cents", "cap_left_cents"}),
    }
)
"""Every assumption the estimate can state, with the values its text fills in (names ending in ``_cents`` are
amounts). The words are content (``data/costs/assumptions.yaml``), checked against this list when loaded."""


@dataclass(frozen=True, slots=True)
class CostRule:
    """A reimbursement rule of a country, as the content describes it (name, explanation, source, evidence)."""

    kind: RuleKind
    country: Country
    name: Text
    explanation: Text
    source: str
    evidence: Evidence
    practice_fills: tuple[str, ...] = ()
    """The `CostSettings` fields the practice must fill in before the rule is counted."""


@dataclass(frozen=True, slots=True)
class CostSettings:
    """The numbers the practice fills in where no source gives them (None or absent: not filled in)."""

    basic_own_sessions: int | None = None
    """NL basic insurance, chronic list: the sessions of a calendar year the patient pays before it pays."""
    statutory_share_cents: Mapping[SessionKind, int] = field(default_factory=dict)
    """BE statutory: the patient's own share per session, per kind of session."""


@dataclass(frozen=True, slots=True)
class Policy:
    """The patient's own insurance, as the patient or clinician entered it, for the current calendar year."""

    chronic_condition: bool = False
    """NL: the condition is on the basic insurance's chronic-conditions list."""
    prescription: bool = False
    """BE: the treatment is prescribed (needed for the statutory reimbursement)."""
    has_supplementary: bool = False
    covered_sessions: int | None = None
    """Sessions a year the supplementary policy pays for; None: no limit on the number."""
    percentage: Decimal = Decimal(100)
    """The share of each session's remaining price the supplementary policy pays, 0–100."""
    cap_cents: int | None = None
    """The most the supplementary policy pays in a calendar year; None: no cap."""
    cap_used_cents: int = 0
    """What the supplementary policy already paid this year."""
    sessions_used: int = 0
    """Sessions already had this calendar year (they count against the covered sessions and the basic insurance's
    first sessions)."""


@dataclass(frozen=True, slots=True)
class Assumption:
    """One thing the estimate takes for granted, for the reader: its words are content keyed by `key`."""

    key: str
    values: Mapping[str, int | str] = field(default_factory=dict)
    rule: RuleKind | None = None
    """The reimbursement rule it belongs to (its source and evidence are the rule's); None: rugpad's own."""
    entered_by: str = ""
    """"practice" or "patient" when the number was entered rather than sourced."""


@dataclass(frozen=True, slots=True)
class CostLine:
    kind: SessionKind
    sessions: int
    tariff_cents: int
    price_cents: int
    first_layer_cents: int
    supplementary_cents: int
    own_cents: int


@dataclass(frozen=True, slots=True)
class CostEstimate:
    country: Country
    lines: tuple[CostLine, ...]
    sessions: int
    price_cents: int
    first_layer_cents: int
    """Basic insurance (NL) or statutory reimbursement (BE)."""
    supplementary_cents: int
    own_cents: int
    assumptions: tuple[Assumption, ...]
    rules: tuple[CostRule, ...]

    @property
    def reimbursed_cents(self) -> int:
        return self.first_layer_cents + self.supplementary_cents


# ---- input -----------------------------------------------------------------------------------------------------

_EUROS = re.compile(r"(?:€\s*)?([0-9]{1,7})(?:[.,]([0-9]{1,2}))?")


def parse_euros(raw: str, field_name: str) -> int:
    """An amount typed as euros ("45", "45,50", "€ 45.5") in cents; ASCII digits, at most two decimals, not
    negative, at most `MAX_CENTS`."""
    match = _EUROS.fullmatch(raw.strip())
    if match is None:
        raise InvalidInput(field_name, "type an amount in euros, e.g. 45,00")
    cents = int(match.group(1)) * 100 + int((match.group(2) or "0").ljust(2, "0"))
    return _cents(cents, field_name)


def _cents(value: int, field_name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_CENTS:
        raise InvalidInput(field_name, f"must be a whole number of cents from 0 to {MAX_CENTS}")
    return value


def _count(value: int, field_name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SESSIONS:
        raise InvalidInput(field_name, f"must be a whole number from 0 to {MAX_SESSIONS}")
    return value


def _percentage(value: Decimal) -> Decimal:
    try:
        ok = value.is_finite() and Decimal(0) <= value <= Decimal(100) and value == value.quantize(Decimal("0.01"))
    except (InvalidOperation, AttributeError):
        ok = False
    if not ok:
        raise InvalidInput("percentage", "must be a number from 0 to 100 with at most two decimals")
    return value


def sessions_from_plan(weeks: int, per_week: int) -> Mapping[SessionKind, int]:
    """The sessions a plan of `weeks` weeks with `per_week` supervised sessions a week implies when the clinician
    has not split them by kind: the first one a first visit, the rest regular sessions."""
    total = _count(weeks, "weeks") * _count(per_week, "sessions per week")
    if total == 0:
        return MappingProxyType({})
    return MappingProxyType({SessionKind.FIRST_VISIT: 1, SessionKind.REGULAR: total - 1})


# ---- the estimate ----------------------------------------------------------------------------------------------


def _share(amount: int, percentage: Decimal) -> int:
    return int((Decimal(amount) * percentage / Decimal(100)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(slots=True)
class _Supplementary:
    """What is left of the supplementary policy while the sessions are priced one by one."""

    policy: Policy
    slots_used: int
    cap_left: int | None

    def pays(self, rest: int) -> int:
        policy = self.policy
        if rest <= 0 or not policy.has_supplementary:
            return 0
        if policy.covered_sessions is not None and self.slots_used >= policy.covered_sessions:
            return 0
        self.slots_used += 1
        amount = _share(rest, policy.percentage)
        if self.cap_left is not None:
            amount = min(amount, self.cap_left)
            self.cap_left -= amount
        return amount


def _check(
    planned: Mapping[SessionKind, int], tariffs: Mapping[SessionKind, int], policy: Policy, settings: CostSettings
) -> None:
    for kind, count in planned.items():
        _count(count, f"sessions: {kind.value}")
        if count and kind not in tariffs:
            raise InvalidInput(f"tariff: {kind.value}", "the practice has no tariff for this kind of session")
    for kind, cents in tariffs.items():
        _cents(cents, f"tariff: {kind.value}")
    if sum(planned.values()) > MAX_SESSIONS:
        raise InvalidInput("sessions", f"at most {MAX_SESSIONS} sessions in all")
    _count(policy.sessions_used, "sessions used")
    if policy.covered_sessions is not None:
        _count(policy.covered_sessions, "covered sessions")
    if policy.cap_cents is not None:
        _cents(policy.cap_cents, "cap")
    _cents(policy.cap_used_cents, "cap used")
    _percentage(policy.percentage)
    if settings.basic_own_sessions is not None:
        _count(settings.basic_own_sessions, "basic own sessions")
    for kind, cents in settings.statutory_share_cents.items():
        _cents(cents, f"statutory share: {kind.value}")


def _first_layer(
    country: Country, kind: SessionKind, number_in_year: int, price: int, policy: Policy, settings: CostSettings
) -> int:
    """What the basic insurance (NL) or the statutory reimbursement (BE) pays for one session."""
    if country is Country.NL:
        own = settings.basic_own_sessions
        return price if policy.chronic_condition and own is not None and number_in_year > own else 0
    share = settings.statutory_share_cents.get(kind)
    return max(price - share, 0) if policy.prescription and share is not None else 0


def _assumptions(
    country: Country,
    planned: Mapping[SessionKind, int],
    planned_from: Assumption,
    policy: Policy | None,
    settings: CostSettings,
    supp: _Supplementary,
) -> list[Assumption]:
    said = [Assumption("order"), planned_from, Assumption("tariffs_practice", entered_by="practice")]
    if policy is None:
        return [*said, Assumption("no_policy")]
    said += [Assumption("policy_entered", entered_by="patient")]
    if policy.sessions_used:
        said.append(Assumption("used_this_year", {"used": policy.sessions_used}, entered_by="patient"))
    if country is Country.NL:
        basic = RuleKind.NL_BASIC_CHRONIC
        if not policy.chronic_condition:
            said.append(Assumption("basic_not_chronic", rule=basic))
        elif settings.basic_own_sessions is None:
            said.append(Assumption("basic_not_filled", rule=basic))
        else:
            own = {"own_sessions": settings.basic_own_sessions}
            said += [
                Assumption("basic_own_sessions", own, rule=basic, entered_by="practice"),
                Assumption("deductible_not_counted", rule=basic),
            ]
    else:
        statutory = RuleKind.BE_STATUTORY
        if not policy.prescription:
            said.append(Assumption("statutory_no_prescription", rule=statutory))
        else:
            shares = settings.statutory_share_cents
            if any(kind in shares for kind in planned):
                said.append(Assumption("statutory_share", rule=statutory, entered_by="practice"))
            if any(kind not in shares for kind in planned):
                said.append(Assumption("statutory_share_not_filled", rule=statutory))
    said += _supplementary_assumptions(policy, supp)
    return said


def _supplementary_assumptions(policy: Policy, supp: _Supplementary) -> list[Assumption]:
    rule = RuleKind.SUPPLEMENTARY
    if not policy.has_supplementary:
        return [Assumption("supplementary_none", rule=rule)]
    said: list[Assumption] = []
    if policy.covered_sessions is None:
        said.append(Assumption("supplementary_unlimited", rule=rule, entered_by="patient"))
    else:
        left = max(policy.covered_sessions - policy.sessions_used, 0)
        values = {"covered": policy.covered_sessions, "left": left}
        said.append(Assumption("supplementary_sessions", values, rule=rule, entered_by="patient"))
    if policy.percentage != 100:
        percent = f"{policy.percentage.normalize():f}"
        said.append(Assumption("supplementary_percentage", {"percent": percent}, rule=rule, entered_by="patient"))
    if policy.cap_cents is not None:
        left_cents = max(policy.cap_cents - policy.cap_used_cents, 0)
        values = {"cap_cents": policy.cap_cents, "cap_left_cents": left_cents}
        said.append(Assumption("supplementary_cap", values, rule=rule, entered_by="patient"))
    return said


def estimate(
    country: Country,
    planned: Mapping[SessionKind, int],
    tariffs: Mapping[SessionKind, int],
    policy: Policy | None,
    settings: CostSettings,
    rules: tuple[CostRule, ...],
    *,
    from_plan: tuple[int, int] | None = None,
) -> CostEstimate:
    """The estimate for the `planned` sessions (kind → count). `from_plan` is (weeks, sessions a week) when the
    counts were derived from the plan rather than entered. A planned kind without a tariff is refused
    (`InvalidInput` naming ``tariff: <kind>``); without a policy nothing is reimbursed."""
    own_policy = policy or Policy()
    _check(planned, tariffs, own_policy, settings)
    cap_left = None
    if own_policy.cap_cents is not None:
        cap_left = max(own_policy.cap_cents - own_policy.cap_used_cents, 0)
    supp = _Supplementary(own_policy, own_policy.sessions_used, cap_left)
    lines: list[CostLine] = []
    number = own_policy.sessions_used
    for kind in SessionKind:
        count = planned.get(kind, 0)
        if not count:
            continue
        tariff = tariffs[kind]
        first = supplementary = 0
        for _session in range(count):
            number += 1
            layer = _first_layer(country, kind, number, tariff, own_policy, settings) if policy else 0
            first += layer
            supplementary += supp.pays(tariff - layer) if policy else 0
        price = tariff * count
        lines.append(CostLine(kind, count, tariff, price, first, supplementary, price - first - supplementary))
    sessions = sum(line.sessions for line in lines)
    if from_plan is not None:
        values = {"weeks": from_plan[0], "per_week": from_plan[1], "sessions": sessions}
        planned_from = Assumption("sessions_from_plan", values)
    else:
        planned_from = Assumption("sessions_entered", {"sessions": sessions})
    return CostEstimate(
        country=country,
        lines=tuple(lines),
        sessions=sessions,
        price_cents=sum(line.price_cents for line in lines),
        first_layer_cents=sum(line.first_layer_cents for line in lines),
        supplementary_cents=sum(line.supplementary_cents for line in lines),
        own_cents=sum(line.own_cents for line in lines),
        assumptions=tuple(
            _assumptions(country, {k: n for k, n in planned.items() if n}, planned_from, policy, settings, supp)
        ),
        rules=tuple(rule for rule in rules if rule.country is country),
    )
