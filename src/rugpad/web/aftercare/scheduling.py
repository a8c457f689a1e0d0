"""The work of the daily aftercare job (`tasks.py` hands it to Huey): tell each patient whose check-in has come
that there is something for them in rugpad.

The job may run twice at once (a retry; several workers each running the periodic scheduler) and tells nobody
twice: each check-in is claimed first (a conditional UPDATE of its `notified_at`, which one run alone wins), and the
notice itself goes out under a delivery key naming the check-in and its day (`jobs.notify.notify_once`). A notice
says only that there is something in rugpad — never what (the jobs app's rule: no clinical content in e-mail or
push). Only the check-in asked now is announced (`engine.checkin_statuses`): not a missed one, not one whose
aftercare ended because a newer episode started, and not for a patient without an active login."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import transaction

from rugpad.core.aftercare import CheckinStatus
from rugpad.web.aftercare import clinical
from rugpad.web.aftercare.models import CheckIn
from rugpad.web.audit.log import record
from rugpad.web.audit.models import AuditAction
from rugpad.web.jobs.notify import channels, notify_once
from rugpad.web.jobs.scheduling import BATCH, on_behalf_of

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class NoticeRun:
    notified: int
    """Check-ins whose patient was told (by e-mail, push, or neither when no channel reached them)."""
    skipped: int
    """Check-ins not announced: missed, ended, already told, or a patient without an active login."""


def notice_key(checkin: CheckIn) -> str:
    """The delivery key of a check-in's notice: a day moved by the clinician is a new notice."""
    return f"aftercare-checkin:{checkin.pk}:{checkin.due_on.isoformat()}"


def notify_due_checkins(today: dt.date, now: dt.datetime) -> NoticeRun:
    notified = skipped = 0
    ids = list(
        CheckIn.objects.filter(answered_at__isnull=True, notified_at__isnull=True, due_on__lte=today)
        .order_by("due_on", "id")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), BATCH):
        batch = CheckIn.objects.filter(pk__in=ids[start : start + BATCH]).select_related(
            "plan__episode", "patient__user", "patient__practice"
        )
        for checkin in batch.order_by("due_on", "id"):
            try:
                told = _notify(checkin, today, now)
            except Exception:  # a failing mail server stops this notice, not the others'; the next run retries
                logger.exception("aftercare check-in %s not announced", checkin.pk)
                told = False
            notified += told
            skipped += not told
    return NoticeRun(notified, skipped)


def _notify(checkin: CheckIn, today: dt.date, now: dt.datetime) -> bool:
    user = checkin.patient.user
    if user is None or not user.is_active or not _asked_now(checkin, today):
        return False
    if not CheckIn.objects.filter(pk=checkin.pk, notified_at__isnull=True).update(notified_at=now):
        return False  # another run claimed it
    try:
        sent = notify_once(notice_key(checkin), user)
    except Exception:
        CheckIn.objects.filter(pk=checkin.pk).update(notified_at=None)  # given back: a retry may send it
        raise
    with transaction.atomic():
        record(
            on_behalf_of(None),
            AuditAction.UPDATE,
            checkin,
            patient_id=checkin.patient_id,
            practice=checkin.patient.practice,
            summary=f"check-in week {checkin.weeks} announced: {channels(sent) or 'no channel reached the patient'}",
        )
    return True


def _asked_now(checkin: CheckIn, today: dt.date) -> bool:
    plan = checkin.plan
    moments = list(plan.checkins.all())
    statuses = clinical.statuses(moments, today, ended=clinical.newer_episode_started(plan))
    return statuses[[m.pk for m in moments].index(checkin.pk)] is CheckinStatus.DUE
