"""CarePlan: an episode's treatment plan as its newest version states it.

Every plan item becomes an activity (techniques, home exercises with their exact dose, education, the approach,
the evaluation moments and the session frequency), except the goals, which are contained Goal resources the plan
points at. Each activity carries where it came from in the `plan-item` extension: the rule, its source and evidence
for a proposed item, or "added by clinician". The status is read from the engine's episode state (referred →
revoked, closed → completed, the pathway's gate shut → on-hold, else active); nothing is decided here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import translation

from rugpad.core.episode import EpisodeState
from rugpad.core.exercises import Dose, DoseKind
from rugpad.core.vocab import Lang
from rugpad.web.care.access import reach
from rugpad.web.fhir.codes import code_system, extension, identifier_system
from rugpad.web.fhir.registry import BuildContext, ResourceKind, register
from rugpad.web.fhir.validate import validated
from rugpad.web.plans.models import ItemKind, Origin, PlanItem, PlanVersion, TreatmentPlan, VersionItem
from rugpad.web.plans.queries import ItemView, views_of
from rugpad.web.practice.models import User

PLAN_ITEM = extension("plan-item")
"""Where an activity came from: kind, origin (proposed by rugpad / added by clinician), rule, source, evidence,
why it was proposed, and a caution item's confirmation."""
EXERCISE_DOSE = extension("exercise-dose")
"""The exercise's dose exactly as the plan states it, field by field (the core's `Dose`)."""
SESSIONS_PER_WEEK = extension("supervised-sessions-per-week")

DOSE_FIELDS = ("hold_seconds", "repetitions", "sets", "rest_seconds", "minutes", "times_per_day", "days_per_week")


def _newest(field: str) -> Subquery:
    return Subquery(PlanVersion.objects.filter(plan=OuterRef("pk")).order_by("-number").values(field)[:1])


def records(user: User) -> QuerySet[TreatmentPlan]:
    """The plans (with at least one version) of the episodes the user may see, with the newest version's id, start
    and time annotated, so a page reads its versions and items in two queries."""
    return (
        TreatmentPlan.objects.filter(reach(user, "episode__patient__"))
        .filter(Exists(PlanVersion.objects.filter(plan=OuterRef("pk"))))
        .select_related("episode__patient")
        .annotate(current_id=_newest("pk"), period_start=_newest("starts_on"), last_changed=_newest("created_at"))
    )


def _status(state: EpisodeState) -> tuple[str, str]:
    """The plan's status and its activities' status, from the engine's state of the episode."""
    if state.referred:
        return "revoked", "stopped"
    if state.closed:
        return "completed", "completed"
    if not state.gate.may_proceed:
        return "on-hold", "on-hold"
    return "active", "in-progress"


def _sub(url: str, key: str, value: Any) -> dict[str, Any]:
    return {"url": url, key: value}


def _origin(item: PlanItem, view: ItemView, lang: Lang) -> dict[str, Any]:
    parts = [_sub("kind", "valueCode", item.kind), _sub("origin", "valueCode", item.origin)]
    if item.origin == Origin.CLINICIAN:
        parts.append(_sub("display", "valueString", str(Origin.CLINICIAN.label)))
    if item.rule_id:
        parts.append(_sub("rule", "valueString", item.rule_id))
    if item.source_id:
        parts.append(_sub("source", "valueString", item.source_id))
    if item.evidence:
        parts.append(_sub("evidence", "valueCode", item.evidence))
    if view.why:
        parts.append(_sub("why", "valueString", view.why))
    if item.suitability and item.suitability != "allowed":
        parts.append(_sub("suitability", "valueCode", item.suitability))
    if item.caution_confirmed_at is not None:
        parts.append(_sub("cautionConfirmed", "valueDateTime", item.caution_confirmed_at))
    return {"url": PLAN_ITEM, "extension": parts}


def _dose(dose: Dose) -> dict[str, Any]:
    parts = [_sub("kind", "valueCode", dose.kind.value)]
    for name in DOSE_FIELDS:
        value = getattr(dose, name)
        if value is not None:
            parts.append(_sub(name, "valuePositiveInt", value))
    if dose.per_side:
        parts.append(_sub("per_side", "valueBoolean", True))
    return {"url": EXERCISE_DOSE, "extension": parts}


def _timing(dose: Dose, text: str) -> dict[str, Any]:
    """How often, as a Timing where FHIR has the words: times a day, else days a week; a duration dose's minutes as
    the duration of each time. What a Timing cannot say at once (times a day *and* days a week) stays exact in the
    dose extension and the text."""
    repeat: dict[str, Any] = {}
    if dose.times_per_day is not None:
        repeat.update(frequency=dose.times_per_day, period=1, periodUnit="d")
    elif dose.days_per_week is not None:
        repeat.update(frequency=dose.days_per_week, period=1, periodUnit="wk")
    if dose.kind is DoseKind.DURATION and dose.minutes is not None:
        repeat.update(duration=dose.minutes, durationUnit="min")
    return {"repeat": repeat, "code": {"text": text}}


