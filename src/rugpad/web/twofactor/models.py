"""Recovery codes stored as keyed hashes, never as the codes themselves.

django-otp's `StaticDevice` keeps its codes in plain text (`StaticToken.token`): anybody who reads the database
(a backup, a support dump) could sign in as every user whose password they also have. `RecoveryDevice` keeps, per
code, only `code_digest(salt, code)`:

    HMAC-SHA256( key = SHA-256("rugpad.twofactor.recovery-code" + SECRET_KEY),  message = device salt + ":" + code )

Why this and not a slow password hash (argon2): a recovery code is random, not chosen by a person, so there is no
dictionary to try and a slow hash buys little — but a code is only 40 bits (8 base32 characters, django-otp's own)
or 60 bits (12, what rugpad makes now), few enough for a graphics card to try them all against a bare SHA-256 in
hours. Keying the hash with the deployment's SECRET_KEY (which lives in the environment, not in the database or its
backups) makes a stolen database alone useless; the per-device salt makes equal codes of two users hash apart.
Rotating SECRET_KEY keeps the codes working only while the old key is in SECRET_KEY_FALLBACKS (each is tried).

A code is checked against every code of the device with `hmac.compare_digest` and without stopping at a match
(the time does not tell which or whether one matched), inside django-otp's `verify_token`, which holds the device
row locked: a code used by two requests at once signs in only one of them, and the matching row is deleted.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin  # type: ignore[import-untyped]

KEY_SALT = "rugpad.twofactor.recovery-code"
"""Derives the hashing key from SECRET_KEY, apart from every other use Django makes of it."""

CODE_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"
"""Base32's letters and digits, as django-otp's codes: no 0, 1 or 8 to mistake for o, l or b."""

CODE_LENGTH = 12
"""Characters of a new code: 60 random bits."""


def new_code() -> str:
    """A new recovery code, shown in groups of four (`grouped`); people type it with or without the spaces."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def grouped(code: str) -> str:
    """A code as shown and printed: "abcd efgh ijkl". Spaces, not dashes: easier to read aloud and to copy by hand,
    and typed or not, they are ignored (`devices.normalised`)."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


def new_salt() -> str:
    return secrets.token_hex(16)


def _secrets() -> list[str]:
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def code_digest(salt: str, code: str, secret: str | None = None) -> str:
    """The stored form of `code` (normalised: lower case, no spaces or dashes) for a device with `salt`."""
    return salted_hmac(KEY_SALT, f"{salt}:{code}", secret=secret, algorithm="sha256").hexdigest()


def _digests(salt: str, code: str) -> list[str]:
    return [code_digest(salt, code, secret) for secret in _secrets()]


class RecoveryDevice(TimestampMixin, ThrottlingMixin, Device):  # type: ignore[misc]
    """One sheet of recovery codes of a user (django-otp device); its codes are `RecoveryCode` digests."""

    # django-otp's field, without the reverse accessor `user.recoverydevice_set` (nothing uses it, and the type
    # checker cannot resolve it on a model built on django-otp's untyped base)
    user: models.ForeignKey[Any, Any] = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The user that this device belongs to.",
    )
    salt: models.CharField[str, str] = models.CharField(
        max_length=64, default=new_salt, help_text="Random per sheet; mixed into each digest."
    )

    class Meta:
        verbose_name = _("recovery code sheet")

    def get_throttle_factor(self) -> int:
        # the same setting as django-otp's static codes, which these replace
        return int(getattr(settings, "OTP_STATIC_THROTTLE_FACTOR", 1))

    def add_codes(self, codes: Iterable[str]) -> None:
        RecoveryCode.objects.bulk_create(RecoveryCode(device=self, digest=code_digest(self.salt, c)) for c in codes)

    def verify_token(self, token: str) -> bool:
        """True once for each code of the sheet (the code is used up); False for anything else. Call through
        `django_otp.verify_token`, which locks the device row first."""
        allowed, _reason = self.verify_is_allowed()
        if not allowed:
            return False
        wanted = _digests(self.salt, str(token))
        match: RecoveryCode | None = None
        for stored in self.codes.all():
            hit = False
            for digest in wanted:
                hit |= hmac.compare_digest(stored.digest, digest)
            if hit and match is None:
                match = stored
        if match is None:
            self.throttle_increment()
            return False
        match.delete()
        self.throttle_reset(commit=False)
        self.set_last_used_timestamp(commit=False)
        self.save()
        return True


class RecoveryCode(models.Model):
    """One unused recovery code, as its digest (`code_digest`); deleted when used."""

    device = models.ForeignKey(RecoveryDevice, related_name="codes", on_delete=models.CASCADE)
    digest = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("recovery code")


class IdentityCheck(models.TextChoices):
    """How the person who resets somebody's two-step sign-in made sure it is really them. Not by phone: the number
    the practice has is most likely the phone that was lost."""

    IN_PERSON_DOCUMENT = (
        "in_person_document",
        _("In person, with an identity document (passport, ID card, driving licence)"),
    )
    IN_PERSON_KNOWN = "in_person_known", _("In person: I know this patient from their treatment")
    VIDEO_DOCUMENT = "video_document", _("By video call: I recognised the patient and saw an identity document")


class TwoStepReset(models.Model):
    """One reset of a patient's two-step sign-in by a clinician of their practice (a lost phone). Checking who asks
    is a human step (NEN 7510), so who did it, how they checked and their note are kept here; the audit event of the
    reset names the account, the patient and the way of checking."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT)
    reset_by = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT)
    identity_check = models.CharField(max_length=32, choices=IdentityCheck.choices)
    note = models.CharField(max_length=200, help_text="The clinician's note on the identity check (no clinical text).")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("two-step sign-in reset")
        indexes = [models.Index(fields=["user", "-at"], name="twofactor_reset_user_at")]
