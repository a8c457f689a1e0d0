"""Every write of two-step sign-in, each in one transaction with its audit event (on the account it concerns).

The audit events name the account, not the device (the admin's audit page names record kinds in words, and an
account is what the admin looks for); the summary says what happened. Codes and secrets are never written to it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.http import HttpRequest
from django_otp import verify_token  # type: ignore[import-untyped]
from django_otp.models import Device  # type: ignore[import-untyped]
from django_otp.plugins.otp_totp.models import TOTPDevice  # type: ignore[import-untyped]

from rugpad.web.audit.log import record
from rugpad.web.audit.models import AuditAction
from rugpad.web.care.models import Patient
from rugpad.web.practice.accounts import end_sessions
from rugpad.web.practice.models import User
from rugpad.web.twofactor import tasks
from rugpad.web.twofactor.devices import (
    APP_NAME,
    FAILED_CODE,
    RECOVERY_CODES,
    RECOVERY_NAME,
    is_app_code,
    normalised,
)
from rugpad.web.twofactor.models import IdentityCheck, RecoveryDevice, TwoStepReset, grouped, new_code, new_salt


def do_start_enrolment(user: User) -> TOTPDevice:
    """The user's unconfirmed authenticator app: the one they began with (a reload keeps the secret they may
    already have scanned), or a new one with a fresh secret. Nothing to audit: it signs nobody in until confirmed
    (`do_confirm_app`)."""
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=False)
        return device


def do_confirm_app(request: HttpRequest, user: User, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirms the app when `code` is one of its codes, and makes the first recovery codes; returns them (to be
    shown once), or None for a wrong code. Another app of the user (an earlier one) is removed: one app each."""
    code = normalised(code)
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().filter(pk=device.pk, user=user, confirmed=False).first()
        if locked is None:  # confirmed (or replaced) by another request meanwhile: this one confirms nothing
            return None
        device = locked
        if not (is_app_code(code) and device.verify_token(code)):
            return None
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        record(request, AuditAction.CREATE, user, actor=user, summary="two-step sign-in: authenticator app confirmed")
        return _new_recovery_codes(request, user)


def do_new_recovery_codes(request: HttpRequest, user: User) -> list[str]:
    """A new sheet of recovery codes; the earlier ones stop working."""
    with transaction.atomic():
        return _new_recovery_codes(request, user)


def _new_recovery_codes(request: HttpRequest, user: User) -> list[str]:
    """The codes as shown once (grouped, "abcd efgh ijkl"); the database keeps only their digests. The user's sheet
    keeps its row (a new salt, new codes): a session verified with one of its codes stays verified, as django-otp
    ties the session to the device's row."""
    device = RecoveryDevice.objects.select_for_update().filter(user=user).order_by("id").first()
    if device is None:
        device = RecoveryDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    else:
        RecoveryDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.codes.all().delete()
        device.salt, device.confirmed = new_salt(), True
        device.throttle_reset(commit=False)
        device.save()
    codes: list[str] = []
    while len(codes) < RECOVERY_CODES:
        code = new_code()
        if code not in codes:
            codes.append(code)
    device.add_codes(codes)
    record(request, AuditAction.CREATE, user, actor=user, summary=f"two-step sign-in: {len(codes)} recovery codes made")
    return [grouped(code) for code in codes]


@dataclass(frozen=True)
class CodeCheck:
    """What a typed code did: `device` signed in, or it was wrong, or nothing was tried because the device asks for
    a pause after recent wrong codes (django-otp's back-off: 1, 2, 4 … seconds)."""

    device: Device | None = None
    wait: bool = False


def do_check_code(request: HttpRequest, user: User, code: str) -> CodeCheck:
    """Checks `code` — six digits for the app, anything else a recovery code (used up by this). A wrong code is
    audited as a failed login of the account, by the account: the lock counts these."""
    code = normalised(code)
    model: type[Device] = TOTPDevice if is_app_code(code) else RecoveryDevice
    candidates = list(model.objects.filter(user=user, confirmed=True).order_by("id"))
    if candidates and not any(candidate.verify_is_allowed()[0] for candidate in candidates):
        return CodeCheck(wait=True)
    for candidate in candidates:
        # django-otp's verify_token locks the device row while it checks: a recovery code used by two requests at
        # once signs in only one of them.
        device = verify_token(user, candidate.persistent_id, code)
        if device is not None:
            what = "authenticator app code" if isinstance(device, TOTPDevice) else "recovery code used"
            record(request, AuditAction.LOGIN, user, actor=user, summary=f"two-step sign-in: {what}")
            return CodeCheck(device=device)
    record(request, AuditAction.LOGIN_FAILED, user, actor=user, summary=FAILED_CODE)
    return CodeCheck()


def do_turn_off(request: HttpRequest, user: User) -> None:
    """The user's own choice to sign in with the password alone again (only where it is not required)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        RecoveryDevice.objects.filter(user=user).delete()
        record(request, AuditAction.UPDATE, user, actor=user, summary="two-step sign-in: turned off by the user")


def _remove_devices(user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryDevice.objects.filter(user=user).delete()


def do_reset(request: HttpRequest, admin: User, target: User) -> None:
    """A practice admin removes a colleague's app and recovery codes (a lost phone): their sessions end — one may
    be open on the lost phone — and their next sign-in asks them to set it up again."""
    with transaction.atomic():
        _remove_devices(target)
        ended = end_sessions(target)
        record(
            request,
            AuditAction.UPDATE,
            target,
            actor=admin,
            summary=f"two-step sign-in of {target.get_username()} reset by the practice admin; sessions ended: {ended}",
            practice=target.practice,
        )


CHECK_WORDS = {
    IdentityCheck.IN_PERSON_DOCUMENT: "in person, identity document",
    IdentityCheck.IN_PERSON_KNOWN: "in person, known from treatment",
    IdentityCheck.VIDEO_DOCUMENT: "video call, identity document",
}
"""How the identity was checked, in the audit trail's words (its summaries are English, like every other)."""


def do_reset_patient(
    request: HttpRequest, clinician: User, patient: Patient, identity_check: IdentityCheck, note: str
) -> TwoStepReset | None:
    """A clinician of the patient's practice, having checked who the patient is, removes the patient's app and
    recovery codes (a lost phone): every session of the patient ends (one may be open on the lost phone), their
    next sign-in is with the password
    alone, and they are told by e-mail. The caller has loaded `patient` through `care.access` (the clinician's
    reach). None when the patient has no two-step sign-in to reset (nothing written)."""
    account = patient.user
    if account is None:
        return None
    with transaction.atomic():
        if not TOTPDevice.objects.select_for_update().filter(user=account, confirmed=True).exists():
            return None
        _remove_devices(account)
        reset = TwoStepReset.objects.create(user=account, reset_by=clinician, identity_check=identity_check, note=note)
        ended = end_sessions(account)
        record(
            request,
            AuditAction.UPDATE,
            account,
            actor=clinician,
            patient_id=patient.pk,
            practice=patient.practice,
            summary=f"two-step sign-in of the patient reset by a clinician after an identity check "
            f"({CHECK_WORDS[identity_check]}); sessions ended: {ended}",
        )
        reset_id = reset.pk
        transaction.on_commit(lambda: tasks.send_reset_notice(reset_id))
    return reset
