"""Patient records: patient, episode of care, and what the clinician records per episode.

Records are kept as history: a new intake, screening or examination is a new row and the latest one counts,
so what was known at each moment stays readable. Clinical meaning (signs, scores, profiles) always comes from
`rugpad.engine`; these models only store inputs and the engine's answers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from rugpad.core.vocab import Course, Region, Sex, Urgency
from rugpad.web.care.names import TOKEN_MAX_LENGTH, name_tokens

REGION_CHOICES = [(Region.LOW_BACK.value, _("Low back")), (Region.NECK.value, _("Neck"))]
SEX_CHOICES = [(Sex.FEMALE.value, _("Female")), (Sex.MALE.value, _("Male")), (Sex.OTHER.value, _("Other"))]
COURSE_CHOICES = [
    (Course.IMPROVING.value, _("Improving")),
    (Course.NOT_IMPROVING.value, _("Not improving")),
    (Course.WORSENING.value, _("Worsening")),
    (Course.RECURRENT.value, _("Recurrent")),
]


class Patient(models.Model):
    practice = models.ForeignKey("practice.Practice", on_delete=models.PROTECT, related_name="patients")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="patient_profile"
    )
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="caseload",
        verbose_name=_("treating clinician"),
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    date_of_birth = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=10, choices=SEX_CHOICES)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    gp_name = models.CharField(_("GP (huisarts)"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["practice", "last_name", "first_name", "id"], name="care_patient_by_name")]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)
            index_names([self])

    def age_on(self, day: dt.date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class EpisodeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class PatientNameToken(models.Model):
    """One word of a patient's name, for the name search (`names.py`); kept in step by `Patient.save` and, for
    rows made in bulk, by `index_names`."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="name_tokens")
    practice = models.ForeignKey("practice.Practice", on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=TOKEN_MAX_LENGTH)

    class Meta:
        indexes = [models.Index(fields=["practice", "token"], name="care_name_token_search")]
        constraints = [models.UniqueConstraint(fields=["patient", "token"], name="care_name_token_unique")]


def index_names(patients: list[Patient]) -> None:
    """Replaces the name words of `patients` (saved rows) with those of their current names."""
    PatientNameToken.objects.filter(patient__in=[p.pk for p in patients]).delete()
    PatientNameToken.objects.bulk_create(
        PatientNameToken(patient_id=p.pk, practice_id=p.practice_id, token=token)
        for p in patients
        for token in sorted(name_tokens(p.first_name, p.last_name))
    )


class Episode(models.Model):
    """One episode of care for one complaint (back or neck), from first contact to discharge."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="episodes")
    region = models.CharField(_("region"), max_length=20, choices=REGION_CHOICES)
    started_on = models.DateField(_("first contact"))
    onset_on = models.DateField(_("complaint started on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=EpisodeStatus.choices, default=EpisodeStatus.OPEN)
    next_evaluation_on = models.DateField(_("next evaluation"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_on", "-id"]
        indexes = [
            # the dashboard walks a clinician's open episodes in these orders and stops after a page
            models.Index(fields=["status", "next_evaluation_on"], name="care_episode_due"),
            models.Index(fields=["status", "started_on"], name="care_episode_recent"),
            # a patient's open episodes (every patient page): by patient first, not by the practice's open ones
            models.Index(fields=["patient", "status", "started_on"], name="care_episode_of_patient"),
        ]

    def __str__(self) -> str:
        return f"{self.get_region_display()} {self.started_on:%d-%m-%Y}"

    def latest(self, related: str) -> Any:
        """The newest row of a history relation (`intakes`, `screenings`, `examinations`, `triages`...)."""
        return getattr(self, related).order_by("-recorded_at", "-id").first()


class Recorded(models.Model):
    """Common fields of every per-episode record: who recorded it and when."""

    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class Intake(Recorded):
    """The anamnesis (history taking)."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="intakes")
    complaint = models.TextField(_("complaint"), help_text=_("In the patient's words: where, since when, how."))
    course = models.CharField(_("course so far"), max_length=20, choices=COURSE_CHOICES, blank=True)
    pain_character = models.TextField(_("pain character"), blank=True)
    previous_episodes = models.BooleanField(_("earlier episodes of this complaint"), default=False)
    earlier_treatments = models.TextField(_("earlier treatments"), blank=True)
    work_load = models.TextField(_("work and physical load"), blank=True)
    sport_load = models.TextField(_("sport and activities"), blank=True)
    work_absence_weeks = models.PositiveSmallIntegerField(_("weeks off work"), null=True, blank=True)
    medical_history = models.TextField(_("medical history"), blank=True)
    medication = models.TextField(_("medication"), blank=True)
    corticosteroids = models.BooleanField(_("long-term corticosteroids"), default=False)
    anticoagulants = models.BooleanField(_("anticoagulants"), default=False)
    psychosocial_dominant = models.BooleanField(
        _("psychosocial factors dominant"),
        null=True,
        blank=True,
        help_text=_("Your judgement: do fear, worry or low mood dominate the picture?"),
    )
    help_request = models.TextField(_("help request (hulpvraag)"))
    goals = models.TextField(_("the patient's goals"), blank=True)


