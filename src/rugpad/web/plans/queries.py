"""Read-only views of plans and session logs for the pages, the PDF and the calendar. Callers have authorised."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from rugpad import engine
from rugpad.core.exercises import Exercise
from rugpad.core.progression import ProgressionAdvice
from rugpad.core.vocab import Lang
from rugpad.web.care.models import Episode, Patient
from rugpad.web.i18n import reader_lang
from rugpad.web.plans.clinical import exercise_library, patient_wait, progression_advice, progression_model
from rugpad.web.plans.models import ExerciseSetLog, ItemKind, PlanItem, PlanVersion, TreatmentPlan
from rugpad.web.plans.schedule import training_days
from rugpad.web.plans.specs import ItemSpec, spec_of

CONTACT_MODULE = "when-to-contact-now"


@dataclass(frozen=True, slots=True)
class ItemView:
    item: PlanItem
    spec: ItemSpec
    title: str
    why: str
    dose_text: str
    exercise: Exercise | None
    svg: str
    days: tuple[int, ...]


def item_views(version: PlanVersion | None, lang: Lang) -> list[ItemView]:
    if version is None:
        return []
    library = exercise_library()
    views = []
    for item in version.items.all():
        spec = spec_of(item)
        exercise = library.get(item.ref) if item.kind == ItemKind.EXERCISE else None
        views.append(
            ItemView(
                item=item,
                spec=spec,
                title=exercise.name.get(lang) if exercise else spec.text.get(lang),
                why=spec.why.get(lang),
                dose_text=spec.dose.describe(lang) if spec.dose else "",
                exercise=exercise,
                svg=engine.illustration_svg(exercise.id) if exercise else "",
                days=training_days(spec.dose) if exercise else (),
            )
        )
    return views


def grouped(views: list[ItemView]) -> OrderedDict[str, list[ItemView]]:
    """Items by kind, in the order of `ItemKind`; kinds without items are left out."""
    groups: OrderedDict[str, list[ItemView]] = OrderedDict((kind.value, []) for kind in ItemKind)
    for view in views:
        groups[view.item.kind].append(view)
    return OrderedDict((kind, items) for kind, items in groups.items() if items)


def exercises_of(plan: TreatmentPlan, lang: Lang) -> list[ItemView]:
    return [v for v in item_views(plan.current(), lang) if v.exercise is not None]


def session_exercises(plan: TreatmentPlan, today: dt.date, lang: Lang, every_day: bool) -> list[dict[str, Any]]:
    """Today's exercises as plain data for the guided session's script."""
    found = []
    for view in exercises_of(plan, lang):
        if not every_day and today.weekday() not in view.days:
            continue
        exercise, dose = view.exercise, view.spec.dose
        assert exercise is not None and dose is not None
        found.append(
            {
                "item_id": view.item.pk,
                "exercise_id": exercise.id,
                "name": view.title,
                "position": exercise.position.get(lang),
                "steps": [step.get(lang) for step in exercise.steps],
                "dose_text": view.dose_text,
                "kind": dose.kind.value,
                "hold_seconds": dose.hold_seconds,
                "repetitions": dose.repetitions,
                "sets": dose.sets or 1,
                "rest_seconds": dose.rest_seconds,
                "minutes": dose.minutes,
                "per_side": dose.per_side,
            }
        )
    return found


def contact_now(lang: Lang) -> tuple[str, list[tuple[str, list[str]]]]:
    """The title and the bulleted sections of the "contact us now if..." module, for the printed programme."""
    module = engine.education_library()[CONTACT_MODULE]
    sections: list[tuple[str, list[str]]] = []
    for line in module.body.get(lang).splitlines():
        if line.startswith("## "):
            sections.append((line[3:].strip(), []))
        elif line.startswith("- ") and sections:
            sections[-1][1].append(line[2:].strip())
    return module.title.get(lang), [(heading, bullets) for heading, bullets in sections if bullets]


@dataclass(frozen=True, slots=True)
class ExerciseProgress:
    view: ItemView
    entries: list[ExerciseSetLog]
    advice: ProgressionAdvice | None
    settled: bool | None
    reason: str = ""
    next_dose: str = ""


def entries_overview(plan: TreatmentPlan, lang: Lang) -> tuple[list[ExerciseSetLog], list[ExerciseProgress]]:
    """All session entries, newest first, and per current exercise the core's progression advice after its
    latest done entry."""
    entries = list(
        ExerciseSetLog.objects.filter(session__plan=plan).select_related("session").order_by("-done_at", "-id")
    )
    model = progression_model(plan.episode.patient.practice)
    progress = []
    for view in exercises_of(plan, lang):
        mine = [e for e in entries if e.exercise_id == view.spec.ref]
        latest = next((e for e in mine if not e.skipped and e.pain_during is not None), None)
        advice = None
        settled = latest.session.settled_since_last if latest else None
        if latest is not None and latest.pain_during is not None:
            advice = progression_advice(model, view.spec, pain_during=latest.pain_during, settled=settled)
        progress.append(
            ExerciseProgress(
                view,
                mine,
                advice,
                settled,
                advice.reason.get(lang) if advice else "",
                advice.dose.describe(lang) if advice and advice.dose else "",
            )
        )
    return entries, progress


def todays_programme(patient: Patient, today: dt.date) -> str | None:
    """The patient's exercises for today as a small HTML block for their home page; None without a plan."""
    plan = (
        TreatmentPlan.objects.filter(episode__patient=patient, versions__isnull=False)
        .order_by("-episode__started_on", "-id")
        .first()
    )
    if plan is None:
        return None
    red_flag = patient_wait(plan.episode)
    exercises = [] if red_flag else session_exercises(plan, today, reader_lang(), every_day=False)
    return render_to_string(
        "plans/_todays_programme.html", {"exercises": exercises, "red_flag": red_flag, "owner": patient.user_id}
    )


