"""Group programmes: an exercise programme a clinician sets for a group of people (an employer's staff, a sports
club's members) who are enrolled without a care episode.

    ExerciseGroup ──< GroupExercise            the programme: library exercises with exact doses
          │
          └──< Participant ──< GroupSession ──< GroupEntry     what a participant did (done or skipped, no pain)
                    │
                    └──< GroupReminder        one reminder a day at most

A participant is not a patient: no `care.Patient`, no episode, no triage, nothing clinical is asked or kept. They
are a first name or nickname and an e-mail address, invited by a one-time link (only its SHA-256 digest is stored,
made by the job that mails it, as the practice app's staff invitations are), and after joining a login of their
own with the role `participant`. Leaving the group deletes the participant and everything they did; the login
stays deactivated and emptied (audit events name it and cannot be deleted).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rugpad.core.exercises import Dose, DoseKind
from rugpad.web.plans.specs import DOSE_FIELDS


class GroupKind(models.TextChoices):
    EMPLOYER = "employer", _("Employer")
    SPORTS_CLUB = "sports_club", _("Sports club")


class ExerciseGroup(models.Model):
    """A group of one practice; only that practice's clinicians see it."""

    practice = models.ForeignKey("practice.Practice", on_delete=models.PROTECT, related_name="exercise_groups")
    name = models.CharField(_("name"), max_length=100)
    """The group's name as the clinician and the participants read it ("Bouwbedrijf Jansen, kantoor")."""
    kind = models.CharField(_("kind"), max_length=20, choices=GroupKind.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["practice", "name"], name="groups_name_unique_in_practice")]

    def __str__(self) -> str:
        return self.name


class GroupExercise(models.Model):
    """One exercise of the group's programme with its exact dose (the core's `Dose` fields, as a plan item keeps
    them). An exercise with a caution is kept only with the clinician's confirmation, named here."""

    group = models.ForeignKey(ExerciseGroup, on_delete=models.CASCADE, related_name="exercises")
    exercise_id = models.CharField(max_length=80)
    """The library's exercise id."""
    position = models.PositiveSmallIntegerField()
    dose_kind = models.CharField(max_length=10)
    hold_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    repetitions = models.PositiveSmallIntegerField(null=True, blank=True)
    sets = models.PositiveSmallIntegerField(null=True, blank=True)
    rest_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    times_per_day = models.PositiveSmallIntegerField(null=True, blank=True)
    days_per_week = models.PositiveSmallIntegerField(null=True, blank=True)
    per_side = models.BooleanField(default=False)
    suitability = models.CharField(max_length=20, default="allowed")
    """`engine.group_suitability` when added: "allowed" or "caution" (a contra-indicated exercise is never added)."""
    caution_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    caution_confirmed_at = models.DateTimeField(null=True, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["group", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["group", "exercise_id"], name="groups_exercise_once_per_group"),
        ]

    def dose(self) -> Dose:
        """The stored dose as the core's `Dose` (checked by the core when it was saved)."""
        return Dose(
            kind=DoseKind(self.dose_kind),
            per_side=self.per_side,
            **{name: getattr(self, name) for name in DOSE_FIELDS},
        )


DEFAULT_REMINDER_TIME = dt.time(18, 0)
"""When a participant who switches the reminder on without choosing a time is reminded (local time)."""


class Participant(models.Model):
    """A person enrolled in a group: a first name or nickname and an e-mail address, nothing clinical.

    Invited → joined: the link's token is made and mailed by `tasks.send_group_invitation`, which stores only its
    digest; a resend asks for send number `sends + 1` and the earlier link stops at once (digest cleared). Joining
    makes the login (`user`) and spends the link."""

    group = models.ForeignKey(ExerciseGroup, on_delete=models.CASCADE, related_name="participants")
    name = models.CharField(_("first name or nickname"), max_length=100)
    email = models.EmailField(_("e-mail address"))
    """Stored in lower case, so one address is enrolled once per group."""
    language = models.CharField(_("language"), max_length=5, default="nl")
    """The language of the invitation mail; the login's preferred language when they join."""
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="participation"
    )
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    invited_at = models.DateTimeField(auto_now_add=True)
    digest = models.CharField(max_length=64, unique=True, null=True, blank=True)
    """SHA-256 of the mailed link's token; empty while the mail is on its way, after a resend and once used."""
    sends = models.PositiveIntegerField(default=1)
    mailed = models.PositiveIntegerField(default=0)
    """The latest send number whose mail went out; a job sends only when its number is `sends` and above this."""
    expires_at = models.DateTimeField()
    joined_at = models.DateTimeField(null=True, blank=True)
    reminders = models.BooleanField(_("remind me on my exercise days"), default=False)
    remind_at = models.TimeField(_("time of day"), default=DEFAULT_REMINDER_TIME)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["group", "email"], name="groups_participant_email_once")]
        indexes = [models.Index(fields=["reminders", "remind_at"], name="groups_participant_reminder")]

    def __str__(self) -> str:
        return self.name

    @property
    def has_joined(self) -> bool:
        return self.joined_at is not None


class GroupSession(models.Model):
    """One guided session as the participant's phone started it (its key is the script's session key). `done`
    counts its exercises done (not skipped); a session with none done is not counted as a session done."""

    key = models.UUIDField(unique=True)
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="sessions")
    group = models.ForeignKey(ExerciseGroup, on_delete=models.CASCADE, related_name="sessions")
    """The participant's group, repeated so the figures count a group's sessions through one index."""
    day = models.DateField()
    """The local day of the session's first result."""
    done = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-day", "-id"]
        indexes = [models.Index(fields=["group", "day"], name="groups_session_group_day")]


class GroupEntry(models.Model):
    """One exercise of a session, done or skipped. No pain score, effort or anything else about the body is kept:
    a group programme keeps no health data (an employer's programme least of all)."""

    key = models.UUIDField(unique=True)
    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="entries")
    exercise_id = models.CharField(max_length=80)
    skipped = models.BooleanField(default=False)
    done_at = models.DateTimeField()
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-done_at", "-id"]


class GroupReminder(models.Model):
    """A reminder a participant was sent: at most one a day (the unique row is claimed before anything is sent)."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="reminders_sent")
    day = models.DateField()
    sent_at = models.DateTimeField()
    by_email = models.BooleanField(default=False)
    by_push = models.BooleanField(default=False)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["participant", "day"], name="groups_reminder_once_a_day")]
