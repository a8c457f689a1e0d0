"""Practices and the people who use rugpad: practice admins, clinicians and patients."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class Practice(models.Model):
    """A physiotherapy, manual therapy or GP practice; every record belongs to exactly one."""

    name = models.CharField(_("name"), max_length=200)
    city = models.CharField(_("city"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True, help_text=_("Shown to patients for contact."))
    country = models.CharField(
        _("country"),
        max_length=2,
        choices=[("nl", _("the Netherlands")), ("be", _("Belgium"))],
        default="nl",
        help_text=_("Decides the emergency and out-of-hours numbers patients are given."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", _("Practice admin")
    CLINICIAN = "clinician", _("Clinician")
    PATIENT = "patient", _("Patient")


class Discipline(models.TextChoices):
    PHYSIOTHERAPIST = "physiotherapist", _("Physiotherapist")
    MANUAL_THERAPIST = "manual_therapist", _("Manual therapist")
    GP = "gp", _("General practitioner")
    OTHER = "other", _("Other")


class User(AbstractUser):
    """A login. `practice` is required for everybody but Django superusers (who see nothing clinical)."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, null=True, blank=True, related_name="users")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CLINICIAN)
    discipline = models.CharField(_("discipline"), max_length=30, choices=Discipline.choices, blank=True)
    preferred_language = models.CharField(
        _("language"), max_length=5, choices=[("nl", "Nederlands"), ("en", "English")], default="nl"
    )

    @property
    def is_clinician(self) -> bool:
        return self.role == Role.CLINICIAN and self.practice_id is not None

    @property
    def is_practice_admin(self) -> bool:
        return self.role == Role.ADMIN and self.practice_id is not None

    @property
    def is_patient(self) -> bool:
        return self.role == Role.PATIENT

    @property
    def sees_records(self) -> bool:
        """Clinicians see their practice's patient records; admins manage the practice and read the audit log."""
        return self.is_clinician


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only a SHA-256 digest is stored; the token is shown once at creation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user} – {self.name}"


def request_user(request: HttpRequest) -> User:
    """The request's user as rugpad's `User` (login is required before any view or action gets here)."""
    return request.user  # type: ignore[return-value]
