"""Practices and the people who use rugpad: practice admins, clinicians and patients."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rugpad.core.vocab import LANGUAGE_NAMES
from rugpad.web.practice.signals import password_changed


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
    PARTICIPANT = "participant", _("Group participant")
    """Someone enrolled in a group programme (groups app) without a care episode: no patient record; they reach
    only their group's exercise programme, their reminders and leaving the group."""


class Discipline(models.TextChoices):
    PHYSIOTHERAPIST = "physiotherapist", _("Physiotherapist")
    MANUAL_THERAPIST = "manual_therapist", _("Manual therapist")
    GP = "gp", _("General practitioner")
    OTHER = "other", _("Other")


class Register(models.TextChoices):
    """The Dutch registers a care professional's number comes from."""

    BIG = "big", _("BIG register")
    KP = "kp", _("Quality Register for Paramedics (KP)")


class User(AbstractUser):
    """A login. `practice` is required for everybody but Django superusers (who see nothing clinical)."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, null=True, blank=True, related_name="users")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CLINICIAN)
    discipline = models.CharField(_("discipline"), max_length=30, choices=Discipline.choices, blank=True)
    preferred_language = models.CharField(
        _("language"), max_length=5, choices=[(lang.value, name) for lang, name in LANGUAGE_NAMES.items()], default="nl"
    )
    register = models.CharField(_("register"), max_length=3, choices=Register.choices, blank=True)
    """Which register `registration_number` is from (staff only; blank for patients and when not given)."""
    registration_number = models.CharField(_("registration number"), max_length=20, blank=True)
    """The BIG or KP number, digits only (`accounts.check_registration`)."""

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
    def is_participant(self) -> bool:
        """A group participant (`Role.PARTICIPANT`): every check above is false for them, so no patient record,
        clinical page, API or FHIR route opens; the groups app's own pages are theirs."""
        return self.role == Role.PARTICIPANT and self.practice_id is not None

    @property
    def sees_records(self) -> bool:
        """Clinicians see their practice's patient records; admins manage the practice and read the audit log."""
        return self.is_clinician

    @property
    def may_use_api_tokens(self) -> bool:
        """The API's record routes are the clinician's (patients read their record in the portal, admins see no
        records), so only clinicians hold API tokens."""
        return self.is_active and self.is_clinician

    def save(self, *args: Any, **kwargs: Any) -> None:
        # `set_password` leaves the new password in `_password` until the save; Django clears it before saving a
        # mere hash upgrade at login, so this is exactly "the password was changed" (what password validators'
        # `password_changed` hook means too). A new account has nothing to revoke.
        changed = self._password is not None and self.pk is not None
        super().save(*args, **kwargs)
        if changed:
            password_changed.send(sender=type(self), user=self)

    def set_unusable_password(self) -> None:
        super().set_unusable_password()
        self._password = ""  # a password taken away is a password change too (see `save`)


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only a SHA-256 digest is stored; the token is shown once at creation.

    A token works from creation until `expires_at` or until it is revoked (by its owner, or all at once when the
    owner's password changes); a revoked token is kept, so the owner's list and the audit trail can name it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    """The owner's label for the token ("laptop", "practice software")."""
    digest = models.CharField(max_length=64, unique=True)
    """SHA-256 of the token, hex; the token itself is never stored."""
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    """The token stops working at this moment (at most `tokens.MAX_LIFETIME_DAYS` after creation)."""
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    """When the token was revoked; it never works again."""
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    """Approximate: written at most once per `tokens.LAST_USED_PRECISION`, so a busy client costs no commit per
    request."""

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} – {self.name}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


STAFF_ROLES = (Role.ADMIN, Role.CLINICIAN)
"""The roles a practice admin invites and manages; patients' accounts come from their own portal invitations."""


class StaffInvitation(models.Model):
    """A one-time link by e-mail for a clinician or practice admin to create their account (`accounts.py`).

    Only a SHA-256 digest of the link's token is stored, and only once the link is mailed: the token is made by the
    job that sends the mail (`tasks.send_staff_invitation`), so it never sits in the job queue. A resend asks for
    send number `sends + 1`; the old link stops at once (digest cleared) and the job of an older send number does
    nothing. The link works once, until `expires_at`; a revoked or used invitation never works again."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="staff_invitations")
    email = models.EmailField(_("e-mail address"))
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=[(r.value, r.label) for r in STAFF_ROLES])
    discipline = models.CharField(_("discipline"), max_length=30, choices=Discipline.choices, blank=True)
    register = models.CharField(_("register"), max_length=3, choices=Register.choices, blank=True)
    registration_number = models.CharField(_("registration number"), max_length=20, blank=True)
    digest = models.CharField(max_length=64, unique=True, null=True, blank=True)
    """SHA-256 of the mailed link's token; empty while the mail is on its way and after a resend, revoke or use."""
    sends = models.PositiveIntegerField(default=1)
    """How many times the admin has asked for this invitation to be sent (the first send included)."""
    mailed = models.PositiveIntegerField(default=0)
    """The latest send number whose mail went out; a job sends only when its number is `sends` and above this."""
    created_by = models.ForeignKey("User", on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("invited"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    account = models.ForeignKey("User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    """The account made by accepting it."""

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["practice", "used_at", "revoked_at"], name="practice_invite_open")]

    def __str__(self) -> str:
        return f"{self.email} ({self.role})"

    @property
    def is_pending(self) -> bool:
        return self.used_at is None and self.revoked_at is None


class PasswordResetRequest(models.Model):
    """One request for a password-reset e-mail, known address or not: the throttle counts these per client address
    and per e-mail address (`password_reset.py`). The address typed is kept only as a SHA-256 digest; rows older
    than the throttle window are removed as new ones arrive."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    address = models.GenericIPAddressField(null=True, blank=True)
    email_digest = models.CharField(max_length=64)

    class Meta:
        indexes = [
            models.Index(fields=["email_digest", "at"], name="practice_reset_email"),
            models.Index(fields=["address", "at"], name="practice_reset_address"),
        ]


def request_user(request: HttpRequest) -> User:
    """The request's user as rugpad's `User` (login is required before any view or action gets here)."""
    return request.user  # type: ignore[return-value]