def _quantity(dose: Dose) -> dict[str, Any] | None:
    """Repetitions per set (per side when the dose says so) as the activity's quantity."""
    if dose.repetitions is None:
        return None
    unit = "{repetition}"
    return {"value": dose.repetitions, "unit": "repetitions per side" if dose.per_side else "repetitions",
            "system": "http://unitsofmeasure.org", "code": unit}  # fmt: skip


CODE_SYSTEM_OF = {
    ItemKind.EXERCISE: "exercise",
    ItemKind.EDUCATION: "education-module",
    ItemKind.TECHNIQUE: "technique",
}


def _activity(item: PlanItem, view: ItemView, status: str, lang: Lang) -> dict[str, Any]:
    code: dict[str, Any] = {"text": view.title or str(ItemKind(item.kind).label)}
    if item.ref and item.kind in CODE_SYSTEM_OF:
        code["coding"] = [{"system": code_system(CODE_SYSTEM_OF[ItemKind(item.kind)]), "code": item.ref,
                           "display": view.title}]  # fmt: skip
    detail: dict[str, Any] = {"code": code, "status": status}
    if item.kind == ItemKind.EDUCATION:
        detail["kind"] = "CommunicationRequest"
    extensions = [_origin(item, view, lang)]
    dose = view.spec.dose
    if dose is not None:
        detail["description"] = view.dose_text
        detail["scheduledTiming"] = _timing(dose, view.dose_text)
        quantity = _quantity(dose)
        if quantity is not None:
            detail["quantity"] = quantity
        extensions.append(_dose(dose))
    elif view.title and item.kind not in CODE_SYSTEM_OF:
        detail["description"] = view.title
    return {"extension": extensions, "detail": detail}


def build(rows: Sequence[TreatmentPlan], ctx: BuildContext) -> list[dict[str, Any]]:
    with translation.override(ctx.lang):
        return _build(rows, ctx, Lang(ctx.lang))


def _build(rows: Sequence[TreatmentPlan], ctx: BuildContext, lang: Lang) -> list[dict[str, Any]]:
    version_ids = [row.current_id for row in rows]  # type: ignore[attr-defined]
    versions = {v.pk: v for v in PlanVersion.objects.filter(pk__in=version_ids).select_related("created_by")}
    items: dict[int, list[PlanItem]] = defaultdict(list)
    for link in (
        VersionItem.objects.filter(version_id__in=version_ids).select_related("item").order_by("version_id", "position")
    ):
        items[link.version_id].append(link.item)
    states = ctx.states([row.episode for row in rows])
    return [_plan(row, versions[row.current_id], items[row.current_id], states[row.episode_id], ctx, lang)  # type: ignore[attr-defined]
            for row in rows]  # fmt: skip


def _plan(
    plan: TreatmentPlan,
    version: PlanVersion,
    items: list[PlanItem],
    state: EpisodeState,
    ctx: BuildContext,
    lang: Lang,
) -> dict[str, Any]:
    episode = plan.episode
    patient_ref = {"reference": f"Patient/{episode.patient_id}", "display": str(episode.patient)}
    status, activity_status = _status(state)
    goals: list[dict[str, Any]] = []
    activities = []
    for item, view in zip(items, views_of(items, lang, svg=False), strict=True):
        if item.kind == ItemKind.GOAL:
            goals.append(
                {
                    "resourceType": "Goal",
                    "id": f"goal-{item.pk}",
                    "lifecycleStatus": "completed" if status == "completed" else "active",
                    "description": {"text": view.title},
                    "subject": patient_ref,
                    "extension": [_origin(item, view, lang)],
                }
            )
        else:
            activities.append(_activity(item, view, activity_status, lang))
    ends = version.starts_on + dt.timedelta(weeks=version.weeks)
    resource: dict[str, Any] = {
        "resourceType": "CarePlan",
        "id": str(plan.pk),
        "meta": {"lastUpdated": version.created_at},
        "identifier": [{"system": identifier_system("plan-version"), "value": f"{plan.pk}-{version.number}"}],
        "status": status,
        "intent": "plan",
        "subject": patient_ref,
        "period": {"start": version.starts_on.isoformat(), "end": ends.isoformat()},
        "created": plan.created_at,
        "supportingInfo": [{"reference": f"EpisodeOfCare/{episode.pk}"}],
    }
    if version.change:
        resource["note"] = [{"text": version.change, "time": version.created_at}]
    if version.sessions_per_week:
        resource["extension"] = [{"url": SESSIONS_PER_WEEK, "valuePositiveInt": version.sessions_per_week}]
    if version.created_by is not None:
        resource["author"] = {"display": version.created_by.get_full_name() or version.created_by.get_username()}
    if goals:
        resource["contained"] = goals
        resource["goal"] = [{"reference": f"#{goal['id']}"} for goal in goals]
    if activities:
        resource["activity"] = activities
    return validated(resource)


KIND = register(
    ResourceKind(
        type="CarePlan",
        records=records,
        patient_field="episode__patient_id",
        date_field="period_start",
        updated_field="last_changed",
        build=build,
    )
)
