"""Aftercare after discharge: the maintenance programme and check-in moments a clinician sets for a discharged
episode, the patient's answers at each moment, and the recurrence flag the practice acts on.

    AftercarePlan (one per discharged episode: exercises kept from the plan, advice, pain at discharge)
        └── CheckIn (one per moment: weeks after discharge, due day, the answers and the engine's verdict)
                └── RecurrenceFlag (when the verdict is a recurrence: open until a clinician records what was done)

Every row repeats its patient's practice (and the check-ins and flags their patient), so the practice's lists are
walks of an index, never a list of its patients. Only `actions` writes these rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rugpad.core.aftercare import AftercareStatus


class Status(models.TextChoices):
    """The engine's verdict on a check-in (`core.aftercare.AftercareStatus`), with the words a page shows."""

    STABLE = AftercareStatus.STABLE.value, _("stable")
    WATCH = AftercareStatus.WATCH.value, _("keep an eye on it")
    RECURRENCE = AftercareStatus.RECURRENCE.value, _("recurrence")


class Outcome(models.TextChoices):
    """What the practice did about a recurrence flag."""

    INVITED = "invited", _("Patient invited for a new episode")
    NEW_EPISODE = "new_episode", _("New episode opened")
    NOT_NEEDED = "not_needed", _("No new episode needed")


class AftercarePlan(models.Model):
    """The maintenance after one discharged episode."""

    episode = models.OneToOneField("care.Episode", on_delete=models.CASCADE, related_name="aftercare")
    patient = models.ForeignKey("care.Patient", on_delete=models.CASCADE, related_name="aftercare_plans")
    practice = models.ForeignKey("practice.Practice", on_delete=models.CASCADE, related_name="+", db_index=False)
    discharged_on = models.DateField(_("discharged on"))
    """The check-in moments count from here."""
    baseline_pain = models.PositiveSmallIntegerField(_("pain at discharge"), null=True, blank=True)
    """0-10; the episode's last NPRS score unless the clinician entered another. None: not known (the pain rules
    of the recurrence rule then cannot apply)."""
    exercises = models.ManyToManyField("plans.PlanItem", blank=True, related_name="+")
    """The exercises of the episode's plan the patient keeps doing (read through the plans app's queries)."""
    advice = models.TextField(_("advice for the patient"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("aftercare plan")
        indexes = [models.Index(fields=["practice", "-discharged_on", "-id"], name="aftercare_plan_recent")]

    def __str__(self) -> str:
        return f"aftercare of episode {self.episode_id}"


class CheckIn(models.Model):
    """One check-in moment and, once answered, the answers and the engine's verdict."""

    plan = models.ForeignKey(AftercarePlan, on_delete=models.CASCADE, related_name="checkins")
    patient = models.ForeignKey("care.Patient", on_delete=models.CASCADE, related_name="+", db_index=False)
    practice = models.ForeignKey("practice.Practice", on_delete=models.CASCADE, related_name="+", db_index=False)
    weeks = models.PositiveSmallIntegerField(_("weeks after discharge"))
    due_on = models.DateField(_("due on"))
    notified_at = models.DateTimeField(null=True, blank=True)
    """When the patient was told there is something for them (claimed before sending: a doubled job sends once)."""
    key = models.UUIDField(null=True, blank=True, unique=True)
    """The answering page's own id for its answer: a double tap stores nothing twice."""
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    pain = models.PositiveSmallIntegerField(_("pain now"), null=True, blank=True)
    limited_again = models.BooleanField(_("limited again"), null=True, blank=True)
    came_back = models.BooleanField(_("complaint came back"), null=True, blank=True)
    alarms = models.JSONField(default=list, blank=True, help_text="Ids of the alarm questions answered yes.")
    diary_entry = models.ForeignKey(
        "portal.DiaryEntry", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    """The diary entry through which ticked alarm signs were judged (the portal's red-flag path)."""
    status = models.CharField(_("verdict"), max_length=12, choices=Status.choices, blank=True)
    rule_id = models.CharField(max_length=60, blank=True)
    applied = models.JSONField(default=list, blank=True, help_text="Every rule that applied, the deciding one first.")
    pain_change = models.SmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("check-in")
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "weeks"], name="aftercare_checkin_once_per_moment")]
        indexes = [
            # the daily job: unanswered check-ins whose day has come and whose patient was not told yet
            models.Index(
                fields=["due_on", "id"],
                condition=models.Q(answered_at__isnull=True, notified_at__isnull=True),
                name="aftercare_checkin_to_notify",
            ),
            # the practice's check-ins waiting for an answer, by day (the aftercare page)
            models.Index(
                fields=["practice", "due_on", "id"],
                condition=models.Q(answered_at__isnull=True),
                name="aftercare_checkin_waiting",
            ),
            # the practice's answered check-ins, newest first (the aftercare page)
            models.Index(
                fields=["practice", "-answered_at", "-id"],
                condition=models.Q(answered_at__isnull=False),
                name="aftercare_checkin_answered",
            ),
        ]

    def __str__(self) -> str:
        return f"check-in {self.weeks} weeks after discharge"


class RecurrenceFlag(models.Model):
    """A check-in read as a recurrence: open on the practice's pages until a clinician records what was done."""

    checkin = models.OneToOneField(CheckIn, on_delete=models.CASCADE, related_name="recurrence")
    plan = models.ForeignKey(AftercarePlan, on_delete=models.CASCADE, related_name="flags")
    patient = models.ForeignKey("care.Patient", on_delete=models.CASCADE, related_name="+", db_index=False)
    practice = models.ForeignKey("practice.Practice", on_delete=models.CASCADE, related_name="+", db_index=False)
    rule_id = models.CharField(max_length=60)
    raised_at = models.DateTimeField()
    is_open = models.BooleanField(default=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(_("what was done"), max_length=12, choices=Outcome.choices, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("recurrence flag")
        ordering = ["raised_at", "id"]
        indexes = [
            # the practice's open flags, oldest first (dashboard and aftercare page)
            models.Index(
                fields=["practice", "raised_at", "id"], condition=models.Q(is_open=True), name="aftercare_flag_open"
            ),
            models.Index(fields=["patient", "raised_at"], name="aftercare_flag_patient"),
        ]

    def __str__(self) -> str:
        return f"recurrence flag of check-in {self.checkin_id}"
