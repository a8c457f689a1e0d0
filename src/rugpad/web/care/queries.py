"""Read-only queries behind the pages. Callers have authorised the user; these never widen what is visible."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery

from rugpad import engine
from rugpad.core.episode import EpisodeState, FlagView, MomentStatus
from rugpad.core.vocab import Urgency
from rugpad.web.care.access import patients_visible_to
from rugpad.web.care.clinical import state_of
from rugpad.web.care.forms import FlagEventForm, OverrideForm
from rugpad.web.care.models import (
    Episode,
    EpisodeStatus,
    FlagEventKind,
    FlagStage,
    InstrumentResponse,
    Patient,
    RedFlag,
    ResponseStatus,
    TriageRecord,
)
from rugpad.web.i18n import reader_lang
from rugpad.web.practice.models import User

OPEN_STAGES = (FlagStage.RAISED, FlagStage.ACTED)
STRENGTH_ORDER = ("do", "consider", "do_not")
REVIEW_HORIZON_DAYS = 7


def _with_latest_triage(episodes: QuerySet[Episode]) -> QuerySet[Episode]:
    latest = TriageRecord.objects.filter(episode=OuterRef("pk")).order_by("-recorded_at", "-id")
    return episodes.annotate(profile=Subquery(latest.values("profile")[:1]))


@dataclass(frozen=True, slots=True)
class AlarmRow:
    """An open red flag on the dashboard, with its name in the reader's language."""

    flag: RedFlag
    name: str


def alarm_rows(clinician: User) -> list[AlarmRow]:
    lang = reader_lang()
    rows = []
    for flag in open_red_flags(clinician):
        rule = engine.red_flag(flag.rule_id)
        rows.append(AlarmRow(flag, rule.name.get(lang) if rule else flag.rule_id))
    return rows


def open_red_flags(clinician: User) -> list[RedFlag]:
    """Every open red flag (no doctor's assessment yet) in the practice — so none waits for an absent colleague, and
    none hides in a closed episode —, most urgent first, then those nobody has acted on, then the oldest."""
    flags = list(
        RedFlag.objects.filter(
            stage__in=OPEN_STAGES, episode__patient__practice_id=clinician.practice_id or 0
        ).select_related("episode__patient")
    )
    flags.sort(key=lambda f: (Urgency(f.urgency).rank, f.stage != FlagStage.RAISED, f.raised_at))
    return flags


def dashboard(clinician: User, today: dt.date) -> dict[str, Any]:
    """The clinician's caseload: open red flags first, then who is due for re-evaluation, then the rest."""
    open_episodes = _with_latest_triage(
        Episode.objects.filter(
            patient__in=patients_visible_to(clinician), patient__clinician=clinician, status=EpisodeStatus.OPEN
        ).select_related("patient")
    )
    episodes: list[Any] = list(open_episodes)  # annotated with the profile
    alarms = alarm_rows(clinician)
    flagged = {row.flag.episode_id for row in alarms}
    horizon = today + dt.timedelta(days=REVIEW_HORIZON_DAYS)
    due = [
        e
        for e in episodes
        if e.pk not in flagged and e.next_evaluation_on is not None and e.next_evaluation_on <= horizon
    ]
    due.sort(key=lambda e: e.next_evaluation_on)
    overdue = {e.pk for e in due if _has_overdue_moment(e, today)}
    rest = [e for e in episodes if e.pk not in flagged and e not in due]
    shown = {row.flag.episode.patient_id for row in alarms} | {e.patient_id for e in due + rest}
    return {
        "alarms": alarms,
        "due": due,
        "overdue": overdue,
        "caseload": rest,
        "today": today,
        "patient_count": len(shown),  # for the page's audit event
    }


def _has_overdue_moment(episode: Episode, today: dt.date) -> bool:
    """Whether a measurement moment is past its window (the episode state's word, not the due date alone)."""
    return any(m.status is MomentStatus.OVERDUE and m.moment.key != "intake" for m in state_of(episode, today).moments)


def search_patients(clinician: User, criteria: dict[str, Any]) -> QuerySet[Patient]:
    patients = patients_visible_to(clinician)
    for word in (criteria.get("q") or "").split():
        patients = patients.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    if criteria.get("born"):
        patients = patients.filter(date_of_birth=criteria["born"])
    return patients.order_by("last_name", "first_name")[:100]


def triage_view(state: EpisodeState, record: TriageRecord | None) -> dict[str, Any]:
    """The state's triage in the reader's language, with each rule's explanation."""
    lang = reader_lang()
    result: dict[str, Any] = state.triage.to_dict(lang)
    rule_ids = [item["id"] for key in ("recommendations", "manipulation_rules") for item in result[key]]
    if result.get("profile_rule"):
        rule_ids.append(result["profile_rule"])
    explanations = {rule_id: engine.explain(rule_id).to_dict(lang) for rule_id in rule_ids}
    by_strength = [
        (strength, [r for r in result["recommendations"] if r["strength"] == strength]) for strength in STRENGTH_ORDER
    ]
    return {
        "record": record,
        "result": result,
        "explanations": explanations,
        "recommendations": [(strength, recs) for strength, recs in by_strength if recs],
    }


@dataclass(frozen=True, slots=True)
class FlagRow:
    """One red flag as the episode page shows it: the state's view, the stored flag with its history, texts in the
    reader's language, the rule's explanation and the forms for its next steps."""

    view: FlagView
    stored: RedFlag | None
    name: str
    action: str
    explanation: dict[str, Any] | None
    forms: dict[str, FlagEventForm]


def episode_overview(episode: Episode, state: EpisodeState | None = None) -> dict[str, Any]:
    """Everything the episode page shows, read from the episode's one clinical state (`state` when the caller has
    just computed it)."""
    lang = reader_lang()
    state = state or state_of(episode)
    triage = episode.latest("triages")
    stored = {str(flag.pk): flag for flag in episode.red_flags.prefetch_related("events__recorded_by")}
    flags = [
        FlagRow(
            view=view,
            stored=stored.get(view.record.key) if view.record else None,
            name=view.name.get(lang),
            action=view.action.get(lang),
            explanation=engine.explain(view.rule_id).to_dict(lang) if view.source else None,
            forms={
                kind: FlagEventForm(kind=kind, auto_id=f"flag{view.record.key}-{kind}-%s")
                for kind in FlagEventKind.values
            }
            if view.is_open and view.record
            else {},
        )
        for view in state.flags
    ]
    return {
        "episode": episode,
        "patient": episode.patient,
        "state": state,
        "flags": flags,
        "open_flags": [f for f in flags if f.view.is_open],
        "closed_flags": [f for f in flags if not f.view.is_open],
        "intake": episode.latest("intakes"),
        "screening": episode.latest("screenings"),
        "examination": episode.latest("examinations"),
        "triage": triage_view(state, triage),
        "gate_reasons": [reason.get(lang) for reason in state.gate.reasons],
        "responses": episode.responses.all(),
        "overrides": episode.overrides.order_by("-recorded_at"),
        "instruments": [d for d in engine.instruments().values() if episode.region in d.regions],
        "override_form": OverrideForm(region=episode.region),
    }


def pending_questionnaires(patient: Patient) -> QuerySet[InstrumentResponse]:
    """Questionnaires sent to the patient and not yet filled in, of open episodes only (a closed one asks nothing)."""
    return InstrumentResponse.objects.filter(
        episode__patient=patient, episode__status=EpisodeStatus.OPEN, status=ResponseStatus.REQUESTED
    ).order_by("requested_at")
