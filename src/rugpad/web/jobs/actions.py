"""Every write of the jobs app's pages: each owns its transaction and writes its audit event inside it."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.http import HttpRequest

from rugpad.web.audit.log import record
from rugpad.web.audit.models import AuditAction
from rugpad.web.care.models import Patient
from rugpad.web.jobs.models import PushSubscription, ReminderSettings
from rugpad.web.practice.models import User


def reminder_settings(user: User) -> ReminderSettings:
    """The user's reminder settings as stored, or the defaults (both off) when they never chose (not saved)."""
    found = ReminderSettings.objects.filter(user=user).first()
    return found if found is not None else ReminderSettings(user=user)


@transaction.atomic
def do_save_reminder_settings(
    request: HttpRequest, patient: Patient, user: User, *, exercises: bool, questionnaires: bool, at: dt.time
) -> ReminderSettings:
    settings, created = ReminderSettings.objects.select_for_update().get_or_create(user=user)
    settings.exercises, settings.questionnaires, settings.at = exercises, questionnaires, at
    settings.save()
    on = [name for name, wanted in (("exercises", exercises), ("questionnaires", questionnaires)) if wanted]
    record(
        request,
        AuditAction.CREATE if created else AuditAction.UPDATE,
        settings,
        patient_id=patient.pk,
        summary=f"reminders: {', '.join(on) or 'off'} at {at:%H:%M}",
    )
    return settings


@transaction.atomic
def do_subscribe_push(
    request: HttpRequest, patient: Patient, user: User, *, endpoint: str, p256dh: str, auth: str
) -> tuple[PushSubscription, bool]:
    """Keeps a browser's push subscription for this login (the same browser again replaces its keys; a browser
    another login subscribed before now belongs to this one: one phone, one person signed in)."""
    subscription, created = PushSubscription.objects.update_or_create(
        endpoint=endpoint, defaults={"user": user, "p256dh": p256dh, "auth": auth}
    )
    record(
        request,
        AuditAction.CREATE if created else AuditAction.UPDATE,
        subscription,
        patient_id=patient.pk,
        summary="push reminders switched on for a browser",
    )
    return subscription, created


@transaction.atomic
def do_unsubscribe_push(request: HttpRequest, patient: Patient, user: User, *, endpoint: str) -> bool:
    subscription = PushSubscription.objects.filter(user=user, endpoint=endpoint).first()
    if subscription is None:
        return False
    record(request, AuditAction.UPDATE, subscription, patient_id=patient.pk, summary="push reminders switched off")
    subscription.delete()
    return True