def weekly_adherence(episode: Episode, today: dt.date) -> list[tuple[int, float]]:
    """Per plan week up to today: exercises done (not skipped) as a percentage of the exercise-days planned.

    Planned = for each exercise of the current version, its training days in that week (its dose's days per week);
    done = the logged exercises of that week. Capped at 100 %: an extra session does not make up for another week.
    """
    plan = getattr(episode, "treatment_plan", None)
    version = plan.current() if plan is not None else None
    if plan is None or version is None or today < version.starts_on:
        return []
    per_week = sum(len(view.days) for view in exercises_of(plan, reader_lang()))
    if per_week == 0:
        return []
    done: dict[int, int] = {}
    entries = ExerciseSetLog.objects.filter(session__plan=plan, skipped=False, done_at__date__gte=version.starts_on)
    for done_at in entries.values_list("done_at", flat=True):
        week = (timezone.localtime(done_at).date() - version.starts_on).days // 7 + 1
        done[week] = done.get(week, 0) + 1
    weeks = (today - version.starts_on).days // 7 + 1
    return [(week, min(100.0, 100 * done.get(week, 0) / per_week)) for week in range(1, weeks + 1)]


TREATMENT_SUMMARY_KINDS = (ItemKind.TECHNIQUE, ItemKind.EXERCISE, ItemKind.EDUCATION, ItemKind.FREQUENCY)


def treatment_summary(episode: Episode, lang: Lang) -> str:
    """The current plan as plain lines for the letter to the GP: techniques, exercises with dose, education,
    frequency, and how many guided sessions the patient logged. Empty when the episode has no plan."""
    plan = getattr(episode, "treatment_plan", None)
    if plan is None:
        return ""
    views = grouped(item_views(plan.current(), lang))
    lines = []
    for kind in TREATMENT_SUMMARY_KINDS:
        for view in views.get(kind.value, []):
            lines.append(f"- {view.title}" + (f" ({view.dose_text})" if view.dose_text else ""))
    sessions = plan.sessions.count()
    if sessions:
        lines.append(
            f"- {sessions} begeleide oefensessies thuis vastgelegd"
            if lang is Lang.NL
            else f"- {sessions} guided home exercise sessions logged"
        )
    return "\n".join(lines)
