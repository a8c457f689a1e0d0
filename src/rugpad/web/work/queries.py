"""Reads behind the work pages: what the patient and the clinician see of a check, its advice, the break routine and
the reports. Callers have authorised; each function names the records it read, for the caller's audit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.dates import WEEKDAYS

from rugpad import engine
from rugpad.core.episode import EpisodeState
from rugpad.core.exercises import Exercise
from rugpad.core.vocab import Lang
from rugpad.core.work import AdviceRule, BreakItem, LeftOut
from rugpad.core.work import BreakRoutine as CoreRoutine
from rugpad.web.care.models import Episode
from rugpad.web.plans.clinical import patient_wait
from rugpad.web.work import clinical
from rugpad.web.work.actions import has_consent
from rugpad.web.work.forms import INTERVAL_LABELS
from rugpad.web.work.models import BreakReminder, BreakRoutine, WorkplaceCheck, WorkReport, WorkReportConsent

RECENT_REMINDERS = 10


@dataclass(frozen=True, slots=True)
class AdviceView:
    rule: AdviceRule
    text: str
    """The advice in the reader's language, the occupational physician named as the practice's country does."""
    reason: str


def advice_views(check: WorkplaceCheck | None, episode: Episode, lang: Lang) -> list[AdviceView]:
    phrase = clinical.physician(episode.patient.practice.country)
    return [
        AdviceView(rule, rule.advice_for(phrase).get(lang), rule.reason.get(lang))
        for rule in clinical.advice_of(check, episode)
    ]


@dataclass(frozen=True, slots=True)
class BreakExercise:
    item: BreakItem
    exercise: Exercise
    name: str
    dose: str
    steps: list[str]
    position: str
    svg: str


@dataclass(frozen=True, slots=True)
class LeftOutView:
    left_out: LeftOut
    name: str

    @property
    def suitability(self) -> str:
        return self.left_out.suitability


@dataclass(frozen=True, slots=True)
class RoutineView:
    routine: BreakRoutine | None
    days: str
    """The working days in words ("maandag, dinsdag, …"), empty without a routine."""
    interval: str
    """How often a break, in words ("elk uur")."""
    today: tuple[dt.time, ...]
    """Today's breaks (none on a day off or without a routine)."""
    exercises: list[BreakExercise]
    left_out: list[LeftOutView]
    move: str
    waits: bool
    """Reminders wait: the episode is closed, a red flag is open or the pathway's gate is shut."""
    wait_text: str | None = None
    """Why, in plain words for the patient."""
    read: list[models.Model] = field(default_factory=list)


def routine_view(episode: Episode, state: EpisodeState, states: dict[int, EpisodeState], lang: Lang) -> RoutineView:
    routine = BreakRoutine.objects.filter(episode=episode).first()
    core = clinical.routine_for(episode, state)
    working_days = len(routine.weekdays()) if routine is not None else 5
    exercises = [
        BreakExercise(
            item,
            exercise,
            exercise.name.get(lang),
            CoreRoutine.dose_at_breaks(exercise, working_days).describe(lang),
            [step.get(lang) for step in exercise.steps],
            exercise.position.get(lang),
            engine.illustration_svg(exercise.id),
        )
        for item, exercise in core.offered
    ]
    waits = clinical.reminders_wait(episode, states)
    today = timezone.localdate()
    return RoutineView(
        routine=routine,
        days=", ".join(str(WEEKDAYS[day]) for day in sorted(routine.weekdays())) if routine else "",
        interval=str(INTERVAL_LABELS.get(routine.every_minutes, "")) if routine else "",
        today=routine.schedule().times(today) if routine is not None and routine.active else (),
        exercises=exercises,
        left_out=[LeftOutView(out, out.exercise.name.get(lang)) for out in core.left_out],
        move=engine.work_content().break_move.get(lang),
        waits=waits,
        wait_text=patient_wait(episode) if waits and not state.closed else None,
        read=[routine] if routine is not None else [],
    )


def patient_page(episode: Episode | None, lang: Lang) -> dict[str, Any]:
    """The patient's work page: their check's advice and their therapist's note, and their break routine."""
    if episode is None:
        return {"episode": None, "read": []}
    states = clinical.open_states(episode, timezone.localdate())
    state = states[episode.pk]
    check = clinical.latest_check(episode)
    routine = routine_view(episode, state, states, lang)
    return {
        "episode": episode,
        "closed": state.closed,
        "check": check,
        "advice": advice_views(check, episode, lang),
        "routine": routine,
        "read": ([check] if check else []) + routine.read,
    }


def clinician_page(episode: Episode, lang: Lang) -> dict[str, Any]:
    """The clinician's work page of one episode (without its forms)."""
    states = clinical.open_states(episode, timezone.localdate())
    state = states[episode.pk]
    check = clinical.latest_check(episode)
    routine = routine_view(episode, state, states, lang)
    reminders = list(
        BreakReminder.objects.filter(routine__episode=episode).order_by("-sent_at", "-id")[:RECENT_REMINDERS]
    )
    consents = list(
        WorkReportConsent.objects.filter(episode=episode)
        .select_related("recorded_by")
        .order_by("-recorded_at", "-id")[:10]
    )
    reports = list(
        WorkReport.objects.filter(episode=episode).select_related("created_by").order_by("-created_at", "-id")[:20]
    )
    return {
        "episode": episode,
        "patient": episode.patient,
        "closed": state.closed,
        "check": check,
        "answers": clinical.answers_of(check, lang) if check else [],
        "advice": advice_views(check, episode, lang),
        "routine": routine,
        "reminders": reminders,
        "consents": consents,
        "consent": has_consent(episode),
        "reports": reports,
        "physician": clinical.physician(episode.patient.practice.country).get(lang),
        "read": ([check] if check else []) + routine.read + consents + reports,
    }


@dataclass(frozen=True, slots=True)
class Panel:
    check: WorkplaceCheck | None
    advice: int
    routine: BreakRoutine | None


def panel(episode: Episode) -> Panel:
    """The episode page's summary of the work module."""
    check = clinical.latest_check(episode)
    return Panel(check, len(clinical.advice_of(check, episode)), BreakRoutine.objects.filter(episode=episode).first())
