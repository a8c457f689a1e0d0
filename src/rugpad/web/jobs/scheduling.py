"""The work of the periodic jobs (`tasks.py` hands these to Huey): questionnaires that fall due, and reminders.

Both may run twice at once (a retry; several `rugpad worker`s each running the periodic scheduler) and send
nothing twice:

- a due questionnaire is requested by `outcomes.actions.do_request_due`, which looks for what is missing only after
  it has locked the episode's row (PostgreSQL's SELECT … FOR UPDATE; on SQLite every write transaction begins
  IMMEDIATE, queued on the database's writer lock), so a second run finds it requested — a conditional insert.
  The patient's notice is sent under a key naming the first new request (`delivery.claim`);
- a reminder first claims its `Reminder` row, unique per patient, kind and local day, and only its claimant sends.

Neither decides anything clinical: whether an episode is closed or has an open red flag, and whether its exercises
may go on, is read from the episode's one clinical state (`care.clinical.states_of`)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from rugpad.core.vocab import Lang
from rugpad.web.care.actions import do_store_pending_flags
from rugpad.web.care.clinical import states_of
from rugpad.web.care.models import Episode, EpisodeStatus, InstrumentResponse, Patient, ResponseStatus
from rugpad.web.jobs.models import Reminder, ReminderKind, ReminderSettings
from rugpad.web.jobs.notify import notify_once, send_claimed
from rugpad.web.outcomes import actions as outcomes_actions
from rugpad.web.plans.access import newest_plan
from rugpad.web.plans.models import ExerciseSetLog
from rugpad.web.plans.queries import views_of
from rugpad.web.practice.models import Role, User

logger = logging.getLogger(__name__)

JOB_AGENT = "rugpad background job"
"""The user agent the audit trail shows for what a job wrote."""

BATCH = 200
"""Episodes (or patients) loaded at a time."""

REMINDER_WINDOW = dt.timedelta(hours=3)
"""A reminder goes out at its chosen time or, if the worker was not running then, up to this much later; never
later the same day (switching a reminder on in the evening does not remind at once of the morning's choice)."""


def on_behalf_of(user: User | None) -> HttpRequest:
    """The request-shaped context the actions take: the audit trail names `user` (the treating clinician, on whose
    behalf a questionnaire is requested — NEN 7513) and this job as the agent; no address."""
    request = HttpRequest()
    if user is not None:
        request.user = user
    request.META["HTTP_USER_AGENT"] = JOB_AGENT
    return request


def _batches(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


# --- questionnaires that fall due ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DueRun:
    requested: int
    raised: int
    skipped: int
    notified: int


def request_due_questionnaires(today: dt.date) -> DueRun:
    """Requests every due questionnaire of every open episode, keeps the red flags that time alone has raised (an
    age or a duration past a rule's threshold), and tells each patient with a login that there is something for
    them. Episodes without a treating clinician are skipped (nobody to request on behalf of)."""
    requested = raised = skipped = notified = 0
    ids = list(Episode.objects.filter(status=EpisodeStatus.OPEN).order_by("pk").values_list("pk", flat=True))
    for batch in _batches(ids):
        episodes = Episode.objects.filter(pk__in=batch).select_related("patient__clinician", "patient__user")
        for episode in episodes.order_by("pk"):
            clinician = episode.patient.clinician
            if clinician is None:
                skipped += 1
                continue
            request = on_behalf_of(clinician)
            raised += len(do_store_pending_flags(request, episode, today))
            created = outcomes_actions.do_request_due(request, episode, today)
            requested += len(created)
            user = episode.patient.user
            if created and user is not None and user.is_active:
                notified += notify_once(f"questionnaires:{created[0].pk}", user).any
    return DueRun(requested, raised, skipped, notified)


# --- reminders ----------------------------------------------------------------------------------------------------


def _settings_due(local: dt.datetime) -> list[ReminderSettings]:
    start_of_day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    earliest = max(local - REMINDER_WINDOW, start_of_day).time()
    now = local.time()
    return list(
        ReminderSettings.objects.filter(Q(exercises=True) | Q(questionnaires=True), at__lte=now, at__gte=earliest)
        .filter(user__is_active=True, user__role=Role.PATIENT, user__patient_profile__isnull=False)
        .select_related("user__patient_profile__practice")
        .order_by("pk")
    )


def _exercises_today(patient: Patient, open_ids: set[int], may_proceed: set[int], day: dt.date) -> bool:
    """Exercises planned for today in the plan the patient exercises from, that plan's episode open and its gate
    open, and none logged yet today."""
    plan = newest_plan(patient)
    if plan is None or plan.episode_id not in open_ids or plan.episode_id not in may_proceed:
        return False
    version = plan.current()
    if version is None:
        return False
    planned = any(
        view.exercise is not None and day.weekday() in view.days
        for view in views_of(version.ordered_items(), Lang.NL, svg=False)
    )
    return planned and not ExerciseSetLog.objects.filter(session__patient=patient, done_at__date=day).exists()


def _questionnaires_waiting(open_ids: set[int]) -> bool:
    return InstrumentResponse.objects.filter(episode_id__in=open_ids, status=ResponseStatus.REQUESTED).exists()


def reminders_for(patient: Patient, settings: ReminderSettings, day: dt.date) -> list[str]:
    """The kinds of reminder this patient is to get today: none once every episode is closed (or referred) or while
    a red flag is open in any of them, and only kinds with something waiting."""
    episodes = list(Episode.objects.filter(patient=patient, status=EpisodeStatus.OPEN))
    for episode in episodes:
        episode.patient = patient
    states = states_of(episodes, day)
    if any(state.open_flags for state in states.values()):
        return []
    open_ids = {pk for pk, state in states.items() if not state.closed}
    if not open_ids:
        return []
    may_proceed = {pk for pk in open_ids if states[pk].gate.may_proceed}
    kinds = []
    if settings.exercises and _exercises_today(patient, open_ids, may_proceed, day):
        kinds.append(ReminderKind.EXERCISES.value)
    if settings.questionnaires and _questionnaires_waiting(open_ids):
        kinds.append(ReminderKind.QUESTIONNAIRES.value)
    return kinds


def _claim(patient: Patient, kind: str, day: dt.date, now: dt.datetime) -> Reminder | None:
    try:
        with transaction.atomic():
            return Reminder.objects.create(patient=patient, kind=kind, day=day, sent_at=now)
    except IntegrityError:
        return None


def remind(patient: Patient, user: User, kind: str, day: dt.date, now: dt.datetime) -> Reminder | None:
    """Sends one reminder of `kind` for `day`, unless it was sent (or is being sent) already. The row stays when no
    channel reached the patient (no address, no phone): the clinician sees that, and the day is not retried."""
    reminder = _claim(patient, kind, day, now)
    if reminder is None:
        return None
    send_claimed(
        reminder,
        f"reminder:{kind}:patient:{patient.pk}:{day.isoformat()}",
        user,
        what=f"{kind} reminder",
        practice=patient.practice,
        patient_id=patient.pk,
        reader="patient",
    )
    return reminder


def send_reminders(now: dt.datetime) -> list[Reminder]:
    """Every reminder due at `now`: patients whose chosen time has come (within `REMINDER_WINDOW`), each kind at
    most once a day. A failing mail server stops one patient's reminder, not the others' (it is logged and retried
    on the next run)."""
    local = timezone.localtime(now)
    day = local.date()
    sent = []
    for settings in _settings_due(local):
        user = settings.user
        patient = user.patient_profile
        for kind in reminders_for(patient, settings, day):
            try:
                reminder = remind(patient, user, kind, day, now)
            except Exception:
                logger.exception("reminder %s for patient %s not sent", kind, patient.pk)
                continue
            if reminder is not None:
                sent.append(reminder)
    return sent
