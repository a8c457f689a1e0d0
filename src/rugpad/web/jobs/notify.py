"""What a notification says and how it goes out: e-mail, and Web Push to a phone that installed the app.

A notification carries no clinical content, whatever it is about: only that there is something for the person in
rugpad, in their language (`plain_text`). Each is sent under a key (`delivery.claim`), so a retried or doubled job
sends nothing twice. Push needs the VAPID keys (RUGPAD_VAPID_PUBLIC_KEY, RUGPAD_VAPID_PRIVATE_KEY and
RUGPAD_VAPID_SUBJECT); without them push is off and e-mail alone is used."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, Protocol, cast

from django.conf import settings
from django.db import models, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from rugpad.web.jobs.delivery import claim, email_once, release
from rugpad.web.jobs.models import PushSubscription
from rugpad.web.practice.models import Practice, User

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


class SentRow(Protocol):
    """A reminder row that records which channels reached its reader."""

    by_email: bool
    by_push: bool

    def save(self, *, update_fields: list[str]) -> None: ...

    def delete(self) -> Any: ...


def channels(sent: Sent) -> str:
    """The channels that reached the reader, in words for the audit log ("e-mail, push"; "" for none)."""
    return ", ".join(name for name, used in (("e-mail", sent.email), ("push", sent.push)) if used)


def send_claimed(
    row: SentRow, key: str, user: User, *, what: str, practice: Practice, patient_id: int | None, reader: str
) -> None:
    """Sends the plain notice for a reminder row the caller has just claimed (one row per reminder, unique), once
    under `key`, records the channels on the row and audits it. A failing mail server gives the row back (deleted) so
    the next run may try again; a row whose notice reached nobody stays, and the moment is not retried."""
    from rugpad.web.audit.log import record
    from rugpad.web.audit.models import AuditAction
    from rugpad.web.jobs.scheduling import on_behalf_of

    try:
        sent = notify_once(key, user)
    except Exception:
        row.delete()
        raise
    with transaction.atomic():
        row.by_email, row.by_push = sent.email, sent.push
        row.save(update_fields=["by_email", "by_push"])
        record(
            on_behalf_of(None),
            AuditAction.CREATE,
            cast(models.Model, row),
            patient_id=patient_id,
            practice=practice,
            summary=f"{what}: {channels(sent) or f'no channel reached the {reader}'}",
        )


def notify_once(key: str, user: User) -> Sent:
    """The plain notification by e-mail and by push, each at most once under `key`."""
    text = plain_text(user)
    return Sent(email=email_once(key, user, text.subject, text.body), push=push_once(key, user, text))
