"""The patient portal: invitations to an account, the patient's diary, alerts for the clinician, messages.

Diary entries are history, never overwritten: an edit is a new version row (`version` + 1) and the earlier row is
marked `current=False`; only the time window of the first version decides whether an entry may still be edited.
Alerts come from the engine (a red-flag answer in the diary is triaged) or the core's trend rules; a clinician
acknowledges them, after which they leave the dashboard.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rugpad.core.trends import ExercisesDone


class Invitation(models.Model):
    """A one-time link for a patient to create their account. Only a SHA-256 digest of the token is stored."""

    patient = models.ForeignKey("care.Patient", on_delete=models.CASCADE, related_name="invitations")
    digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    emailed_to = models.EmailField(blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True, help_text="Set when a newer invitation replaces it.")

    class Meta:
        ordering = ["-created_at", "-id"]


class ExercisesChoice(models.TextChoices):
    YES = ExercisesDone.YES.value, _("Yes, all")
    PARTLY = ExercisesDone.PARTLY.value, _("Partly")
    NO = ExercisesDone.NO.value, _("No")


class MedicationChoice(models.TextChoices):
    NONE = "none", _("None taken")
    USUAL = "usual", _("As usual")
    MORE = "more", _("More than usual")


class DiaryEntry(models.Model):
    """One diary entry (a day or an exercise session), as one version; see the module docstring for history."""

    patient = models.ForeignKey("care.Patient", on_delete=models.CASCADE, related_name="diary_entries")
    episode = models.ForeignKey("care.Episode", on_delete=models.SET_NULL, null=True, related_name="diary_entries")
    original = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="versions", help_text="First version."
    )
    version = models.PositiveSmallIntegerField(default=1)
    current = models.BooleanField(default=True)
    opened_at = models.DateTimeField(help_text="When the first version was saved; the edit window runs from here.")
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    key = models.UUIDField(
        null=True,
        blank=True,
        unique=True,
        help_text="Made by the patient's phone for this save: the same key again (a double tap, an offline queue "
        "sent twice) answers the stored entry and stores nothing.",
    )

    day = models.DateField(_("day"))
    pain_now = models.PositiveSmallIntegerField(_("pain now"))
    pain_exercise = models.PositiveSmallIntegerField(_("pain during or after exercise"), null=True, blank=True)
    pain_next_morning = models.PositiveSmallIntegerField(_("pain the next morning"), null=True, blank=True)
    exercises = models.CharField(_("exercises done"), max_length=10, choices=ExercisesChoice.choices, blank=True)
    minutes_walked = models.PositiveSmallIntegerField(_("minutes walked"), null=True, blank=True)
    sleep_quality = models.PositiveSmallIntegerField(_("sleep quality"), null=True, blank=True)
    medication = models.CharField(_("pain medication"), max_length=10, choices=MedicationChoice.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    alarms = models.JSONField(default=list, blank=True, help_text="Ids of the alarm questions answered yes.")
    alarm_payloads = models.JSONField(default=list, blank=True, help_text="What was sent to the triage.")
    alarm_urgency = models.CharField(max_length=20, blank=True)
    alarm_flags = models.JSONField(
        default=list, blank=True, help_text="Ids of the red-flag rules the answers raised, most urgent first."
    )

    class Meta:
        ordering = ["-day", "-opened_at", "-version"]
        indexes = [models.Index(fields=["patient", "current", "day"])]

    @property
    def first(self) -> DiaryEntry:
        return self.original or self


class AlertKind(models.TextChoices):
    ALARM = "alarm", _("Alarm answer")
    TREND = "trend", _("Worsening trend")


class Alert(models.Model):
    """Something in the diary a clinician must see: a red flag (from the triage) or a trend (from the core)."""

    patient = models.ForeignKey("care.Patient", on_delete=models.CASCADE, related_name="portal_alerts")
    kind = models.CharField(max_length=10, choices=AlertKind.choices)
    rule_id = models.CharField(max_length=60, help_text="Red-flag rule id or trend rule id.")
    urgency = models.CharField(max_length=20, help_text="The triage's urgency; 'none' for a trend.")
    detail = models.JSONField(default=dict, help_text="Alarm: the triage payloads; trend: value, threshold, since.")
    entry = models.ForeignKey(DiaryEntry, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["acknowledged_at", "-created_at", "-id"]
        indexes = [models.Index(fields=["acknowledged_at", "created_at"], name="portal_alert_open")]


class Message(models.Model):
    """One message of an episode's thread, between the patient and the practice's clinicians who treat the episode.

    A clinician's note written when acknowledging an alert is a message of the thread too (`alert` set). Read status
    is kept per side: `read_at` is when the other side first read it (the patient for a clinician's message, any
    clinician of the practice for the patient's). `alarm_terms` are the alarm questions whose words a patient's
    message names: the patient is shown when to contact whom; nothing is triaged from free text."""

    patient = models.ForeignKey("care.Patient", on_delete=models.CASCADE, related_name="portal_messages")
    practice = models.ForeignKey(
        "practice.Practice",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # `portal_message_practice_unread` holds what is read by it
        help_text="The patient's practice, repeated here so that the practice's unread messages are one index range.",
    )
    episode = models.ForeignKey(
        "care.Episode",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="portal_messages",
        help_text="The thread; empty only for a note to a patient who had no episode yet.",
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    from_patient = models.BooleanField(default=False, help_text="Written by the patient (else by a clinician).")
    body = models.TextField(_("message"))
    alert = models.ForeignKey(Alert, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True, help_text="When the other side first read it.")
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    alarm_terms = models.JSONField(
        default=list, blank=True, help_text="Alarm questions whose words the patient's message names (not triaged)."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["episode", "id"], name="portal_message_thread"),
            # what is unread is few rows of many: the counts and the dashboard's list read only these
            models.Index(
                fields=["patient", "from_patient"], condition=Q(read_at__isnull=True), name="portal_message_unread"
            ),
            # the dashboard's count: the practice's unread messages from patients, without walking its patients
            models.Index(
                fields=["practice", "from_patient", "episode"],
                condition=Q(read_at__isnull=True),
                name="portal_message_practice_unread",
            ),
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.practice_id is None:
            self.practice_id = self.patient.practice_id
        super().save(*args, **kwargs)
