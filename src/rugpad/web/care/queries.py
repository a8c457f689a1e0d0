"""Read-only queries behind the pages. Callers have authorised the user; these never widen what is visible."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from rugpad import engine
from rugpad.web.care.access import patients_visible_to
from rugpad.web.care.forms import AlarmActionForm, OverrideForm
from rugpad.web.care.models import (
    AlarmAction,
    Episode,
    EpisodeStatus,
    InstrumentResponse,
    Patient,
    ResponseStatus,
    TriageRecord,
)
from rugpad.web.i18n import reader_lang
from rugpad.web.practice.models import User

ALARM_URGENCIES = ("emergency", "urgent", "soon")
STRENGTH_ORDER = ("do", "consider", "do_not")
REVIEW_HORIZON_DAYS = 7


def _with_latest_triage(episodes: QuerySet[Episode]) -> QuerySet[Episode]:
    latest = TriageRecord.objects.filter(episode=OuterRef("pk")).order_by("-recorded_at", "-id")
    return episodes.annotate(
        urgency=Subquery(latest.values("urgency")[:1]),
        profile=Subquery(latest.values("profile")[:1]),
        acted_on=Exists(AlarmAction.objects.filter(episode=OuterRef("pk"))),
    )


def dashboard(clinician: User, today: dt.date) -> dict[str, Any]:
    """The clinician's caseload: open alarms first, then who is due for re-evaluation, then the rest."""
    open_episodes = _with_latest_triage(
        Episode.objects.filter(
            patient__in=patients_visible_to(clinician), patient__clinician=clinician, status=EpisodeStatus.OPEN
        ).select_related("patient")
    )
    episodes: list[Any] = list(open_episodes)  # annotated with urgency, profile and acted_on
    alarms = [e for e in episodes if e.urgency in ALARM_URGENCIES and not e.acted_on]
    alarms.sort(key=lambda e: ALARM_URGENCIES.index(e.urgency))
    horizon = today + dt.timedelta(days=REVIEW_HORIZON_DAYS)
    due = [
        e for e in episodes if e not in alarms and e.next_evaluation_on is not None and e.next_evaluation_on <= horizon
    ]
    due.sort(key=lambda e: e.next_evaluation_on)
    rest = [e for e in episodes if e not in alarms and e not in due]
    return {"alarms": alarms, "due": due, "caseload": rest, "today": today}


def search_patients(clinician: User, criteria: dict[str, Any]) -> QuerySet[Patient]:
    patients = patients_visible_to(clinician)
    for word in (criteria.get("q") or "").split():
        patients = patients.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    if criteria.get("born"):
        patients = patients.filter(date_of_birth=criteria["born"])
    return patients.order_by("last_name", "first_name")[:100]


def triage_view(triage: TriageRecord | None) -> dict[str, Any] | None:
    """The stored triage, in the reader's language: the engine re-renders it from the stored inputs."""
    if triage is None:
        return None
    lang = reader_lang()
    result: dict[str, Any] = engine.triage(triage.payload).to_dict(lang)
    rule_ids = [item["id"] for key in ("red_flags", "recommendations", "manipulation_rules") for item in result[key]]
    if result.get("profile_rule"):
        rule_ids.append(result["profile_rule"])
    explanations = {rule_id: engine.explain(rule_id).to_dict(lang) for rule_id in rule_ids}
    by_strength = [
        (strength, [r for r in result["recommendations"] if r["strength"] == strength]) for strength in STRENGTH_ORDER
    ]
    return {
        "record": triage,
        "result": result,
        "explanations": explanations,
        "recommendations": [(strength, recs) for strength, recs in by_strength if recs],
    }


def episode_overview(episode: Episode) -> dict[str, Any]:
    triage = episode.latest("triages")
    return {
        "episode": episode,
        "patient": episode.patient,
        "intake": episode.latest("intakes"),
        "screening": episode.latest("screenings"),
        "examination": episode.latest("examinations"),
        "triage": triage_view(triage),
        "responses": episode.responses.all(),
        "overrides": episode.overrides.order_by("-recorded_at"),
        "alarm_actions": episode.alarm_actions.order_by("-acted_at"),
        "instruments": [d for d in engine.instruments().values() if episode.region in d.regions],
        "override_form": OverrideForm(region=episode.region),
        "alarm_form": AlarmActionForm(initial={"acted_at": timezone.localtime()}),
    }


def pending_questionnaires(patient: Patient) -> QuerySet[InstrumentResponse]:
    return InstrumentResponse.objects.filter(episode__patient=patient, status=ResponseStatus.REQUESTED).order_by(
        "requested_at"
    )
