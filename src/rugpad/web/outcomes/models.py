"""Outcome records: education read by the patient, consent to share the GP report, and the reports themselves.

Scheduled questionnaires need no model of their own: they are `care.InstrumentResponse` rows with `moment` set to
the schedule's key, so the questionnaire flow and its audit trail stay in one place.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
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
