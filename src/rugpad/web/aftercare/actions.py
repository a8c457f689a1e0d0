"""Every write of the aftercare app: each owns its transaction and writes its audit event inside it.

The actor is request-shaped, as in every other app (a page's request, `demo.as_user`, or the jobs'
`on_behalf_of`): the audit trail names the user, the address and the agent. A ticked alarm sign goes through the
portal's own diary action, so it is judged, raised and shown exactly as a diary alarm is."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from rugpad import engine
from rugpad.core.aftercare import PAIN_MAX, AftercareStatus, CheckinAnswers, CheckinStatus
from rugpad.core.errors import InvalidInput
from rugpad.web.aftercare import clinical
from rugpad.web.aftercare.models import AftercarePlan, CheckIn, Outcome, RecurrenceFlag
from rugpad.web.audit.log import record
from rugpad.web.audit.models import AuditAction
from rugpad.web.care.models import Episode, EpisodeStatus
from rugpad.web.plans.models import ItemKind, PlanItem
from rugpad.web.portal import actions as portal_actions
from rugpad.web.practice.models import request_user


def maintenance_candidates(episode: Episode) -> list[PlanItem]:
    """The exercises a maintenance programme may keep: those of the episode's plan as it last stood."""
    plan = getattr(episode, "treatment_plan", None)
    version = plan.current() if plan is not None else None
    if version is None:
        return []
    return [item for item in version.ordered_items() if item.kind == ItemKind.EXERCISE]


@transaction.atomic
def do_save_aftercare(
    request: HttpRequest,
    episode: Episode,
    *,
    discharged_on: dt.date,
    baseline_pain: int | None,
    exercise_ids: Sequence[int],
    advice: str,
    weeks: Sequence[int],
) -> AftercarePlan:
    """Sets (or changes) the maintenance after a discharged episode: the exercises kept from its plan, advice, the
    pain at discharge and the check-in moments. An answered check-in stays as it was answered; an unanswered one
    no longer wanted goes, and one whose day moved may be announced again. InvalidInput names the field."""
    episode = Episode.objects.select_for_update().select_related("patient").get(pk=episode.pk)
    if episode.status != EpisodeStatus.CLOSED:
        raise InvalidInput("episode", "is not discharged")
    if discharged_on < episode.started_on:
        raise InvalidInput("discharged_on", "is before the first contact")
    if baseline_pain is not None and not 0 <= baseline_pain <= PAIN_MAX:
        raise InvalidInput("baseline_pain", f"is not a pain score from 0 to {PAIN_MAX}")
    days = dict(zip(weeks, engine.checkin_dates(discharged_on, weeks), strict=True))
    allowed = {item.pk: item for item in maintenance_candidates(episode)}
    unknown = [pk for pk in exercise_ids if pk not in allowed]
    if unknown:
        raise InvalidInput("exercises", "only exercises of the episode's plan can be kept")

    plan = AftercarePlan.objects.filter(episode=episode).first()
    created = plan is None
    user = request_user(request)
    plan = plan or AftercarePlan(episode=episode, patient=episode.patient, practice_id=episode.patient.practice_id)
    plan.discharged_on, plan.baseline_pain, plan.advice = discharged_on, baseline_pain, advice.strip()
    plan.updated_by = user
    if created:
        plan.created_by = user
    plan.save()
    plan.exercises.set([allowed[pk] for pk in exercise_ids])
    _sync_checkins(plan, days)
    weeks_text = ", ".join(str(w) for w in days)
    record(
        request,
        AuditAction.CREATE if created else AuditAction.UPDATE,
        plan,
        patient_id=plan.patient_id,
        summary=f"aftercare plan: {len(exercise_ids)} exercises kept, check-ins at weeks {weeks_text}",
    )
    return plan


def _sync_checkins(plan: AftercarePlan, days: dict[int, dt.date]) -> None:
    existing = {checkin.weeks: checkin for checkin in plan.checkins.select_for_update()}
    for weeks, checkin in existing.items():
        if checkin.answered_at is not None:
            continue  # the patient's answers are kept as given, whatever the moments become
        if weeks not in days:
            checkin.delete()
        elif checkin.due_on != days[weeks]:
            checkin.due_on, checkin.notified_at = days[weeks], None
            checkin.save(update_fields=["due_on", "notified_at"])
    for weeks, day in days.items():
        if weeks not in existing:
            CheckIn.objects.create(
                plan=plan, patient_id=plan.patient_id, practice_id=plan.practice_id, weeks=weeks, due_on=day
            )


