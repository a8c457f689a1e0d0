"""The groups app's background jobs (found by djhuey's autodiscovery of `tasks` modules): the invitation mail and
the participants' reminders. Both are idempotent: a retried or doubled job sends nothing twice.

The invitation's token is made here, in the worker, and only its digest stored, so no link ever sits in the job
queue (the practice app's staff invitations work the same way). Crontabs are in UTC; reminder times are local,
judged in `scheduling`."""

from __future__ import annotations

import secrets

from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from huey import crontab  # type: ignore[import-untyped]
from huey.contrib.djhuey import db_periodic_task, db_task  # type: ignore[import-untyped]

from rugpad.web.audit.log import record
from rugpad.web.audit.models import AuditAction
from rugpad.web.groups import scheduling
from rugpad.web.groups.models import Participant
from rugpad.web.practice.accounts import token_digest


@db_task(retries=3, retry_delay=60)  # type: ignore[untyped-decorator]
def send_group_invitation(participant_id: int, send_number: int, link_base: str) -> bool:
    """Mails send `send_number` of an invitation with a fresh link; False (nothing sent) when that send is no longer
    wanted (resent since, joined, left, expired) or went out already."""
    token = secrets.token_urlsafe(32)
    digest = token_digest(token)
    with transaction.atomic():
        claimed = Participant.objects.filter(
            pk=participant_id,
            sends=send_number,
            mailed__lt=send_number,
            joined_at__isnull=True,
            expires_at__gt=timezone.now(),
        ).update(digest=digest, mailed=send_number)
    if not claimed:
        return False
    participant = Participant.objects.select_related("group__practice").get(pk=participant_id)
    group = participant.group
    with translation.override(participant.language):
        # the practice and the group by name, the link and its expiry: nothing about anybody's health
        body = _(
            "Hello %(name)s,\n\n"
            "%(practice)s invites you to the exercise programme of %(group)s in rugpad.\n\n"
            "Open this link to choose your password (it works once, until %(expires)s):\n%(link)s\n"
        ) % {
            "name": participant.name,
            "practice": group.practice.name,
            "group": group.name,
            "expires": timezone.localtime(participant.expires_at).strftime("%d-%m-%Y %H:%M"),
            "link": link_base.rstrip("/") + reverse("groups_join", args=[token]),
        }
        subject = _("Your exercise programme in rugpad")
    try:
        send_mail(subject, body, None, [participant.email])
    except Exception:
        # give the send back, so the retry makes a new link and mails it
        Participant.objects.filter(pk=participant_id, mailed=send_number, digest=digest).update(
            digest=None, mailed=send_number - 1
        )
        raise
    record(
        None,
        AuditAction.EXPORT,
        participant,
        practice=group.practice,
        summary=f"group invitation e-mailed (send {send_number})",
    )
    return True


@db_periodic_task(crontab(minute="*/5"))  # type: ignore[untyped-decorator]
def send_group_reminders() -> int:
    """Every five minutes: the participants whose reminder time has come on one of their exercise days."""
    return len(scheduling.send_group_reminders(timezone.now()))
