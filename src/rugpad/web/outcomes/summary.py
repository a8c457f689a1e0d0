"""The per-episode outcome summary (`EpisodeOutcome`) the practice dashboard counts, kept up to date.

Every fact the dashboard needs of an episode that costs a look at other records is kept on one row per episode::

    episode, patient, triages         -->  practice, clinician, region, profile, started, open
    discharge report, red-flag events -->  closed at, referred at
    questionnaires (completed)        -->  end measured, last contact, and through the engine's `judge_changes`:
                                           each instrument's importance (first → latest score) and the responder
    plan version and its exercises    -->  plan, plan start, exercise-days a week, exercises done, last done
    guided sessions                   -->  last contact

`refresh(ids)` recomputes whole rows from the records, set by set (a few queries for one episode or a thousand);
the actions call it in the transaction that changes an input (`refresh_episode`), and an exercise result — the
one frequent write — moves its episode's counters with one UPDATE (`count_exercise`). Each writer locks its
episodes first, so concurrent writes to one episode take turns and the last one computes from what the others
did. `rebuild()` recomputes every row (the migration 0003, `manage.py rebuild_outcome_summary`, the bulk fill).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils import timezone

from rugpad import engine
from rugpad.core.errors import InvalidInput
from rugpad.core.evaluation import ChangeRule, Importance
from rugpad.web.care.models import (
    Episode,
    EpisodeStatus,
    FlagEventKind,
    InstrumentResponse,
    RedFlagEvent,
    ResponseStatus,
    TriageRecord,
)
from rugpad.web.outcomes.models import EpisodeOutcome, GpReport, ReportKind
from rugpad.web.plans.models import ExerciseSessionLog, ExerciseSetLog, ItemKind, PlanVersion, VersionItem

LETTERS = {Importance.IMPROVED: "I", Importance.WORSENED: "W", Importance.NOT_IMPORTANT: "N"}
"""How a judged instrument's importance is kept in `EpisodeOutcome.changes` (short: the dashboard groups by it)."""
RESPONDER = {True: "Y", False: "N", None: ""}

REBUILD_CHUNK = 2_000


def improvement_rules() -> dict[str, ChangeRule]:
    """The instruments whose change can be judged: those with a known MCID (PSK has none), in content order."""
    return {code: rule for code, rule in engine.change_rules().items() if rule.mcid_points is not None}


def end_moments() -> list[str]:
    """The measurement moments at the end of treatment (the schedule's own keys)."""
    return [moment.key for moment in engine.schedule().moments if moment.end_of_treatment]


def midnight(day: dt.date) -> dt.datetime:
    """The start of `day` in the practice's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


# ------------------------------------------------------------------------------------------------------ judging


def verdicts(series: Iterable[tuple[str, float, dt.datetime]]) -> tuple[str, str, dt.datetime | None]:
    """`changes`, `responder` and `judged_until` of one episode from its scores (instrument, score, completed at) in
    order of completion: the first score of an instrument is its baseline, the latest its follow-up, and one score
    alone is not judged. The engine judges; a score outside the instrument's range is left out, as not judged."""
    rules = improvement_rules()
    first: dict[str, float] = {}
    latest: dict[str, tuple[float, dt.datetime]] = {}
    counts: dict[str, int] = defaultdict(int)
    for code, score, at in series:
        rule = rules.get(code)
        if rule is None or not rule.minimum <= score <= rule.maximum:
            continue
        first.setdefault(code, score)
        latest[code] = (score, at)
        counts[code] += 1
    pairs = {code: (first[code], latest[code][0]) for code in rules if counts[code] >= 2}
    if not pairs:
        return "", "", None
    try:
        judged = engine.judge_changes(pairs)
    except InvalidInput:  # the ranges were checked above; a content change could still refuse a pair
        return "", "", None
    changes = ",".join(f"{code}={LETTERS[v]}" for code, v in judged.importance.items() if v in LETTERS)
    until = max(latest[code][1] for code in pairs)
    return changes, RESPONDER[judged.responder], until


def parse_changes(changes: str) -> dict[str, str]:
    """`EpisodeOutcome.changes` back into instrument → letter."""
    return dict(part.split("=", 1) for part in changes.split(",") if part)


def _scores(episodes: Q, before: dt.datetime | None = None) -> dict[int, list[tuple[str, float, dt.datetime]]]:
    """The judgeable completed scores of the episodes `episodes` selects, per episode in order of completion."""
    rows = InstrumentResponse.objects.filter(
        episodes,
        instrument__in=list(improvement_rules()),
        status=ResponseStatus.COMPLETED,
        score__isnull=False,
        completed_at__isnull=False,
    )
    if before is not None:
        rows = rows.filter(completed_at__lt=before)
    found: dict[int, list[tuple[str, float, dt.datetime]]] = defaultdict(list)
    for episode_id, code, score, at in rows.order_by("episode_id", "completed_at", "id").values_list(
        "episode_id", "instrument", "score", "completed_at"
    ):
        if score is not None and at is not None:  # both filtered above; the types allow None
            found[episode_id].append((code, float(score), at))
    return found


