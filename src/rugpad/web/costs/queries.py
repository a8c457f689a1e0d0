"""Reads behind the cost pages: the practice's tariffs of a day, its reimbursement numbers, the patient's policy and
the planned sessions, turned into the engine's estimate and then into what a page shows (amounts in cents, words
in the reader's language). Each read is a fixed number of queries, whatever the practice's size or history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, Subquery
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from rugpad import engine
from rugpad.core.costs import Assumption, CostEstimate, CostRule, CostSettings, Policy, SessionKind
from rugpad.core.errors import InvalidInput
from rugpad.core.vocab import Lang
from rugpad.web.audit.log import record_read
from rugpad.web.care.models import Episode, Patient
from rugpad.web.costs.models import InsurancePolicy, PlannedSessions, PracticeCostSettings, Tariff
from rugpad.web.costs.money import euros
from rugpad.web.i18n import reader_lang
from rugpad.web.plans.models import PlanSettings, PlanVersion
from rugpad.web.practice.models import Practice

HISTORY_ROWS = 50
"""Tariff rows shown on the admin's page, newest first."""


def current_tariffs(practice_id: int, day: dt.date) -> dict[SessionKind, Tariff]:
    """Each kind's tariff holding on `day` (the latest `valid_from` not after it), in one query."""
    latest = (
        Tariff.objects.filter(practice_id=OuterRef("practice_id"), kind=OuterRef("kind"), valid_from__lte=day)
        .order_by("-valid_from")
        .values("valid_from")[:1]
    )
    rows = Tariff.objects.filter(practice_id=practice_id, valid_from=Subquery(latest))
    found = {row.kind: row for row in rows}
    return {kind: found[kind.value] for kind in SessionKind if kind.value in found}


def tariff_history(practice_id: int) -> list[Tariff]:
    return list(Tariff.objects.filter(practice_id=practice_id).order_by("-valid_from", "-id")[:HISTORY_ROWS])


def settings_row(practice_id: int) -> PracticeCostSettings | None:
    return PracticeCostSettings.objects.filter(practice_id=practice_id).first()


def core_settings(row: PracticeCostSettings | None) -> CostSettings:
    if row is None:
        return CostSettings()
    shares = {kind: getattr(row, f"share_{kind.value}_cents") for kind in SessionKind}
    return CostSettings(row.basic_own_sessions, {k: v for k, v in shares.items() if v is not None})


def policy_of(request: HttpRequest, patient: Patient) -> InsurancePolicy | None:
    """The patient's policy; its read is audited. Callers have authorised the access to `patient`."""
    policy = InsurancePolicy.objects.filter(patient=patient).first()
    if policy is not None:
        record_read(request, policy, patient_id=patient.pk, summary="insurance policy")
    return policy


def core_policy(policy: InsurancePolicy | None, today: dt.date) -> Policy | None:
    """The stored policy for the estimate; the counts of an earlier calendar year no longer count."""
    if policy is None:
        return None
    this_year = policy.year == today.year
    return Policy(
        chronic_condition=policy.chronic_condition,
        prescription=policy.prescription,
        has_supplementary=policy.has_supplementary,
        covered_sessions=policy.covered_sessions,
        percentage=Decimal(policy.percentage),
        cap_cents=policy.cap_cents,
        cap_used_cents=policy.cap_used_cents if this_year else 0,
        sessions_used=policy.sessions_used if this_year else 0,
    )


def planned_of(episode: Episode, version: PlanVersion | None) -> tuple[dict[SessionKind, int], tuple[int, int] | None]:
    """The clinician's split by kind, else the plan's weeks × sessions a week (the practice's sessions a week when
    the plan leaves it empty); empty when neither is known."""
    row = PlannedSessions.objects.filter(episode=episode).first()
    if row is not None:
        return {kind: getattr(row, kind.value) for kind in SessionKind if getattr(row, kind.value)}, None
    if version is None:
        return {}, None
    per_week = version.sessions_per_week
    if per_week is None:
        own = PlanSettings.objects.filter(practice_id=episode.patient.practice_id).values_list("sessions_per_week")
        per_week = next(iter(own), (None,))[0]
    if not per_week:
        return {}, None
    return dict(engine.sessions_from_plan(version.weeks, per_week)), (version.weeks, per_week)


@dataclass(frozen=True, slots=True)
class LineView:
    name: str
    sessions: int
    tariff_cents: int
    price_cents: int
    reimbursed_cents: int
    own_cents: int


@dataclass(frozen=True, slots=True)
class AssumptionView:
    words: str
    entered_by: str
    rule: CostRule | None


@dataclass(slots=True)
class EstimateView:
    """What the estimate card shows: the estimate's totals and lines in words, or why there is none yet."""

    estimate: CostEstimate | None = None
    lines: list[LineView] = field(default_factory=list)
    assumptions: list[AssumptionView] = field(default_factory=list)
    refusal: str = ""
    no_sessions: bool = False


def kind_name(kind: SessionKind, lang: Lang) -> str:
    return engine.session_kind_names()[kind].get(lang)


def _words(assumption: Assumption, lang: Lang) -> str:
    template = engine.cost_assumption_texts()[assumption.key].get(lang)
    values = {k: euros(int(v)) if k.endswith("_cents") else v for k, v in assumption.values.items()}
    return template.format(**values)


def estimate_view(
    episode: Episode,
    version: PlanVersion | None,
    policy: InsurancePolicy | None,
    country: str,
    today: dt.date,
    lang: Lang,
) -> EstimateView:
    """The estimate of `episode`'s planned sessions for its patient, in `lang`."""
    practice_id = episode.patient.practice_id
    planned, from_plan = planned_of(episode, version)
    if not planned:
        return EstimateView(no_sessions=True)
    tariffs = {kind: row.amount_cents for kind, row in current_tariffs(practice_id, today).items()}
    settings = core_settings(settings_row(practice_id))
    try:
        cost = engine.estimate_costs(country, planned, tariffs, core_policy(policy, today), settings, from_plan)
    except InvalidInput as refused:
        kind = refused.field.removeprefix("tariff: ")
        if kind in {k.value for k in SessionKind}:
            name = kind_name(SessionKind(kind), lang)
            message = _("The practice has no tariff yet for: %(kind)s.") % {"kind": name}
            return EstimateView(refusal=message)
        return EstimateView(refusal=str(refused))
    rules = {rule.kind: rule for rule in cost.rules}
    return EstimateView(
        estimate=cost,
        lines=[
            LineView(
                kind_name(line.kind, lang),
                line.sessions,
                line.tariff_cents,
                line.price_cents,
                line.first_layer_cents + line.supplementary_cents,
                line.own_cents,
            )
            for line in cost.lines
        ],
        assumptions=[
            AssumptionView(_words(a, lang), a.entered_by, rules.get(a.rule) if a.rule else None)
            for a in cost.assumptions
        ],
    )


def card_context(request: HttpRequest, episode: Episode, version: PlanVersion | None) -> dict[str, Any]:
    """What an estimate card shows for `episode` (authorised by the caller); the policy read is audited."""
    patient = episode.patient
    country = Practice.objects.values_list("country", flat=True).get(pk=patient.practice_id)
    policy = policy_of(request, patient)
    view = estimate_view(episode, version, policy, country, timezone.localdate(), reader_lang())
    return {"view": view, "policy": policy, "episode": episode, "patient": patient}
