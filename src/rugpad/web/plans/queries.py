"""Read-only views of plans and session logs for the pages, the PDF and the calendar. Callers have authorised."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from rugpad import engine
from rugpad.core.errors import InvalidInput
from rugpad.core.exercises import Dose, Exercise
from rugpad.core.progression import ProgressionAdvice
from rugpad.core.vocab import Lang
from rugpad.web.audit.models import AuditAction, AuditEvent
from rugpad.web.care.models import Episode, Patient
from rugpad.web.i18n import reader_lang
from rugpad.web.outcomes.actions import OPENED
from rugpad.web.outcomes.models import EducationAssignment
from rugpad.web.plans.access import newest_plan
from rugpad.web.plans.clinical import (
    Rung,
    exercise_library,
    item_checker,
    ladder_of,
    ladder_offer,
    patient_wait,
    progression_advice,
    progression_model,
)
from rugpad.web.plans.models import ExerciseSetLog, ItemKind, PlanItem, PlanVersion, TreatmentPlan, VersionItem
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
    ladder: tuple[Rung, ...] = ()
    """The easier/harder ladder the exercise stands on (empty for a lone exercise or another item)."""


def item_views(version: PlanVersion | None, lang: Lang) -> list[ItemView]:
    if version is None:
        return []
    return views_of(version.ordered_items(), lang)


def views_of(items: Iterable[PlanItem], lang: Lang, *, svg: bool = True) -> list[ItemView]:
    """The items as the pages show them; `svg=False` leaves out the illustrations (lists that show none)."""
    library = exercise_library()
    views = []
    for item in items:
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
                svg=engine.illustration_svg(exercise.id) if exercise and svg else "",
                days=training_days(spec.dose) if exercise else (),
                ladder=ladder_of(exercise, lang) if exercise else (),
            )
        )
    return views


VERSIONS_PER_PAGE = 20
"""Versions on one page of the history: the page reads only these versions' item links (and the one version
before them), so it answers as fast after 1,000 changes as after 3."""


@dataclass(frozen=True, slots=True)
class VersionChanges:
    """One version as the history shows it: what it added, removed and changed against the version before."""

    version: PlanVersion
    item_count: int
    added: list[ItemView]
    removed: list[ItemView]
    changed: list[tuple[ItemView, ItemView]]  # (before, after): the same exercise or item kind + ref, new values


def version_history(
    plan: TreatmentPlan, page_number: str | int | None, lang: Lang
) -> tuple[Page[Any], list[VersionChanges]]:
    """One page of the plan's versions, newest first, each with its changes. Consecutive versions share the rows
    of unchanged items, so the diff is which item ids one version lists and its neighbour does not; the database
    answers it (through the version/item index), so the page reads only the changed items, however many the plan
    holds."""
    ordered = plan.versions.select_related("created_by").order_by("-number")
    page = Paginator(ordered, VERSIONS_PER_PAGE).get_page(page_number)
    versions: list[PlanVersion] = list(page.object_list)
    if not versions:
        return page, []
    links = VersionItem.objects.filter(version__plan=plan).order_by("version__number", "position")
    lowest, highest = versions[-1].number, versions[0].number

    def listed_in(offset: int) -> Exists:
        return Exists(
            VersionItem.objects.filter(
                version__plan=plan, version__number=OuterRef("version__number") + offset, item_id=OuterRef("item_id")
            )
        )

    new_in: dict[int, list[int]] = {}
    for number, item_id in (
        links.filter(version__number__gte=lowest, version__number__lte=highest)
        .exclude(listed_in(-1))
        .values_list("version__number", "item_id")
    ):
        new_in.setdefault(number, []).append(item_id)
    gone_in: dict[int, list[int]] = {}  # by the number of the version that no longer lists them
    for number, item_id in (
        links.filter(version__number__gte=lowest - 1, version__number__lt=highest)
        .exclude(listed_in(+1))
        .values_list("version__number", "item_id")
    ):
        gone_in.setdefault(number + 1, []).append(item_id)
    diffs = [(v, new_in.get(v.number, []), gone_in.get(v.number, [])) for v in versions]
    # counted for this page's versions only: an annotation on the paged query would count every version's links
    counts = dict(
        VersionItem.objects.filter(version__in=versions)
        .values("version")
        .annotate(n=Count("pk"))
        .values_list("version", "n")
    )
    shown = {i for _version, added, removed in diffs for i in (*added, *removed)}
    items = PlanItem.objects.filter(pk__in=shown).select_related("caution_confirmed_by")
    views = {view.item.pk: view for view in views_of(items, lang, svg=False)}
    history = []
    for version, added_ids, removed_ids in diffs:
        added = [views[i] for i in added_ids]
        removed = [views[i] for i in removed_ids]
        changed = []
        for new in list(added):
            old = next(
                (o for o in removed if new.item.ref and (o.item.kind, o.item.ref) == (new.item.kind, new.item.ref)),
                None,
            )
            if old is not None:
                changed.append((old, new))
                added.remove(new)
                removed.remove(old)
        history.append(VersionChanges(version, counts.get(version.pk, 0), added, removed, changed))
    return page, history


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
        assert view.exercise is not None and view.spec.dose is not None
        found.append(_session_data(view.item.pk, view.exercise, view.spec.dose, lang))
    return found


def _session_data(item_id: int, exercise: Exercise, dose: Dose, lang: Lang) -> dict[str, Any]:
    return {
        "item_id": item_id,
        "exercise_id": exercise.id,
        "name": exercise.name.get(lang),
        "position": exercise.position.get(lang),
        "steps": [step.get(lang) for step in exercise.steps],
        "dose_text": dose.describe(lang),
        "kind": dose.kind.value,
        "hold_seconds": dose.hold_seconds,
        "repetitions": dose.repetitions,
        "sets": dose.sets or 1,
        "rest_seconds": dose.rest_seconds,
        "minutes": dose.minutes,
        "per_side": dose.per_side,
    }


@dataclass(frozen=True, slots=True)
class SessionOffer:
    """The easier or harder rung a session offers instead of a plan exercise, because the engine's progression
    advice after the patient's latest entry points there; with the rule that said so."""

    item_id: int
    direction: str  # "easier" | "harder"
    variant: dict[str, Any]
    advice: ProgressionAdvice
    reason: str


