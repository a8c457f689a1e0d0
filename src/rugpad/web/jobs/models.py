"""What the background jobs have sent, so that a retried or doubled job sends nothing twice."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Delivery(models.Model):
    """One notification sent (or being sent) under a key that names what it is for, e.g.
    ``message:42:to:7`` or ``reminder:exercises:patient:5:2026-12-02``. The unique key is the idempotency guard."""

    key = models.CharField(max_length=200, unique=True)
    channel = models.CharField(max_length=20)  # "email" or "push"
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["recipient", "sent_at"], name="jobs_delivery_recipient")]

    def __str__(self) -> str:
        return self.key
