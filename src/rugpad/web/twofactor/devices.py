"""Reading a user's second factors (django-otp devices) and the throttle on wrong codes.

A user's two-step sign-in is one authenticator app (a `TOTPDevice`, unconfirmed until the user has typed one of its
codes) and one sheet of recovery codes (a `RecoveryDevice` holding `RECOVERY_CODES` single-use codes as keyed
hashes, `models.py`, made when the app is confirmed). Sign-in with a confirmed app:

    password (ThrottledLoginView) ──► signed in, not verified ──► code page ──► verified (django_otp.login)
                                            │ any other page: TwoFactorMiddleware sends it to the code page
                                            ▼
                      wrong codes: RUGPAD_2FA_FAILURE_LIMIT within RUGPAD_2FA_LOCKOUT_HOURS ──► locked

Wrong codes are counted from the audit log (each is a `login_failed` event of the account, by the account), so the
lock holds across sessions, workers and machines: signing in again with the password starts no new count.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from base64 import b32encode

import qrcode.image.svg  # type: ignore[import-untyped]
from django.conf import settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice  # type: ignore[import-untyped]

from rugpad.web.audit.models import AuditAction, AuditEvent
from rugpad.web.practice.models import Role, User
from rugpad.web.twofactor.models import RecoveryCode, RecoveryDevice

RECOVERY_CODES = 10
"""Recovery codes on one sheet; each signs in once."""

TOTP_DIGITS = 6
"""An authenticator app's code: six digits (django-otp's default, what every app shows)."""

FAILED_CODE = "two-step sign-in: wrong code"
"""The audit summary of a wrong code, by which the lock counts them."""

APP_NAME = "authenticator app"
RECOVERY_NAME = "recovery codes"

ROLES_REQUIRED = (Role.ADMIN, Role.CLINICIAN)
"""Who must use two-step sign-in when `RUGPAD_REQUIRE_2FA` is on: everybody who can reach patient records or the
practice (NEN 7510); patients may choose it."""


def required_for(user: User) -> bool:
    """Must this user sign in with a second step? Clinicians and admins (a Django superuser too: its role is a
    clinician's by default) in a deployment with `RUGPAD_REQUIRE_2FA`; patients never."""
    return bool(settings.RUGPAD_REQUIRE_2FA) and user.role in ROLES_REQUIRED


def confirmed_app(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def has_second_step(user: User) -> bool:
    """The user has a confirmed authenticator app, so a password alone does not sign them in. One query."""
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def recovery_codes_left(user: User) -> int:
    return int(RecoveryCode.objects.filter(device__user=user, device__confirmed=True).count())


def secret_of(device: TOTPDevice) -> str:
    """The app's secret as a person types it: base32 in groups of four ("ABCD EFGH …")."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


SVG = "http://www.w3.org/2000/svg"


def qr_svg(device: TOTPDevice, label: str) -> str:
    """The app's otpauth:// address as a QR code: inline SVG with presentation attributes only (the page's
    Content-Security-Policy allows no style attribute and no <style>), sized by the stylesheet. The address holds
    the secret: it is drawn, never logged or stored elsewhere."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathFillImage, border=4)
    ET.register_namespace("", SVG)
    root = image.get_image()
    for name in ("width", "height"):
        root.attrib.pop(name, None)
    root.set("class", "twofactor-qr")
    root.set("role", "img")
    root.set("aria-label", label)
    root.set("shape-rendering", "crispEdges")
    return ET.tostring(root, encoding="unicode")


def _lock_window() -> dt.timedelta:
    return dt.timedelta(hours=float(settings.RUGPAD_2FA_LOCKOUT_HOURS))


def wrong_codes(user: User, now: dt.datetime | None = None) -> int:
    """Wrong codes the user typed within the lock window (any session, any address)."""
    since = (now or timezone.now()) - _lock_window()
    return AuditEvent.objects.filter(
        actor=user, action=AuditAction.LOGIN_FAILED, summary=FAILED_CODE, at__gte=since
    ).count()


def locked(user: User, now: dt.datetime | None = None) -> bool:
    """Too many wrong codes lately: no code is tried (a right one neither) until the oldest of them has aged out."""
    return wrong_codes(user, now) >= int(settings.RUGPAD_2FA_FAILURE_LIMIT)


def normalised(code: str) -> str:
    """A code as typed, without the spaces and dashes people add, lower case (recovery codes are base32)."""
    return "".join(ch for ch in code if ch not in " -\t").lower()


def is_app_code(code: str) -> bool:
    return len(code) == TOTP_DIGITS and code.isascii() and code.isdigit()


def recovery_devices(user: User) -> list[RecoveryDevice]:
    return list(RecoveryDevice.objects.filter(user=user, confirmed=True).order_by("id"))