def session_offers(plan: TreatmentPlan, exercises: list[dict[str, Any]], lang: Lang) -> list[SessionOffer]:
    """Per exercise of today's session, the ladder variant to offer, if the progression advice after its latest done
    entry says so (see `clinical.ladder_offer`) and the variant suits this patient without a clinician's
    confirmation (a caution or contra-indication is never offered to the patient). One small query per exercise."""
    if not exercises:
        return []
    library = exercise_library()
    model = progression_model(plan.episode.patient.practice)
    specs = {view.item.pk: view.spec for view in exercises_of(plan, lang)}
    wanted: list[tuple[int, str, str, ProgressionAdvice]] = []
    for data in exercises:
        spec, exercise = specs.get(data["item_id"]), library.get(data["exercise_id"])
        if spec is None or exercise is None:
            continue
        latest = (
            ExerciseSetLog.objects.filter(
                session__plan=plan, exercise_id=exercise.id, skipped=False, pain_during__isnull=False
            )
            .select_related("session")
            .first()
        )
        if latest is None or latest.pain_during is None:
            continue
        advice = progression_advice(
            model, spec, pain_during=latest.pain_during, settled=latest.session.settled_since_last
        )
        offer = ladder_offer(exercise, advice)
        if advice is not None and offer is not None:
            wanted.append((data["item_id"], offer[0], offer[1], advice))
    if not wanted:
        return []
    try:
        check = item_checker(plan.episode)
        suits = {variant_id: check(variant_id).suitability == "allowed" for _i, _d, variant_id, _a in wanted}
    except InvalidInput:  # the pathway waits (the page offers no exercises then anyway)
        return []
    offers = []
    for item_id, direction, variant_id, advice in wanted:
        if not suits[variant_id]:
            continue
        variant = library[variant_id]
        offers.append(
            SessionOffer(
                item_id,
                direction,
                _session_data(item_id, variant, variant.dose, lang),
                advice,
                advice.reason.get(lang),
            )
        )
    return offers


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
    latest: ExerciseSetLog | None
    advice: ProgressionAdvice | None
    settled: bool | None
    reason: str = ""
    next_dose: str = ""


ENTRIES_PER_PAGE = 50
"""Session entries on one page of the exercise log (newest first)."""


def entries_overview(
    plan: TreatmentPlan, lang: Lang, page_number: str | int | None = None
) -> tuple[Page[ExerciseSetLog], list[ExerciseProgress]]:
    """One page of the session entries, newest first, and per current exercise the core's progression advice after
    its latest done entry with a pain score (one one-row query per exercise, however long the log)."""
    entries = ExerciseSetLog.objects.filter(session__plan=plan).order_by("-done_at", "-id")
    page = Paginator(entries, ENTRIES_PER_PAGE).get_page(page_number)
    model = progression_model(plan.episode.patient.practice)
    progress = []
    for view in exercises_of(plan, lang):
        done = entries.filter(exercise_id=view.spec.ref, skipped=False, pain_during__isnull=False)
        latest = done.select_related("session").first()
        advice = None
        settled = latest.session.settled_since_last if latest else None
        if latest is not None and latest.pain_during is not None:
            advice = progression_advice(model, view.spec, pain_during=latest.pain_during, settled=settled)
        progress.append(
            ExerciseProgress(
                view,
                latest,
                advice,
                settled,
                advice.reason.get(lang) if advice else "",
                advice.dose.describe(lang) if advice and advice.dose else "",
            )
        )
    return page, progress