@transaction.atomic
def do_answer_checkin(
    request: HttpRequest,
    checkin: CheckIn,
    *,
    pain: int,
    limited_again: bool,
    came_back: bool,
    alarms: Sequence[str],
    key: uuid.UUID | None,
    today: dt.date,
) -> tuple[CheckIn, bool]:
    """Keeps the patient's answers to a due check-in with the engine's verdict, raises a recurrence flag when the
    verdict is a recurrence, and sends ticked alarm signs through the diary (the portal's red-flag path). The same
    key again, or a check-in already answered, stores nothing (created=False). InvalidInput("checkin") when it is
    not the check-in asked now, ("key") for a key of another check-in."""
    if key is not None and (twin := CheckIn.objects.filter(key=key).first()) is not None:
        if twin.pk != checkin.pk:
            raise InvalidInput("key", "already used")
        return twin, False
    checkin = (
        CheckIn.objects.select_for_update().select_related("plan__episode", "patient__practice").get(pk=checkin.pk)
    )
    if checkin.answered_at is not None:
        return checkin, False
    plan = checkin.plan
    moments = list(plan.checkins.all())
    status = clinical.statuses(moments, today, ended=clinical.newer_episode_started(plan))
    if status[[m.pk for m in moments].index(checkin.pk)] is not CheckinStatus.DUE:
        raise InvalidInput("checkin", "is not the check-in asked now")
    answers = CheckinAnswers(pain, limited_again, came_back, alarm_signs=len(alarms))
    verdict = engine.assess_checkin(plan.baseline_pain, answers)
    if alarms:
        checkin.diary_entry = portal_actions.do_save_diary(
            request, checkin.patient, {"day": today, "pain_now": pain, "alarms": list(alarms)}
        )
    checkin.key, checkin.answered_at, checkin.answered_by = key, timezone.now(), request_user(request)
    checkin.pain, checkin.limited_again, checkin.came_back, checkin.alarms = (
        pain,
        limited_again,
        came_back,
        list(alarms),
    )
    checkin.status, checkin.rule_id = verdict.status.value, verdict.rule_id
    checkin.applied, checkin.pain_change = list(verdict.applied), verdict.pain_change
    checkin.save()
    record(
        request,
        AuditAction.UPDATE,
        checkin,
        patient_id=checkin.patient_id,
        summary=f"check-in week {checkin.weeks} answered: {verdict.status} ({verdict.rule_id})"
        + (f", {len(alarms)} alarm signs" if alarms else ""),
    )
    if verdict.status is AftercareStatus.RECURRENCE:
        flag = RecurrenceFlag.objects.create(
            checkin=checkin,
            plan=plan,
            patient_id=checkin.patient_id,
            practice_id=checkin.practice_id,
            rule_id=verdict.rule_id,
            raised_at=checkin.answered_at,
        )
        record(request, AuditAction.CREATE, flag, patient_id=flag.patient_id, summary=f"recurrence {verdict.rule_id}")
    return checkin, True


@transaction.atomic
def do_handle_flag(request: HttpRequest, flag: RecurrenceFlag, *, outcome: str, note: str) -> RecurrenceFlag:
    """Closes a recurrence flag with what the practice did (invited, a new episode opened, or none needed) and a
    note saying so. InvalidInput names `note`, `outcome`, or `flag` when it was handled already."""
    flag = RecurrenceFlag.objects.select_for_update().get(pk=flag.pk)
    if not flag.is_open:
        raise InvalidInput("flag", "was handled already")
    if outcome not in Outcome.values:
        raise InvalidInput("outcome", f"{outcome!r} is not one of {', '.join(Outcome.values)}")
    if not note.strip():
        raise InvalidInput("note", "say what was done")
    flag.is_open, flag.handled_at, flag.handled_by = False, timezone.now(), request_user(request)
    flag.outcome, flag.note = outcome, note.strip()
    flag.save(update_fields=["is_open", "handled_at", "handled_by", "outcome", "note"])
    record(request, AuditAction.UPDATE, flag, patient_id=flag.patient_id, summary=f"recurrence flag handled: {outcome}")
    return flag
