"""Treatment plans and what the patient did with them.

A plan is versioned: every save is a new `PlanVersion`, the earlier versions stay as history and the latest one
counts. A version lists its items through `VersionItem` (item + position): an item a save leaves unchanged is the
same `PlanItem` row in the next version, so a change stores only its new or changed items and a plan's rows grow
with its changes, not with changes × items. Item rows are never edited (a changed dose is a new row). Each item
keeps where it came from (rule, source, evidence, why proposed, or "added by clinician"), and a caution item keeps
who confirmed it and when. The session logs carry a client-made key (UUID) with a unique constraint, so a request
the phone retries never creates a second row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanSettings(models.Model):
    """A practice's own values for planning; an empty field means "the content's default"."""

    practice = models.OneToOneField("practice.Practice", on_delete=models.CASCADE, related_name="plan_settings")
    sessions_per_week = models.PositiveSmallIntegerField(_("supervised sessions per week"), null=True, blank=True)
    weeks = models.PositiveSmallIntegerField(_("plan duration in weeks"), null=True, blank=True)
    max_exercise_pain = models.PositiveSmallIntegerField(
        _("highest acceptable pain during an exercise (0-10)"), null=True, blank=True
    )
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)


class TreatmentPlan(models.Model):
    episode = models.OneToOneField("care.Episode", on_delete=models.CASCADE, related_name="treatment_plan")
    created_at = models.DateTimeField(auto_now_add=True)

    def current(self) -> PlanVersion | None:
        return self.versions.order_by("-number").first()


class PlanVersion(models.Model):
    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    change = models.CharField(_("what changed"), max_length=300)
    starts_on = models.DateField(_("starts on"))
    weeks = models.PositiveSmallIntegerField(_("duration in weeks"))
    sessions_per_week = models.PositiveSmallIntegerField(_("supervised sessions per week"), null=True, blank=True)
    items: models.ManyToManyField[PlanItem, VersionItem] = models.ManyToManyField(
        "PlanItem", through="VersionItem", related_name="versions"
    )

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plans_version_number_unique")]

    def ordered_items(self) -> models.QuerySet[PlanItem]:
        """The version's items in their plan order."""
        return self.items.order_by("placements__position")


class ItemKind(models.TextChoices):
    APPROACH = "approach", _("Approach")
    GOAL = "goal", _("Goal")
    TECHNIQUE = "technique", _("Technique")
    EXERCISE = "exercise", _("Exercise")
    EDUCATION = "education", _("Education")
    EVALUATION = "evaluation", _("Evaluation moment")
    FREQUENCY = "frequency", _("Frequency and duration")


class Origin(models.TextChoices):
    PROPOSED = "proposed", _("Proposed by rugpad")
    CLINICIAN = "clinician", _("Added by clinician")


class PlanItem(models.Model):
    """One line of a plan, listed by every version that has it unchanged (`versions`). Exercise items carry a dose
    in the core's `Dose` fields."""

    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=20, choices=ItemKind.choices)
    ref = models.CharField(max_length=80, blank=True, help_text="exercise or education module id")
    text = models.JSONField(default=dict, blank=True)
    """The item's own words by language code ({"nl": ...}): a clinician writes in one language, content in all."""
    dose_kind = models.CharField(max_length=10, blank=True)
    hold_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    repetitions = models.PositiveSmallIntegerField(null=True, blank=True)
    sets = models.PositiveSmallIntegerField(null=True, blank=True)
    rest_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    times_per_day = models.PositiveSmallIntegerField(null=True, blank=True)
    days_per_week = models.PositiveSmallIntegerField(null=True, blank=True)
    per_side = models.BooleanField(default=False)
    rule_id = models.CharField(max_length=80, blank=True)
    source_id = models.CharField(max_length=80, blank=True)
    evidence = models.CharField(max_length=20, blank=True)
    why = models.JSONField(default=dict, blank=True)
    """Why the item is in the plan, by language code."""
    origin = models.CharField(max_length=20, choices=Origin.choices)
    suitability = models.CharField(max_length=20, default="allowed")
    caution_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    caution_confirmed_at = models.DateTimeField(null=True, blank=True)


class VersionItem(models.Model):
    """An item's place in a version: the link that lets consecutive versions share an unchanged item."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="placements")
    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="placements")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="plans_versionitem_position_unique"),
            models.UniqueConstraint(fields=["version", "item"], name="plans_versionitem_item_unique"),
        ]


class Effort(models.TextChoices):
    EASY = "easy", _("Easy")
    OK = "ok", _("Fine")
    HARD = "hard", _("Hard")


class ExerciseSessionLog(models.Model):
    """One guided session as the patient's phone started it."""

    key = models.UUIDField(unique=True)
    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="sessions")
    version = models.ForeignKey(PlanVersion, on_delete=models.SET_NULL, null=True, related_name="+")
    patient = models.ForeignKey("care.Patient", on_delete=models.CASCADE, related_name="exercise_sessions")
    started_at = models.DateTimeField()
    settled_since_last = models.BooleanField(
        _("pain from the last session was gone by the next morning"), null=True, blank=True
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_at", "-id"]


class ExerciseSetLog(models.Model):
    """What the patient did of one exercise in a session, with pain during it and how hard it felt."""

    key = models.UUIDField(unique=True)
    session = models.ForeignKey(ExerciseSessionLog, on_delete=models.CASCADE, related_name="entries")
    item = models.ForeignKey(PlanItem, on_delete=models.SET_NULL, null=True, related_name="+")
    exercise_id = models.CharField(max_length=80)
    skipped = models.BooleanField(default=False)
    sets_done = models.PositiveSmallIntegerField(default=0)
    reps_done = models.PositiveSmallIntegerField(null=True, blank=True)
    hold_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    pain_during = models.PositiveSmallIntegerField(null=True, blank=True)
    effort = models.CharField(max_length=10, choices=Effort.choices, blank=True)
    done_at = models.DateTimeField()
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-done_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pain_during__isnull=True) | models.Q(pain_during__lte=10),
                name="plans_pain_during_0_10",
            )
        ]
