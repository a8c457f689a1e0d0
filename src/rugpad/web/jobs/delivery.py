"""Sending a notification at most once per key, whatever the number of workers or retries.

The key is claimed first (an insert under a unique constraint); whoever inserts it sends. A send that fails gives
the key back, so a retry may send it again. Texts carry no clinical content: only that there is something for the
person in rugpad (`PLAIN_SUBJECT`/`PLAIN_BODY` in the reader's language, chosen by the caller)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from rugpad.web.jobs.models import Delivery
from rugpad.web.practice.models import User


def claim(key: str, recipient: User, channel: str) -> bool:
    """True when this caller may send under `key` (nobody has before)."""
    try:
        with transaction.atomic():
            Delivery.objects.create(key=key, recipient=recipient, channel=channel)
    except IntegrityError:
        return False
    return True


def release(key: str) -> None:
    """Gives a key back after a failed send, so that a retry can send it."""
    Delivery.objects.filter(key=key).delete()


def email_once(key: str, recipient: User, subject: str, body: str) -> bool:
    """Sends one e-mail under `key`; False (and nothing sent) when the key was sent before or there is no address."""
    if not recipient.email or not claim(key, recipient, "email"):
        return False
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email])
    except Exception:
        release(key)
        raise
    return True
