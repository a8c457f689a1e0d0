"""What a notification says and how it goes out: e-mail, and Web Push to a phone that installed the app.

A notification carries no clinical content, whatever it is about: only that there is something for the person in
rugpad, in their language (`plain_text`). Each is sent under a key (`delivery.claim`), so a retried or doubled job
sends nothing twice. Push needs the VAPID keys (RUGPAD_VAPID_PUBLIC_KEY, RUGPAD_VAPID_PRIVATE_KEY and
RUGPAD_VAPID_SUBJECT); without them push is off and e-mail alone is used."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from rugpad.web.jobs.delivery import claim, email_once, release
from rugpad.web.jobs.models import PushSubscription
from rugpad.web.practice.models import User

logger = logging.getLogger(__name__)

GONE = (404, 410)
"""The push service's answer for a subscription that no longer exists (the app was removed, permission withdrawn)."""


@dataclass(frozen=True, slots=True)
class PlainText:
    subject: str
    body: str


def plain_text(user: User) -> PlainText:
    """The one text of every notification, in the person's language."""
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        return PlainText(
            subject=_("There is something for you in rugpad"),
            body=_("There is something for you in rugpad. Sign in to rugpad to see it."),
        )


def push_enabled() -> bool:
    """Push is on only when all three VAPID settings are present."""
    return bool(
        settings.RUGPAD_VAPID_PUBLIC_KEY and settings.RUGPAD_VAPID_PRIVATE_KEY and settings.RUGPAD_VAPID_SUBJECT
    )


def push_once(key: str, user: User, text: PlainText) -> bool:
    """Pushes the text to every browser the user subscribed, once per browser under `key`; True if any took it.
    A subscription the push service no longer knows is forgotten; any other failure gives the key back (logged)."""
    if not push_enabled():
        return False
    from pywebpush import WebPushException, webpush  # type: ignore[import-untyped]

    sent = False
    subject = settings.RUGPAD_VAPID_SUBJECT
    for subscription in PushSubscription.objects.filter(user=user):
        each = f"{key}:push:{subscription.pk}"
        if not claim(each, user, "push"):
            continue
        try:
            webpush(
                subscription_info={
                    "endpoint": subscription.endpoint,
                    "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
                },
                data=json.dumps({"title": "rugpad", "body": text.body}),
                vapid_private_key=settings.RUGPAD_VAPID_PRIVATE_KEY,
                vapid_claims={"sub": subject if ":" in subject else f"mailto:{subject}"},
                ttl=12 * 3600,
                timeout=10,
            )
        except WebPushException as error:
            status = getattr(error.response, "status_code", None)
            if status in GONE:
                subscription.delete()
            else:
                release(each)
                logger.warning("push to subscription %s failed: %s", subscription.pk, status or error)
            continue
        sent = True
    return sent


@dataclass(frozen=True, slots=True)
class Sent:
    email: bool
    push: bool

    @property
    def any(self) -> bool:
        return self.email or self.push


def notify_once(key: str, user: User) -> Sent:
    """The plain notification by e-mail and by push, each at most once under `key`."""
    text = plain_text(user)
    return Sent(email=email_once(key, user, text.subject, text.body), push=push_once(key, user, text))
