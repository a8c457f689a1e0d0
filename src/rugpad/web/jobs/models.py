"""What the background jobs have sent, so that a retried or doubled job sends nothing twice, and what each patient
chose to be reminded of."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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


class ReminderKind(models.TextChoices):
    """What a reminder is about; the reminder itself never says (no clinical content leaves rugpad)."""

    EXERCISES = "exercises", _("Today's exercises")
    QUESTIONNAIRES = "questionnaires", _("Questionnaires to fill in")


DEFAULT_REMINDER_TIME = dt.time(18, 0)
"""When a patient who switches a reminder on without choosing a time is reminded (local time)."""


class ReminderSettings(models.Model):
    """One patient's choice: which reminders (both off until they switch one on) and at what time of day."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_settings")
    exercises = models.BooleanField(_("remind me of today's exercises"), default=False)
    questionnaires = models.BooleanField(_("remind me of questionnaires to fill in"), default=False)
    at = models.TimeField(_("time of day"), default=DEFAULT_REMINDER_TIME)
    updated_at = models.DateTimeField(auto_now=True)

    def wants(self, kind: str) -> bool:
        return bool(getattr(self, kind))

    def __str__(self) -> str:
        return f"reminders of user {self.user_id}"


class PushSubscription(models.Model):
    """A browser (usually the installed app on a phone) that agreed to receive push notifications for this login.
    The endpoint is the push service's address for that browser; `p256dh` and `auth` encrypt what is sent."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions")
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"push subscription {self.pk} of user {self.user_id}"


class Reminder(models.Model):
    """A reminder a patient was sent: at most one per patient, kind and (local) day — the unique row is claimed
    before anything is sent, so a doubled or retried job reminds nobody twice. The clinician's list reads these."""

    patient = models.ForeignKey("care.Patient", on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    day = models.DateField()
    sent_at = models.DateTimeField()
    by_email = models.BooleanField(default=False)
    by_push = models.BooleanField(default=False)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["patient", "kind", "day"], name="jobs_reminder_once_a_day")]
        indexes = [models.Index(fields=["sent_at"], name="jobs_reminder_recent")]

    def __str__(self) -> str:
        return f"{self.kind} reminder {self.day}"
