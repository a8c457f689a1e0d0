"""Prevention at work: the workplace check and its review, the break routine and the break reminders sent, and the
report for the occupational physician with the patient's consent to share it.

Nothing clinical is decided here: the advice a check's answers lead to is the engine's (`engine.work_advice`),
computed when a page or report is made, so a corrected rule corrects every page. The consent's decision and method
are the GP letter's (`outcomes.ConsentDecision`, `outcomes.ConsentMethod`), but a consent of its own: sharing with
the GP does not mean sharing with the occupational physician, who works for the employer's side.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rugpad.core.work import BreakSchedule
from rugpad.web.outcomes.models import ConsentDecision, ConsentMethod


class WorkplaceCheck(models.Model):
    """The answers to the workplace check, one row each time it is filled in (the newest counts), and the
    clinician's review of that row: a note, who and when."""

    episode = models.ForeignKey("care.Episode", on_delete=models.CASCADE, related_name="workplace_checks")
    answers = models.JSONField()
    """``{question id: option id}``, checked by `engine.check_work_answers` before it is stored."""
    filled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    filled_at = models.DateTimeField(auto_now_add=True)
    review_note = models.TextField(_("note"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-filled_at", "-id"]
        verbose_name = _("workplace check")
        indexes = [models.Index(fields=["episode", "filled_at"], name="work_check_of_episode")]

    def __str__(self) -> str:
        return f"workplace check {self.pk}"


DAY_DIGITS = "0123456"
"""A routine's working days are stored as weekday digits (0 = Monday), e.g. "01234" for Monday to Friday, so the
job finds today's routines with one `LIKE`."""


class BreakRoutine(models.Model):
    """When the patient works and how often they take a break with an exercise; reminders go out at each break
    while `active`."""

    episode = models.OneToOneField("care.Episode", on_delete=models.CASCADE, related_name="break_routine")
    days = models.CharField(_("working days"), max_length=7)
    start = models.TimeField(_("start of the working day"))
    end = models.TimeField(_("end of the working day"))
    every_minutes = models.PositiveSmallIntegerField(_("a break every"))
    active = models.BooleanField(_("reminders on"), default=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("break routine")
        indexes = [models.Index(fields=["active", "start"], name="work_routine_active")]

    def __str__(self) -> str:
        return f"break routine {self.pk}"

    def weekdays(self) -> frozenset[int]:
        return frozenset(int(digit) for digit in self.days if digit in DAY_DIGITS)

    def schedule(self) -> BreakSchedule:
        return BreakSchedule(self.weekdays(), self.start, self.end, self.every_minutes)


class BreakReminder(models.Model):
    """A break reminder sent: at most one per routine, day and break. The row is claimed before anything is sent,
    so a doubled or retried job reminds nobody twice."""

    routine = models.ForeignKey(BreakRoutine, on_delete=models.CASCADE, related_name="reminders")
    patient = models.ForeignKey("care.Patient", on_delete=models.CASCADE, related_name="break_reminders")
    day = models.DateField()
    at = models.TimeField()
    """The break's time (local)."""
    sent_at = models.DateTimeField()
    by_email = models.BooleanField(default=False)
    by_push = models.BooleanField(default=False)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("break reminder")
        constraints = [models.UniqueConstraint(fields=["routine", "day", "at"], name="work_break_reminded_once")]

    def __str__(self) -> str:
        return f"break reminder {self.day} {self.at:%H:%M}"


class WorkReportConsent(models.Model):
    """The patient's answer to "may we send a report to your occupational physician?". History is kept: the
    newest row counts, so a withdrawal blocks sending again."""

    episode = models.ForeignKey("care.Episode", on_delete=models.CASCADE, related_name="work_report_consents")
    decision = models.CharField(_("decision"), max_length=10, choices=ConsentDecision.choices)
    method = models.CharField(_("how it was asked"), max_length=10, choices=ConsentMethod.choices)
    given_by = models.CharField(
        _("who answered"), max_length=200, help_text=_("The patient, or their legal representative (name).")
    )
    recipient = models.CharField(
        _("report may go to"), max_length=200, help_text=_("The occupational physician (name, service).")
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("consent for the occupational physician's report")

    def __str__(self) -> str:
        return f"work report consent {self.pk}"


class WorkReport(models.Model):
    """A report to the occupational physician as drafted at one moment: its content is frozen (JSON in the GP
    letter's shape, and its PDF) and never regenerated."""

    episode = models.ForeignKey("care.Episode", on_delete=models.CASCADE, related_name="work_reports")
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
        verbose_name = _("report to the occupational physician")

    def __str__(self) -> str:
        return f"work report {self.pk}"
