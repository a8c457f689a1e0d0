"""What rugpad keeps of CDS Hooks traffic: each authenticated call (which also makes a token's `jti` single-use)
and the clinicians' feedback on its cards. No patient of rugpad is involved: the patient lives in the caller's
system, and rugpad stores none of their data — only who asked, which service, and how many cards it answered."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CdsCall(models.Model):
    """One authenticated request to a CDS service or its feedback endpoint. The unique (issuer, jti) pair is the
    replay check: a second request with the same token fails to insert, in every worker process alike."""

    at = models.DateTimeField(_("when"), auto_now_add=True)
    issuer = models.CharField(_("issuer"), max_length=300)
    subject = models.CharField(_("client"), max_length=300)
    jti = models.CharField(max_length=200)
    expires_at = models.DateTimeField()
    """The token's `exp`: a replay is impossible after it anyway, so rows older than this may be pruned."""
    service = models.CharField(_("service"), max_length=100)
    hook_instance = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "jti"], name="cdshooks_call_jti_once")]

    def __str__(self) -> str:
        return f"{self.service} by {self.subject}"


class FeedbackOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("accepted")
    OVERRIDDEN = "overridden", _("overridden")


class CdsFeedback(models.Model):
    """What a clinician did with one card: accepted it (which suggestions) or overrode it (and why)."""

    call = models.ForeignKey(CdsCall, on_delete=models.PROTECT, related_name="feedback")
    card = models.CharField(_("card"), max_length=100)
    outcome = models.CharField(_("outcome"), max_length=20, choices=FeedbackOutcome.choices)
    outcome_at = models.DateTimeField(_("outcome time"))
    accepted_suggestions = models.JSONField(default=list, blank=True)
    override_system = models.CharField(max_length=300, blank=True)
    override_code = models.CharField(max_length=100, blank=True)
    override_display = models.CharField(max_length=300, blank=True)
    user_comment = models.CharField(max_length=2000, blank=True)

    def __str__(self) -> str:
        return f"{self.card}: {self.outcome}"
