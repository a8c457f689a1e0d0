"""Read-only views of aftercare for the pages and template tags. Callers have authorised (and audited) the patient
or the practice; every list is cut to a page size, none is counted whole."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rugpad.core.aftercare import AftercareStatus, CheckinStatus
from rugpad.core.vocab import Lang, Region
from rugpad.web.aftercare import actions, clinical
from rugpad.web.aftercare.models import AftercarePlan, CheckIn, RecurrenceFlag, Status
from rugpad.web.care.models import Episode, EpisodeStatus, Patient
from rugpad.web.outcomes.models import EpisodeOutcome
from rugpad.web.plans.queries import ItemView, views_of

ROWS = 25
"""Rows of each list on the practice's aftercare page (the oldest open flags first, the newest answers first)."""
DASHBOARD_ROWS = 10
WAITING_DAYS = 8 * 7
"""The aftercare page lists check-ins waiting for the patient's answer up to this many days after their day (a
display window: older ones are on the patient's own aftercare page)."""
DISCHARGED_DAYS = 8 * 7
"""…and discharges without aftercare up to this many days back (newest first, a walk of the outcome summary's
partial index of discharges that stops at the page's end, whatever the practice's history)."""


MOMENT_WORDS = {
    CheckinStatus.UPCOMING: _("planned"),
    CheckinStatus.DUE: _("asked now"),
    CheckinStatus.ANSWERED: _("answered"),
    CheckinStatus.MISSED: _("not answered"),
    CheckinStatus.ENDED: _("no longer asked: a new episode started"),
}


@dataclass(frozen=True, slots=True)
class Moment:
    checkin: CheckIn
    status: CheckinStatus

    @property
    def label(self) -> str:
        return str(MOMENT_WORDS[self.status])


def moments_of(plan: AftercarePlan, today: dt.date, *, ended: bool | None = None) -> list[Moment]:
    """The plan's check-ins in order of their days, each with its status on `today` (the engine's)."""
    checkins = list(plan.checkins.all())
    over = clinical.newer_episode_started(plan) if ended is None else ended
    return [Moment(c, s) for c, s in zip(checkins, clinical.statuses(checkins, today, ended=over), strict=True)]


def come_back(region: Region | str, lang: Lang) -> dict[str, Any]:
    """The "come back if…" text for a patient whose episode was about `region`, with each point's source."""
    content = clinical.content()
    return {
        "title": content.come_back_title.get(lang),
        "points": [
            {"text": p.text.get(lang), "source": p.source, "evidence": str(p.evidence)}
            for p in content.come_back_for(region)
        ],
        "alarm": content.come_back_alarm.get(lang),
    }


def _newest_episode(patient: Patient) -> Episode | None:
    return patient.episodes.order_by("-started_on", "-id").first()


def patient_block(patient: Patient, today: dt.date, lang: Lang) -> dict[str, Any]:
    """What the patient's home page shows after discharge: "come back if…", and the check-in asked now or the next
    one's day. Nothing while the newest episode is open (or before the first)."""
    episode = _newest_episode(patient)
    if episode is None or episode.status != EpisodeStatus.CLOSED:
        return {"show": False}
    plan = AftercarePlan.objects.filter(episode=episode).first()
    moments = moments_of(plan, today, ended=False) if plan is not None else []
    return {
        "show": True,
        "plan": plan,
        "due": next((m.checkin for m in moments if m.status is CheckinStatus.DUE), None),
        "upcoming": next((m.checkin for m in moments if m.status is CheckinStatus.UPCOMING), None),
        "title": clinical.title(episode.region, lang),
        "come_back": come_back(episode.region, lang),
    }


@dataclass(frozen=True, slots=True)
class KeptExercise:
    """One exercise of the maintenance programme as the pages show it."""

    view: ItemView
    steps: tuple[str, ...]


def maintenance(plan: AftercarePlan, lang: Lang) -> list[KeptExercise]:
    """The exercises the patient keeps doing, as the plans app shows them (name, dose, illustration), with their
    steps, in their plan's order."""
    kept = set(plan.exercises.values_list("pk", flat=True))
    items = [item for item in actions.maintenance_candidates(plan.episode) if item.pk in kept]
    return [
        KeptExercise(view, tuple(step.get(lang) for step in view.exercise.steps) if view.exercise else ())
        for view in views_of(items, lang)
    ]


def my_aftercare(patient: Patient, today: dt.date, lang: Lang) -> dict[str, Any]:
    """The patient's aftercare page: the block of the home page, the exercises kept, the advice and every moment."""
    block = patient_block(patient, today, lang)
    plan: AftercarePlan | None = block.get("plan")
    if plan is None:
        return block | {"exercises": [], "moments": []}
    plan.episode.patient = patient
    return block | {"exercises": maintenance(plan, lang), "moments": moments_of(plan, today, ended=False)}


def verdict_text(status: str, lang: Lang) -> str:
    """What the patient reads after answering, for a stored verdict."""
    return clinical.content().for_patient[AftercareStatus(status)].get(lang)


