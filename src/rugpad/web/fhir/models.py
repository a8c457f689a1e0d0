"""What /fhir/ stores of its own: bulk-export jobs (`export.py`), and the identifiers of submitted resources, so a
retried POST files nothing twice."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class ExportJob(models.Model):
    """One `$export` of a practice: what was asked, how far it got, and the files it wrote (see `fhir.export`)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practice = models.ForeignKey("practice.Practice", on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    request_url = models.CharField(max_length=2000, help_text="The kick-off request's full URL (the manifest's).")
    base_url = models.CharField(max_length=500, help_text="The absolute /fhir base the resources refer to.")
    types = models.JSONField(help_text="The resource types asked for, in export order.")
    since = models.DateTimeField(null=True, blank=True)
    lang = models.CharField(max_length=5, default="nl")
    status = models.CharField(max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    progress = models.CharField(max_length=200, blank=True)
    output = models.JSONField(default=list, help_text='[{"type": ..., "count": ...}] per file written.')
    patients = models.PositiveIntegerField(default=0, help_text="How many patients the files hold.")
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True, help_text="The manifest's transactionTime.")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class Submission(models.Model):
    """A QuestionnaireResponse posted with an `identifier`: the same identifier (system and value) posted again in
    the same practice answers the stored response instead of filing the answers a second time."""

    practice = models.ForeignKey("practice.Practice", on_delete=models.CASCADE, related_name="+")
    system = models.CharField(max_length=200)
    value = models.CharField(max_length=200)
    response = models.OneToOneField("care.InstrumentResponse", on_delete=models.CASCADE, related_name="fhir_submission")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "system", "value"], name="fhir_submission_identifier")
        ]