class Screening(Recorded):
    """The red-flag checklist: the signs present, in the core's vocabulary."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="screenings")
    signs = models.JSONField(default=list)
    asked = models.JSONField(default=list, help_text="The signs the checklist asked about (present or not).")
    notes = models.TextField(_("notes"), blank=True)


class TestResult(models.TextChoices):
    NOT_TESTED = "", _("not tested")
    NEGATIVE = "negative", _("negative / normal")
    POSITIVE = "positive", _("positive / abnormal")


class Examination(Recorded):
    """The functional examination. Positive neurological tests feed the triage as signs."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="examinations")
    inspection = models.TextField(_("inspection and posture"), blank=True)
    range_of_motion = models.TextField(_("range of motion"), blank=True)
    slr = models.CharField(_("straight leg raise (Lasègue)"), max_length=10, choices=TestResult.choices, blank=True)
    reflexes_leg = models.CharField(_("leg reflexes reduced"), max_length=10, choices=TestResult.choices, blank=True)
    strength_leg = models.CharField(_("leg myotomal weakness"), max_length=10, choices=TestResult.choices, blank=True)
    sensation_leg = models.CharField(
        _("dermatomal sensory loss (leg)"), max_length=10, choices=TestResult.choices, blank=True
    )
    spurling = models.CharField(_("Spurling test"), max_length=10, choices=TestResult.choices, blank=True)
    traction = models.CharField(_("traction / distraction test"), max_length=10, choices=TestResult.choices, blank=True)
    reflexes_arm = models.CharField(_("arm reflexes reduced"), max_length=10, choices=TestResult.choices, blank=True)
    strength_arm = models.CharField(_("arm weakness"), max_length=10, choices=TestResult.choices, blank=True)
    hoffmann = models.CharField(_("Hoffmann sign"), max_length=10, choices=TestResult.choices, blank=True)
    babinski = models.CharField(_("Babinski sign"), max_length=10, choices=TestResult.choices, blank=True)
    inverted_supinator = models.CharField(
        _("inverted supinator sign"), max_length=10, choices=TestResult.choices, blank=True
    )
    gait = models.CharField(_("gait disturbance"), max_length=10, choices=TestResult.choices, blank=True)
    segmental_findings = models.TextField(_("segmental findings"), blank=True)
    notes = models.TextField(_("other findings"), blank=True)

    # Which positive test is which sign of the core's vocabulary (a naming map, not a clinical rule).
    SIGN_OF_FIELD = {
        "slr": "slr_positive",
        "reflexes_leg": "reflex_loss",
        "strength_leg": "myotomal_weakness",
        "sensation_leg": "dermatomal_sensory_loss",
        "spurling": "spurling_positive",
        "traction": "traction_test_positive",
        "reflexes_arm": "reduced_arm_reflexes",
        "strength_arm": "arm_weakness",
        "hoffmann": "hoffmann_sign",
        "babinski": "babinski_sign",
        "inverted_supinator": "inverted_supinator_sign",
        "gait": "gait_disturbance",
    }

    def signs(self) -> set[str]:
        return {sign for field, sign in self.SIGN_OF_FIELD.items() if getattr(self, field) == TestResult.POSITIVE}

    def tested_signs(self) -> set[str]:
        """The signs this examination looked for, positive or negative (a test left empty was not done)."""
        return {sign for field, sign in self.SIGN_OF_FIELD.items() if getattr(self, field)}


class ResponseStatus(models.TextChoices):
    REQUESTED = "requested", _("Sent to the patient")
    COMPLETED = "completed", _("Completed")


class InstrumentResponse(models.Model):
    """One questionnaire: requested from the patient, or filled in; scored by the core with its version."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="responses")
    instrument = models.CharField(_("questionnaire"), max_length=20)
    instrument_version = models.CharField(max_length=40, blank=True)
    moment = models.CharField(_("moment"), max_length=40, blank=True, help_text=_("e.g. intake, re-evaluation"))
    status = models.CharField(max_length=20, choices=ResponseStatus.choices, default=ResponseStatus.COMPLETED)
    answers = models.JSONField(default=dict)
    activities = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict)
    score = models.FloatField(null=True, blank=True)
    requested_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    filled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-completed_at", "-id"]


class TriageRecord(Recorded):
    """The engine's answer for an episode at one moment, with the inputs it was given."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="triages")
    payload = models.JSONField()
    result = models.JSONField()
    urgency = models.CharField(max_length=20)
    profile = models.CharField(max_length=5, blank=True)


