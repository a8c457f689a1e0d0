"""What a course of treatment costs: the practice's tariffs and the numbers it fills in where no source gives them,
the patient's own insurance policy, and the sessions a plan counts per kind.

Amounts are whole cents (never floats). A tariff is never edited: a new amount is a new row with the date it
holds from, so the price list of any day can be read back. Kinds of session are `core.costs.SessionKind` values;
their words are content (`engine.session_kind_names`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Tariff(models.Model):
    """The practice's price of one kind of session from `valid_from` on (until a later row of the same kind)."""

    practice = models.ForeignKey("practice.Practice", on_delete=models.CASCADE, related_name="tariffs")
    kind = models.CharField(_("kind of session"), max_length=20)
    amount_cents = models.PositiveIntegerField(_("amount"))
    valid_from = models.DateField(_("valid from"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "-valid_from", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "kind", "valid_from"], name="costs_tariff_once_a_day"),
        ]


class PracticeCostSettings(models.Model):
    """The numbers the reimbursement rules need that no source gives: the practice fills them in (empty: the rule
    is not counted, and the estimate says so)."""

    practice = models.OneToOneField("practice.Practice", on_delete=models.CASCADE, related_name="cost_settings")
    basic_own_sessions = models.PositiveSmallIntegerField(null=True, blank=True)
    share_first_visit_cents = models.PositiveIntegerField(null=True, blank=True)
    share_regular_cents = models.PositiveIntegerField(null=True, blank=True)
    share_manual_therapy_cents = models.PositiveIntegerField(null=True, blank=True)
    share_home_visit_cents = models.PositiveIntegerField(null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)


class InsurancePolicy(models.Model):
    """The patient's own insurance for `year`, as the patient or a clinician entered it. The counts of sessions
    and money used belong to that calendar year; in a later year they are read as zero."""

    patient = models.OneToOneField("care.Patient", on_delete=models.CASCADE, related_name="insurance_policy")
    year = models.PositiveSmallIntegerField()
    insurer = models.CharField(_("insurer"), max_length=100, blank=True)
    policy_name = models.CharField(_("policy"), max_length=100, blank=True)
    chronic_condition = models.BooleanField(default=False)
    prescription = models.BooleanField(default=False)
    has_supplementary = models.BooleanField(default=False)
    covered_sessions = models.PositiveSmallIntegerField(null=True, blank=True)
    percentage = models.DecimalField(max_digits=5, decimal_places=2, default=100)
    cap_cents = models.PositiveIntegerField(null=True, blank=True)
    cap_used_cents = models.PositiveIntegerField(default=0)
    sessions_used = models.PositiveSmallIntegerField(default=0)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)


class PlannedSessions(models.Model):
    """The clinician's split of an episode's planned sessions by kind; without it the plan's weeks × sessions a
    week count (one first visit, the rest regular sessions)."""

    episode = models.OneToOneField("care.Episode", on_delete=models.CASCADE, related_name="planned_sessions")
    first_visit = models.PositiveSmallIntegerField(default=0)
    regular = models.PositiveSmallIntegerField(default=0)
    manual_therapy = models.PositiveSmallIntegerField(default=0)
    home_visit = models.PositiveSmallIntegerField(default=0)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
