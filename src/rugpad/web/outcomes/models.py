"""Outcome records: education read by the patient, consent to share the GP report, and the reports themselves.

Scheduled questionnaires need no model of their own: they are `care.InstrumentResponse` rows with `moment` set to
the schedule's key, so the questionnaire flow and its audit trail stay in one place.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class EducationAssignment(models.Model):
    """One education module given to one patient in one episode; `read_at` is set when they mark it read."""

    episode = models.ForeignKey("care.Episode", on_delete=models.CASCADE, related_name="education")
    module_id = models.CharField(max_length=80)
    order = models.PositiveSmallIntegerField(default=0)
    assigned_at = models.DateTimeField(auto_now_add=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["order", "module_id"]
        constraints = [models.UniqueConstraint(fields=["episode", "module_id"], name="one_assignment_per_module")]


class ConsentDecision(models.TextChoices):
    GIVEN = "given", _("Consent given")
    REFUSED = "refused", _("Consent refused")
    WITHDRAWN = "withdrawn", _("Consent withdrawn")


class ConsentMethod(models.TextChoices):
    VERBAL = "verbal", _("Verbally, during a session")
    WRITTEN = "written", _("In writing (signed form)")
    DIGITAL = "digital", _("Digitally (e-mail or portal)")


class ReportConsent(models.Model):
    """The patient's answer to "may we send a report to your GP?" (KNGF record keeping; WGBO art. 457).

    History is kept: the latest row counts, so a withdrawal after an earlier consent blocks sending again.
    """

    episode = models.ForeignKey("care.Episode", on_delete=models.CASCADE, related_name="report_consents")
    decision = models.CharField(_("decision"), max_length=10, choices=ConsentDecision.choices)
    method = models.CharField(_("how it was asked"), max_length=10, choices=ConsentMethod.choices)
    given_by = models.CharField(
        _("who answered"), max_length=200, help_text=_("The patient, or their legal representative (name).")
    )
    recipient = models.CharField(_("report may go to"), max_length=200, help_text=_("The GP or referrer."))
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]


class ReportKind(models.TextChoices):
    INTERIM = "interim", _("Interim report")
    DISCHARGE = "discharge", _("Discharge report")


class GpReport(models.Model):
    """A letter to the GP as generated at one moment: its content is frozen (JSON + PDF) and never regenerated."""

    episode = models.ForeignKey("care.Episode", on_delete=models.CASCADE, related_name="gp_reports")
    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices)
    lang = models.CharField(max_length=2, default="nl")
    content = models.JSONField()
    pdf = models.BinaryField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    exported_at = models.DateTimeField(null=True, blank=True)
    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]


class EpisodeOutcome(models.Model):
    """One row per episode: what the practice outcome dashboard counts of it, kept by the actions that change it.

    Written only by `outcomes.summary` — in the same transaction as the record that changes it (a questionnaire, a
    triage, a discharge, a red flag's confirmation, a plan version, an exercise result), so it is never behind;
    `manage.py rebuild_outcome_summary` (and the migration 0003) recompute it from the records. Nothing here
    is decided by the dashboard: the changes' importance and the responder are the engine's (`judge_changes`)."""

    episode = models.OneToOneField("care.Episode", on_delete=models.CASCADE, primary_key=True, related_name="outcome")
    practice = models.ForeignKey("practice.Practice", on_delete=models.CASCADE, related_name="+", db_index=False)
    patient = models.ForeignKey("care.Patient", on_delete=models.CASCADE, related_name="+", db_index=False)
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", db_index=False
    )
    """The patient's treating clinician."""
    region = models.CharField(max_length=20)
    profile = models.CharField(max_length=10, blank=True)
    """The newest triage's profile ('' when none)."""
    started_on = models.DateField()
    is_open = models.BooleanField()
    closed_at = models.DateTimeField(null=True)
    """The (latest) discharge report, or the doctor's confirmation of a red flag; NULL while open or unknown."""
    referred_at = models.DateTimeField(null=True)
    """The first confirmation of a red flag by the doctor (the patient was referred)."""
    end_measured = models.BooleanField()
    """A questionnaire of an end-of-treatment moment was completed."""
    last_contact_at = models.DateTimeField(null=True)
    """The latest questionnaire completed or guided exercise session started."""
    plan = models.ForeignKey("plans.TreatmentPlan", on_delete=models.SET_NULL, null=True, related_name="+")
    plan_from = models.DateField(null=True)
    """The start of the plan's current version (NULL without a plan)."""
    plan_days = models.PositiveIntegerField(null=True)
    """Exercise-days a week the current version plans (each exercise's days a week; every day when none given)."""
    done = models.PositiveIntegerField(default=0)
    """Exercises done (not skipped) of the plan from `plan_from` on."""
    done_until = models.DateTimeField(null=True)
    """The latest of those."""
    changes = models.CharField(max_length=200, blank=True)
    """Each judged instrument's importance ('nprs=I,odi=N': I improved, W worsened, N not important), from its first
    and latest completed score (two at least), in the engine's instrument order."""
    responder = models.CharField(max_length=1, blank=True)
    """Y, N, or '' when it cannot be judged yet."""
    judged_until = models.DateTimeField(null=True)
    """When the latest of those scores was completed: a period ending before it is judged from its own scores."""
    patient_episodes = models.PositiveIntegerField(default=1)
    """How many episodes the patient has: an episode of a patient with one alone is one patient wherever it is
    counted, so only the others need counting distinct patients."""

    class Meta:
        indexes = [
            models.Index(fields=["practice", "started_on"], name="outcome_practice_started"),
            models.Index(fields=["practice", "judged_until"], name="outcome_practice_judged"),
            models.Index(fields=["practice", "patient"], name="outcome_practice_patient"),
            models.Index(
                fields=["practice", "started_on"], name="outcome_practice_repeat", condition=Q(patient_episodes__gt=1)
            ),
            # the aftercare page's recent discharges, newest first: a walk that stops at the page's end
            models.Index(
                fields=["practice", "-closed_at"],
                name="outcome_practice_discharged",
                condition=Q(is_open=False, referred_at__isnull=True),
            ),
        ]


class PracticeFigures(models.Model):
    """The practice outcome dashboard's figures of one period, as computed on `computed_on`: the page reads them
    instead of counting every episode of the period again (seconds in a practice of a hundred thousand patients).
    Figures of an earlier day are computed again on the first view; a nightly job computes the default period
    before anyone asks, and the page's button recomputes on demand. Aggregates only: no patient in them."""

    practice = models.ForeignKey("practice.Practice", on_delete=models.CASCADE, related_name="+")
    start = models.DateField()
    end = models.DateField()
    computed_on = models.DateField()
    computed_at = models.DateTimeField()
    groups = models.JSONField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["practice", "start", "end"], name="one_figures_per_period")]