class ProfileOverride(Recorded):
    """The clinician's own profile choice, with the reason (KNGF: never base risk on the SBST alone)."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="overrides")
    profile = models.CharField(_("profile"), max_length=5)
    reason = models.TextField(_("reason"))


class FlagStage(models.TextChoices):
    RAISED = "raised", _("raised – no action yet")
    ACTED = "acted", _("action taken – awaiting the doctor's assessment")
    EXCLUDED = "excluded", _("excluded by a doctor")
    CONFIRMED = "confirmed", _("confirmed by a doctor – referred")
    WITHDRAWN = "withdrawn", _("withdrawn – raised in error")


class FlagOrigin(models.TextChoices):
    RECORD = "record", _("screening or examination")
    DIARY = "diary", _("the patient's diary")
    MESSAGE = "message", _("a message")


class FlagEventKind(models.TextChoices):
    ACTION = "action", _("Action taken")
    EXCLUDED = "excluded", _("Excluded by the GP or specialist")
    CONFIRMED = "confirmed", _("Confirmed by the GP or specialist")
    WITHDRAWN = "withdrawn", _("Raised in error")


OPEN_STAGES = (FlagStage.RAISED, FlagStage.ACTED)
"""A flag in these stages awaits an action or the doctor's assessment."""


class RedFlag(models.Model):
    """One red flag of an episode, raised by a rule of the engine, with its life cycle (`core/flags.py`).

    `stage` is the core's reading of the events, stored so that lists (the dashboard) can filter on it; only the
    `do_*` actions change it, in the same transaction as the event.
    `practice`, `urgency_rank` and `is_open` repeat what the patient, `urgency` and `stage` say, so that the
    practice's open flags in the order the pages show them are one walk of the `care_redflag_queue` index."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="red_flags")
    practice = models.ForeignKey(
        "practice.Practice",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # `care_redflag_queue` leads with it
        help_text="The patient's practice.",
    )
    rule_id = models.CharField(max_length=60)
    origin = models.CharField(max_length=10, choices=FlagOrigin.choices)
    urgency = models.CharField(max_length=20)
    urgency_rank = models.PositiveSmallIntegerField(help_text="The urgency's rank in the core's vocabulary, 0 first.")
    signs = models.JSONField(default=list)
    stage = models.CharField(max_length=10, choices=FlagStage.choices, default=FlagStage.RAISED)
    is_open = models.BooleanField(default=True, help_text="The stage is one of `OPEN_STAGES`.")
    raised_at = models.DateTimeField()
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    reference = models.CharField(max_length=40, blank=True, help_text="e.g. diary:12 for the entry that raised it")

    class Meta:
        ordering = ["raised_at", "id"]
        indexes = [
            models.Index(fields=["stage", "episode"]),
            # the practice's open flags (closed ones are not in it), most urgent first, then not yet acted on
            # ("raised" sorts after "acted", so "-stage" puts it first), then the oldest (`queries.open_red_flags`)
            models.Index(
                fields=["practice", "urgency_rank", "-stage", "raised_at", "id"],
                condition=models.Q(is_open=True),
                name="care_redflag_queue",
            ),
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Keeps the repeated columns in step with what they repeat (a bulk insert sets them itself)."""
        self.urgency_rank = Urgency(self.urgency).rank
        self.is_open = self.stage in OPEN_STAGES
        if self.practice_id is None:
            self.practice_id = self.episode.patient.practice_id
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:  # a partial save writes the repeated column with what it repeats
            repeated = {"stage": "is_open", "urgency": "urgency_rank"}
            kwargs["update_fields"] = {*update_fields, *(repeated[f] for f in update_fields if f in repeated)}
        super().save(*args, **kwargs)


class RedFlagEvent(models.Model):
    """A step of a red flag's life cycle: an action, the doctor's assessment, or a withdrawal; never changed."""

    flag = models.ForeignKey(RedFlag, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("what"), max_length=10, choices=FlagEventKind.choices)
    at = models.DateTimeField(_("when"))
    note = models.TextField(_("note"))
    counterpart = models.CharField(_("to whom / by whom"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]  # the order of recording is the life cycle's order (a typed time may be a little off)