def verdicts_before(episodes: Q, before: dt.datetime) -> dict[int, tuple[str, str]]:
    """`changes` and `responder` of the selected episodes as they stood just before `before`."""
    return {episode: verdicts(series)[:2] for episode, series in _scores(episodes, before).items()}


# ------------------------------------------------------------------------------------------------------ computing


def exercise_days() -> Case:
    """A version item's planned exercise-days a week: its dose's days a week (at most 7), every day without one."""
    return Case(
        When(item__dose_kind="", then=Value(7)),
        default=Least(Coalesce(F("item__days_per_week"), Value(7)), Value(7)),
        output_field=IntegerField(),
    )


def _columns() -> dict[str, Any]:
    discharge = GpReport.objects.filter(episode=OuterRef("pk"), kind=ReportKind.DISCHARGE).order_by("-created_at")
    confirmed = RedFlagEvent.objects.filter(flag__episode=OuterRef("pk"), kind=FlagEventKind.CONFIRMED).order_by("at")
    latest_triage = TriageRecord.objects.filter(episode=OuterRef("pk")).order_by("-recorded_at", "-id")
    answered = (
        InstrumentResponse.objects.filter(episode=OuterRef("pk"), status=ResponseStatus.COMPLETED)
        .order_by()
        .values("episode")
        .annotate(at=Max("completed_at"))
        .values("at")
    )
    session = ExerciseSessionLog.objects.filter(plan__episode=OuterRef("pk")).order_by("-started_at")
    version = PlanVersion.objects.filter(plan__episode=OuterRef("pk")).order_by("-number")
    siblings = (
        Episode.objects.filter(patient=OuterRef("patient_id")).order_by().values("patient").annotate(n=Count("pk"))
    )
    return {
        "o_practice": F("patient__practice_id"),
        "o_clinician": F("patient__clinician_id"),
        "o_profile": Coalesce(Subquery(latest_triage.values("profile")[:1]), Value(""), output_field=CharField()),
        "o_closed_at": Coalesce(Subquery(discharge.values("created_at")[:1]), Subquery(confirmed.values("at")[:1])),
        "o_referred_at": Subquery(confirmed.values("at")[:1]),
        "o_end_measured": Exists(
            InstrumentResponse.objects.filter(
                episode=OuterRef("pk"), status=ResponseStatus.COMPLETED, moment__in=end_moments()
            )
        ),
        "o_answered_at": Subquery(answered),
        "o_session_at": Subquery(session.values("started_at")[:1]),
        "o_plan": Subquery(version.values("plan_id")[:1]),
        "o_version": Subquery(version.values("pk")[:1]),
        "o_plan_from": Subquery(version.values("starts_on")[:1]),
        "o_patient_episodes": Subquery(siblings.values("n"), output_field=IntegerField()),
    }


def _plan_counts(versions: Mapping[int, tuple[int, dt.date]]) -> tuple[dict[int, int | None], dict[int, Any]]:
    """Per version: exercise-days a week; per plan: (done since the version's start, the latest done)."""
    days: dict[int, int | None] = dict(
        VersionItem.objects.filter(version_id__in=list(versions), item__kind=ItemKind.EXERCISE)
        .order_by()
        .values("version_id")
        .annotate(days=Sum(exercise_days()))
        .values_list("version_id", "days")
    )
    done: dict[int, Any] = {}
    by_start: dict[dt.date, list[int]] = defaultdict(list)
    for plan, starts in versions.values():
        by_start[starts].append(plan)
    for starts, plans in by_start.items():  # one query per distinct start day (one for a single episode)
        rows = (
            ExerciseSetLog.objects.filter(session__plan_id__in=plans, skipped=False, done_at__gte=midnight(starts))
            .order_by()
            .values("session__plan_id")
            .annotate(n=Count("pk"), last=Max("done_at"))
            .values_list("session__plan_id", "n", "last")
        )
        done.update({plan: (n, last) for plan, n, last in rows})
    return days, done


