"""Every write of the costs app, each in its own transaction with its audit event. A tariff and the practice's
numbers are practice settings (no patient); a policy and the planned sessions are the patient's record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from rugpad.core.costs import SessionKind
from rugpad.web.audit.log import record
from rugpad.web.audit.models import AuditAction
from rugpad.web.care.models import Episode, Patient
from rugpad.web.costs.models import InsurancePolicy, PlannedSessions, PracticeCostSettings, Tariff
from rugpad.web.practice.models import Practice, request_user

POLICY_FIELDS = (
    "insurer",
    "policy_name",
    "chronic_condition",
    "prescription",
    "has_supplementary",
    "covered_sessions",
    "percentage",
    "cap_cents",
    "cap_used_cents",
    "sessions_used",
)
POLICY_DEFAULTS: dict[str, object] = {
    "insurer": "",
    "policy_name": "",
    "chronic_condition": False,
    "prescription": False,
    "has_supplementary": False,
    "percentage": Decimal(100),
    "cap_used_cents": 0,
    "sessions_used": 0,
}
"""What a field left out or empty means (the form leaves out the question the practice's country does not ask)."""
SETTINGS_FIELDS = (
    "basic_own_sessions",
    "share_first_visit_cents",
    "share_regular_cents",
    "share_manual_therapy_cents",
    "share_home_visit_cents",
)


@transaction.atomic
def do_set_tariff(
    request: HttpRequest, practice: Practice, kind: SessionKind, amount_cents: int, valid_from: dt.date
) -> Tariff:
    """The practice's price of `kind` from `valid_from` on; a second amount for the same day replaces the first."""
    tariff, created = Tariff.objects.update_or_create(
        practice=practice,
        kind=kind.value,
        valid_from=valid_from,
        defaults={"amount_cents": amount_cents, "created_by": request_user(request)},
    )
    action = AuditAction.CREATE if created else AuditAction.UPDATE
    record(request, action, tariff, summary=f"tariff {kind.value}: {amount_cents} cents from {valid_from}")
    return tariff


@transaction.atomic
def do_save_cost_settings(request: HttpRequest, practice: Practice, values: Mapping[str, int | None]) -> None:
    own, _created = PracticeCostSettings.objects.get_or_create(practice=practice)
    for name in SETTINGS_FIELDS:
        if name in values:  # a field of the other country's form is left as it was
            setattr(own, name, values[name])
    own.updated_by = request_user(request)
    own.save()
    record(request, AuditAction.UPDATE, own, summary="practice reimbursement numbers changed")


@transaction.atomic
def do_save_policy(
    request: HttpRequest, patient: Patient, values: Mapping[str, str | bool | int | Decimal | None]
) -> InsurancePolicy:
    """The patient's policy for this calendar year (entered by the patient or a clinician of their practice)."""
    policy = InsurancePolicy.objects.filter(patient=patient).first()
    created = policy is None
    policy = policy or InsurancePolicy(patient=patient)
    for name in POLICY_FIELDS:
        value = values.get(name)
        setattr(policy, name, POLICY_DEFAULTS.get(name) if value is None else value)
    policy.year = timezone.localdate().year
    policy.updated_by = request_user(request)
    policy.save()
    action = AuditAction.CREATE if created else AuditAction.UPDATE
    record(request, action, policy, patient_id=patient.pk, summary="insurance policy saved")
    return policy


@transaction.atomic
def do_save_planned_sessions(request: HttpRequest, episode: Episode, counts: Mapping[SessionKind, int]) -> None:
    planned, created = PlannedSessions.objects.get_or_create(episode=episode)
    for kind in SessionKind:
        setattr(planned, kind.value, counts.get(kind, 0))
    planned.updated_by = request_user(request)
    planned.save()
    action = AuditAction.CREATE if created else AuditAction.UPDATE
    record(request, action, planned, patient_id=episode.patient_id, summary="planned sessions for the cost estimate")
