"""Read-only queries behind the pages. Callers have authorised the user; these never widen what is visible."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from rugpad import engine
from rugpad.core.episode import EpisodeState, FlagView, MomentStatus
from rugpad.web.care.access import patients_visible_to
from rugpad.web.care.clinical import state_of, states_of
from rugpad.web.care.forms import FlagEventForm, OverrideForm
from rugpad.web.care.models import (
    OPEN_STAGES,
    Episode,
    EpisodeStatus,
    FlagEventKind,
    InstrumentResponse,
    Patient,
    PatientNameToken,
    RedFlag,
    ResponseStatus,
    TriageRecord,
)
from rugpad.web.care.names import prefix_end, words
from rugpad.web.i18n import reader_lang
from rugpad.web.practice.models import User

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


DASHBOARD_ROWS = 25
"""Rows per dashboard list: what a clinician acts on today, not the whole caseload (the patient list has that)."""


def alarm_rows(flags: list[RedFlag]) -> list[AlarmRow]:
    lang = reader_lang()
    rows = []
    for flag in flags:
        rule = engine.red_flag(flag.rule_id)
        rows.append(AlarmRow(flag, rule.name.get(lang) if rule else flag.rule_id))
    return rows


def open_red_flags(clinician: User) -> QuerySet[RedFlag]:
    """Every open red flag (no doctor's assessment yet) in the practice — so none waits for an absent colleague, and
    none hides in a closed episode —, most urgent first, then those nobody has acted on, then the oldest: a walk of
    the `care_redflag_queue` index, which stops at the page's end whatever the number of open flags."""
    return (
        RedFlag.objects.filter(practice_id=clinician.practice_id or 0, is_open=True)
        .select_related("episode__patient")
        .order_by("urgency_rank", "-stage", "raised_at", "pk")  # "raised" after "acted": not yet acted on first
    )


def dashboard(clinician: User, today: dt.date) -> dict[str, Any]:
    """What the clinician acts on today: open red flags first, then their patients due for re-evaluation (soonest
    first), then their most recently started open episodes. Each list is cut at `DASHBOARD_ROWS` (the page says
    so and links to the patient list), so the page costs the same in a practice of a hundred or of a hundred
    thousand patients."""
    alarms = alarm_rows(list(open_red_flags(clinician)[: DASHBOARD_ROWS + 1]))
    horizon = today + dt.timedelta(days=REVIEW_HORIZON_DAYS)
    flagged = RedFlag.objects.filter(episode=OuterRef("pk"), stage__in=OPEN_STAGES)
    mine = (
        Episode.objects.filter(
            patient__practice_id=clinician.practice_id or 0, patient__clinician=clinician, status=EpisodeStatus.OPEN
        )
        .exclude(Exists(flagged))  # shown with the alarms
        .select_related("patient")
    )
    due: list[Any] = list(
        _with_latest_triage(mine.filter(next_evaluation_on__lte=horizon)).order_by("next_evaluation_on", "pk")[
            : DASHBOARD_ROWS + 1
        ]
    )
    states = states_of(due[:DASHBOARD_ROWS], today)
    overdue = {
        pk
        for pk, state in states.items()
        if any(m.status is MomentStatus.OVERDUE and m.moment.key != "intake" for m in state.moments)
    }
    recent: list[Any] = list(
        _with_latest_triage(mine.exclude(next_evaluation_on__lte=horizon)).order_by("-started_on", "-pk")[
            : DASHBOARD_ROWS + 1
        ]
    )
    shown = {row.flag.episode.patient_id for row in alarms[:DASHBOARD_ROWS]} | {
        e.patient_id for e in due[:DASHBOARD_ROWS] + recent[:DASHBOARD_ROWS]
    }
    return {
        "alarms": alarms[:DASHBOARD_ROWS],
        "more_alarms": len(alarms) > DASHBOARD_ROWS,
        "due": due[:DASHBOARD_ROWS],
        "more_due": len(due) > DASHBOARD_ROWS,
        "overdue": overdue,
        "caseload": recent[:DASHBOARD_ROWS],
        "more_caseload": len(recent) > DASHBOARD_ROWS,
        "rows": DASHBOARD_ROWS,
        "today": today,
        "patient_count": len(shown),  # for the page's audit event
    }


PATIENT_PAGE = 50
"""Patients on one page of the patient list."""
FEW_MATCHES = 2_000
"""Up to this many patients whose name has a word beginning with the typed word, the search starts from the word
index; beyond it, from the list in name order (see `search_patients`)."""
MAX_PATIENT_PAGE = 10_000


@dataclass(frozen=True, slots=True)
class PatientPage:
    patients: list[Patient]
    number: int
    has_next: bool


ALARM_PAGE = 50


def alarm_page(clinician: User, page: int) -> tuple[list[AlarmRow], bool]:
    """One page of the practice's open red flags (the dashboard shows the first few), and whether more follow."""
    start = (min(max(page, 1), MAX_PATIENT_PAGE) - 1) * ALARM_PAGE
    flags = list(open_red_flags(clinician)[start : start + ALARM_PAGE + 1])
    return alarm_rows(flags[:ALARM_PAGE]), len(flags) > ALARM_PAGE


def search_patients(clinician: User, criteria: dict[str, Any], page: int = 1) -> PatientPage:
    """One page of the practice's patients by name, each typed word matching the start of a word of their name
    (through the name index, `names.py`), optionally born on a given day."""
    patients = patients_visible_to(clinician)
    for word in words(criteria.get("q") or ""):
        end = prefix_end(word)
        begins = {"token__gte": word, **({"token__lt": end} if end else {})}
        matching = PatientNameToken.objects.filter(practice_id=clinician.practice_id or 0, **begins)
        # A word few names begin: start from the word index (up to `FEW_MATCHES` ids) and sort those. A word
        # many names begin: walk the practice in name order, asking the index per patient, and stop at the first
        # page of matches, which come soon. Either way the work is bounded whatever the size of the practice.
        few = list(matching.values_list("patient_id", flat=True)[: FEW_MATCHES + 1])
        if len(few) <= FEW_MATCHES:
            patients = patients.filter(pk__in=few)
        else:
            patients = patients.filter(Exists(PatientNameToken.objects.filter(patient=OuterRef("pk"), **begins)))
    if criteria.get("born"):
        patients = patients.filter(date_of_birth=criteria["born"])
    number = min(max(page, 1), MAX_PATIENT_PAGE)
    start = (number - 1) * PATIENT_PAGE
    rows = list(
        patients.select_related("clinician").order_by("last_name", "first_name", "pk")[start : start + PATIENT_PAGE + 1]
    )
    return PatientPage(rows[:PATIENT_PAGE], number, has_next=len(rows) > PATIENT_PAGE)


def triage_view(state: EpisodeState, record: TriageRecord | None, country: str = "nl") -> dict[str, Any]:
    """The state's triage in the reader's language, with each rule's explanation; a rule's sources are cited with
    the guideline of the practice's `country` first (KCE in Belgium, KNGF and NHG in the Netherlands)."""
    lang = reader_lang()
    result: dict[str, Any] = state.triage.to_dict(lang)
    rule_ids = [item["id"] for key in ("recommendations", "manipulation_rules") for item in result[key]]
    if result.get("profile_rule"):
        rule_ids.append(result["profile_rule"])
    explanations = {
        rule_id: engine.explain(rule_id).to_dict(lang)
        | {
            "sources": [
                {"id": source.id, "citation": source.citation, "url": source.url}
                for source in engine.rule_sources(rule_id, country)
            ]
        }
        for rule_id in rule_ids
    }
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
    country = episode.patient.practice.country
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
                kind: FlagEventForm(kind=kind, country=country, auto_id=f"flag{view.record.key}-{kind}-%s")
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
        "triage": triage_view(state, triage, country),
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