def compute(episode_ids: Sequence[int]) -> list[EpisodeOutcome]:
    """The summary rows of these episodes, from their records."""
    rows = list(Episode.objects.filter(pk__in=episode_ids).order_by().annotate(**_columns()).values(
        "pk", "patient_id", "region", "started_on", "status", *_columns()))  # fmt: skip
    scores = _scores(Q(episode_id__in=episode_ids))
    versions = {r["o_version"]: (r["o_plan"], r["o_plan_from"]) for r in rows if r["o_version"] is not None}
    days, done = _plan_counts(versions) if versions else ({}, {})
    built = []
    for r in rows:
        changes, responder, judged_until = verdicts(scores.get(r["pk"], []))
        contacts = [at for at in (r["o_answered_at"], r["o_session_at"]) if at is not None]
        n, last = done.get(r["o_plan"], (0, None)) if r["o_version"] is not None else (0, None)
        built.append(
            EpisodeOutcome(
                episode_id=r["pk"],
                practice_id=r["o_practice"],
                patient_id=r["patient_id"],
                clinician_id=r["o_clinician"],
                region=r["region"],
                profile=r["o_profile"] or "",
                started_on=r["started_on"],
                is_open=r["status"] == EpisodeStatus.OPEN,
                closed_at=r["o_closed_at"],
                referred_at=r["o_referred_at"],
                end_measured=bool(r["o_end_measured"]),
                last_contact_at=max(contacts) if contacts else None,
                plan_id=r["o_plan"],
                plan_from=r["o_plan_from"],
                plan_days=days.get(r["o_version"]) if r["o_version"] is not None else None,
                done=n,
                done_until=last,
                changes=changes,
                responder=responder,
                judged_until=judged_until,
                patient_episodes=r["o_patient_episodes"] or 1,
            )
        )
    return built


# ------------------------------------------------------------------------------------------------------ keeping


def refresh(episode_ids: Iterable[int]) -> int:
    """Recomputes the rows of these episodes (inside the caller's transaction); how many were written."""
    ids = sorted(set(episode_ids))
    if not ids:
        return 0
    lock_episodes(Q(pk__in=ids))
    built = compute(ids)
    fields = [f.name for f in EpisodeOutcome._meta.concrete_fields if not f.primary_key]
    EpisodeOutcome.objects.bulk_create(
        built, batch_size=500, update_conflicts=True, unique_fields=["episode"], update_fields=fields
    )
    # the patients' other episodes: their count of episodes changes when one is opened
    counts = {row.patient_id: row.patient_episodes for row in built}
    others = EpisodeOutcome.objects.filter(patient_id__in=list(counts)).exclude(episode_id__in=ids)
    for patient, n in others.values_list("patient_id", "patient_episodes").distinct():
        if n != counts[patient]:
            EpisodeOutcome.objects.filter(patient_id=patient).exclude(episode_id__in=ids).update(
                patient_episodes=counts[patient]
            )
    return len(built)


def lock_episodes(which: Q) -> None:
    """Every writer of the summary locks its episodes first (in id order), so that two at once on one episode take
    turns and the later one reads what the earlier wrote (PostgreSQL; SQLite has one writer at a time anyway)."""
    list(Episode.objects.select_for_update().filter(which).order_by("pk").values_list("pk", flat=True))


_deferred: ContextVar[set[int] | None] = ContextVar("outcome_summary_deferred", default=None)


def refresh_episode(episode: Episode) -> None:
    """The row of one episode, after an action changed one of its records (later, inside `deferred()`)."""
    waiting = _deferred.get()
    if waiting is not None:
        waiting.add(episode.pk)
        return
    refresh([episode.pk])


@contextmanager
def deferred() -> Iterator[None]:
    """Inside: the actions' refreshes are collected and made once, set by set, on the way out — for a loader that
    writes a whole practice through the actions (the demo: one refresh instead of one per action). Nothing inside
    may read the summary; an exercise result's counters need no row yet, the refresh counts from the records."""
    if _deferred.get() is not None:
        yield
        return
    waiting: set[int] = set()
    token = _deferred.set(waiting)
    try:
        yield
    finally:
        _deferred.reset(token)
    refresh(waiting)


def count_exercise(log: ExerciseSetLog, session: ExerciseSessionLog, session_is_new: bool) -> None:
    """One exercise result stored: its episode's counters move in one UPDATE (no recount of the plan's results).
    Counted as `refresh` would: done when not skipped, in the plan the row holds, on or after its start day."""
    day = timezone.localdate(log.done_at)
    changes: dict[str, Any] = {}
    if not log.skipped:
        counts = Q(plan_id=session.plan_id, plan_from__lte=day)
        changes["done"] = Case(When(counts, then=F("done") + 1), default=F("done"), output_field=IntegerField())
        changes["done_until"] = Case(
            When(counts, then=Greatest(Coalesce(F("done_until"), Value(log.done_at)), Value(log.done_at))),
            default=F("done_until"),
            output_field=DateTimeField(),
        )
    if session_is_new:
        at = session.started_at
        changes["last_contact_at"] = Greatest(Coalesce(F("last_contact_at"), Value(at)), Value(at))
    if changes:
        lock_episodes(Q(treatment_plan=session.plan_id))
        EpisodeOutcome.objects.filter(plan_id=session.plan_id).update(**changes)


def rebuild(progress: Callable[[int], None] | None = None, chunk: int = REBUILD_CHUNK) -> int:
    """Recomputes every row from the records, a chunk of episodes per transaction; how many rows there are."""
    with transaction.atomic():
        EpisodeOutcome.objects.all().delete()
    ids = list(Episode.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), chunk):
        with transaction.atomic():
            refresh(ids[start : start + chunk])
        if progress is not None:
            progress(min(start + chunk, len(ids)))
    return len(ids)