def todays_programme(patient: Patient, today: dt.date) -> str | None:
    """The patient's exercises for today as a small HTML block for their home page; None without a plan."""
    plan = newest_plan(patient)
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
        logged = (
            engine.phrase("plan.sessions_logged.one") if sessions == 1 else engine.phrase("plan.sessions_logged.other")
        )
        lines.append(f"- {logged.format(count=sessions).get(lang)}")
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class ModuleActivity:
    """What the patient did with one education module of the plan: given (assignment), opened, marked as read."""

    assignment_id: int | None
    opened_at: dt.datetime | None
    read_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class ExerciseActivity:
    """What the patient did with one exercise of the plan in their guided sessions."""

    done: int
    skipped: int
    last_done_at: dt.datetime | None


def _opened(episode: Episode, assignment_ids: set[int]) -> dict[int, dt.datetime]:
    """When the patient first opened each module: the audit events `do_mark_opened` wrote for the patient's own
    login (an ordinary read of the page is not counted: the offline worker fetches every module in the background)."""
    user_id = episode.patient.user_id
    if user_id is None or not assignment_ids:
        return {}
    events = (
        AuditEvent.objects.filter(
            patient_id=episode.patient_id,
            actor_id=user_id,
            action=AuditAction.VIEW,
            object_type="educationassignment",
            object_id__in=[str(i) for i in assignment_ids],
            summary__startswith=OPENED,
        )
        .order_by("at", "id")
        .values_list("object_id", "at")
    )
    opened: dict[int, dt.datetime] = {}
    for object_id, at in events:
        opened.setdefault(int(object_id), at)
    return opened


def patient_activity(
    episode: Episode, plan: TreatmentPlan | None
) -> tuple[dict[str, ModuleActivity], dict[str, ExerciseActivity]]:
    """Per education module (by module id) and per exercise (by exercise id) of the episode: what the patient has
    opened, read and done, for the clinician's plan editor. A module the patient marked as read counts as opened."""
    assignments = list(EducationAssignment.objects.filter(episode=episode))
    opened = _opened(episode, {a.pk for a in assignments})
    modules = {a.module_id: ModuleActivity(a.pk, opened.get(a.pk) or a.read_at, a.read_at) for a in assignments}
    exercises: dict[str, ExerciseActivity] = {}
    if plan is not None:
        rows = (
            ExerciseSetLog.objects.filter(session__plan=plan)
            .order_by()
            .values("exercise_id")
            .annotate(
                n_done=Count("pk", filter=Q(skipped=False)),
                n_skipped=Count("pk", filter=Q(skipped=True)),
                last_done=Max("done_at", filter=Q(skipped=False)),
            )
        )
        for row in rows:
            exercises[row["exercise_id"]] = ExerciseActivity(row["n_done"], row["n_skipped"], row["last_done"])
    return modules, exercises


def _ref_name(ref: str, lang: Lang) -> str:
    exercise = exercise_library().get(ref)
    if exercise is not None:
        return exercise.name.get(lang)
    module = engine.education_library().get(ref)
    return module.title.get(lang) if module is not None else ref


def change_text(change: str, lang: Lang) -> str:
    """A version's change note in the reader's language. The notes are stored as the actions write them (English,
    for the audit log): "proposal accepted", "exercise added: <id>", "<kind> added", "<kind> removed: <ref or
    text>", "dose changed: <id>", "dates and frequency changed"; any other note is shown as written."""
    with translation.override(lang.value):
        return _change_words(change, lang)


def _change_words(change: str, lang: Lang) -> str:
    head, _sep, rest = change.partition(": ")
    kinds = {kind.value: str(kind.label) for kind in ItemKind}
    if change == "proposal accepted":
        return gettext("proposal accepted")
    if change == "dates and frequency changed":
        return gettext("dates and frequency changed")
    if head == "dose changed" and rest:
        return gettext("dose changed: %(name)s") % {"name": _ref_name(rest, lang)}
    kind, _space, verb = head.partition(" ")
    if kind in kinds and verb == "added":
        text = gettext("added: %(kind)s") % {"kind": kinds[kind].lower()}
        return f"{text} ({_ref_name(rest, lang)})" if rest else text
    if kind in kinds and verb == "removed":
        return gettext("removed: %(kind)s") % {"kind": kinds[kind].lower()} + (
            f" ({_ref_name(rest, lang)})" if rest else ""
        )
    return change


@dataclass(frozen=True, slots=True)
class Reading:
    """One education module of the patient's plan, as their exercise page lists it."""

    assignment: EducationAssignment
    title: str
    summary: str
    minutes: int


def plan_reading(plan: TreatmentPlan, lang: Lang) -> list[Reading]:
    """The education modules of the plan's current version that the patient has been given, in plan order."""
    version = plan.current()
    refs = (
        list(version.ordered_items().filter(kind=ItemKind.EDUCATION).values_list("ref", flat=True)) if version else []
    )
    given = {a.module_id: a for a in EducationAssignment.objects.filter(episode_id=plan.episode_id, module_id__in=refs)}
    library = engine.education_library()
    found = []
    for ref in refs:
        module, assignment = library.get(ref), given.get(ref)
        if module is not None and assignment is not None:
            found.append(Reading(assignment, module.title.get(lang), module.summary.get(lang), module.reading_minutes))
    return found