# --- the clinician's views ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FlagRow:
    flag: RecurrenceFlag
    rule: clinical.RuleView | None


def _flag_rows(flags: QuerySet[RecurrenceFlag], lang: Lang) -> list[FlagRow]:
    return [FlagRow(f, clinical.rule_view(f.rule_id, f.checkin.pain_change, lang)) for f in flags]


def open_flags(practice_id: int, lang: Lang, rows: int = ROWS) -> tuple[list[FlagRow], bool]:
    """The practice's open recurrence flags, oldest first (a walk of `aftercare_flag_open`), and whether more wait."""
    flags = (
        RecurrenceFlag.objects.filter(practice_id=practice_id, is_open=True)
        .select_related("patient", "checkin", "plan")
        .order_by("raised_at", "id")[: rows + 1]
    )
    found = _flag_rows(flags, lang)
    return found[:rows], len(found) > rows


def action_text(lang: Lang) -> dict[str, str]:
    """What to do about a recurrence, with its source."""
    content = clinical.content()
    return {"text": content.action.get(lang), "source": content.action_source, "evidence": str(content.action_evidence)}


def practice_page(practice_id: int, today: dt.date, lang: Lang) -> dict[str, Any]:
    """The practice's aftercare page: open recurrence flags, the latest answers, check-ins waiting for the patient,
    and recent discharges that have no aftercare yet; each list cut at `ROWS`."""
    flags, more_flags = open_flags(practice_id, lang)
    answered = list(
        CheckIn.objects.filter(practice_id=practice_id, answered_at__isnull=False)
        .select_related("patient", "plan")
        .order_by("-answered_at", "-id")[:ROWS]
    )
    waiting = list(
        CheckIn.objects.filter(
            practice_id=practice_id,
            answered_at__isnull=True,
            due_on__lte=today,
            due_on__gt=today - dt.timedelta(WAITING_DAYS),
        )
        .select_related("patient", "plan")
        .order_by("due_on", "id")[:ROWS]
    )
    since = today - dt.timedelta(days=DISCHARGED_DAYS)
    discharged = list(
        EpisodeOutcome.objects.filter(
            practice_id=practice_id,
            is_open=False,
            referred_at__isnull=True,
            closed_at__gte=timezone.make_aware(dt.datetime.combine(since, dt.time.min)),
            episode__aftercare__isnull=True,
        )
        .select_related("episode__patient")
        .order_by("-closed_at")[:ROWS]
    )
    rules = {c.pk: clinical.rule_view(c.rule_id, c.pain_change, lang) for c in answered}
    return {
        "flags": flags,
        "more_flags": more_flags,
        "action": action_text(lang),
        "answered": [(c, rules[c.pk]) for c in answered],
        "waiting": waiting,
        "discharged": discharged,
        "rows": ROWS,
        "patients_shown": len({f.flag.patient_id for f in flags} | {c.patient_id for c in answered + waiting})
        + len(discharged),
    }


def patient_panel(patient: Patient, today: dt.date, lang: Lang) -> dict[str, Any]:
    """The clinician's view of one patient's aftercare: each plan with its moments and flags (newest discharge
    first), and the discharged episodes without aftercare yet."""
    plans = list(
        AftercarePlan.objects.filter(patient=patient)
        .select_related("episode")
        .prefetch_related(
            Prefetch("checkins", queryset=CheckIn.objects.order_by("due_on", "id")),
            Prefetch("flags", queryset=RecurrenceFlag.objects.select_related("checkin").order_by("-raised_at")),
        )
        .order_by("-discharged_on", "-id")
    )
    newest = _newest_episode(patient)
    rows = []
    for plan in plans:
        plan.episode.patient = patient
        ended = newest is not None and newest.pk != plan.episode_id
        rows.append(
            {
                "plan": plan,
                "moments": moments_of(plan, today, ended=ended),
                "flags": _flag_rows(plan.flags.all(), lang),
            }
        )
    without = list(
        patient.episodes.filter(status=EpisodeStatus.CLOSED, aftercare__isnull=True).order_by("-started_on", "-id")
    )
    return {"plans": rows, "without": without, "action": action_text(lang)}


def plan_page(plan: AftercarePlan, today: dt.date, lang: Lang) -> dict[str, Any]:
    """One aftercare plan for the clinician: the exercises kept, every moment with its answers and the rule that
    decided (with source and evidence), and its recurrence flags."""
    moments = moments_of(plan, today)
    return {
        "plan": plan,
        "patient": plan.patient,
        "exercises": maintenance(plan, lang),
        "moments": [(m, clinical.rule_view(m.checkin.rule_id, m.checkin.pain_change, lang)) for m in moments],
        "flags": _flag_rows(plan.flags.select_related("checkin", "handled_by").order_by("-raised_at"), lang),
        "action": action_text(lang),
        "title": clinical.title(plan.episode.region, lang),
        "recurrence": Status.RECURRENCE.value,
    }
