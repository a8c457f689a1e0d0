"""The portal's background work (Huey): a notice without content when a message arrives.

A notice is sent at most once per message and recipient (`jobs.delivery.email_once` under the key
``message:<message id>:to:<user id>``), so a retried or doubled task sends nothing twice. It says only that there
is a new message in rugpad: never who wrote it or what it says."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _
from huey.contrib.djhuey import db_task  # type: ignore[import-untyped, unused-ignore]

from rugpad.web.audit.log import record
from rugpad.web.audit.models import AuditAction
from rugpad.web.jobs.delivery import email_once
from rugpad.web.portal.models import Message
from rugpad.web.practice.models import Role, User

TREATING_AUTHORS = 10
"""At most this many clinicians who wrote in a thread hear of a patient's new message (besides the patient's own
clinician and the one who opened the episode)."""


def recipients(message: Message) -> list[User]:
    """Who hears of the message: the patient for a clinician's message; for the patient's, the clinicians who treat
    the episode — the patient's clinician, the clinician who opened the episode, and those who wrote in the thread —
    as long as they are active clinicians of the practice."""
    patient = message.patient
    if not message.from_patient:
        return [patient.user] if patient.user is not None and patient.user.is_active else []
    ids = {patient.clinician_id, message.episode.created_by_id if message.episode else None}
    if message.episode_id is not None:
        ids.update(
            Message.objects.filter(episode_id=message.episode_id, from_patient=False, author__isnull=False)
            .order_by()
            .values_list("author_id", flat=True)
            .distinct()[:TREATING_AUTHORS]
        )
    ids.discard(None)
    return list(
        User.objects.filter(pk__in=ids, is_active=True, role=Role.CLINICIAN, practice_id=patient.practice_id).order_by(
            "pk"
        )
    )


def send_message_notices(message_id: int) -> int:
    """E-mails each recipient a notice without content, once; returns how many were sent now."""
    message = (
        Message.objects.select_related("patient__user", "patient__practice", "episode").filter(pk=message_id).first()
    )
    if message is None:
        return 0
    sent = 0
    for user in recipients(message):
        with translation.override(user.preferred_language or "nl"):
            subject = _("New message in rugpad")
            body = _("You have a new message in rugpad.")
        if email_once(f"message:{message.pk}:to:{user.pk}", user, subject, body):
            record(
                None,
                AuditAction.EXPORT,
                message,
                patient_id=message.patient_id,
                summary=f"new-message notice e-mailed to user {user.pk} (no content)",
                practice=message.patient.practice,
            )
            sent += 1
    return sent


@db_task()  # type: ignore[untyped-decorator, unused-ignore]
def notify_new_message(message_id: int) -> None:
    send_message_notices(message_id)
