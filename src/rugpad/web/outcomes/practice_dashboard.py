"""The practice outcome dashboard: how the practice's patients do as a group, for a chosen period.

Everything is counted in the database, in a fixed number of queries however large the practice::

    episodes of the period  --one row per episode (subqueries: profile, closing date, adherence, referral,
      (cohort)                drop-out), joined to one pass over the scores (window functions: first and latest
                              score per instrument and episode)--> grouped by (clinician, region, profile)
    questionnaires          --grouped by (clinician, region, profile, moment)-->  completion per moment
    red flags raised        --grouped by (clinician, region, profile, minutes to the first action)--> times
    patients                --COUNT(DISTINCT) per breakdown-->  which groups are large enough to show

Python only adds up the (clinician, region, profile) cells into the breakdowns and reads medians from the minute
histograms: its work grows with the number of groups, never with the number of patients.

The clinically important change is judged with the engine's change rules (`engine.change_rules()`: MCID in points
and in percent of the baseline, direction, source), written into the SQL as parameters; the reading of those rules
(points or percent, the direction by `higher_is_worse`, a zero change is no change) is the core's `change()`, and
`tests/web/outcomes/test_practice_dashboard_sql.py` holds the SQL to it over every pair of scores. Responders follow
the core's `responder()`: an important improvement on pain and on function, and no important worsening.

No patient is named: rows carry counts, and a group of fewer than `MIN_GROUP` patients is not shown at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Floor, Greatest, Least, NullIf, Round, RowNumber
from django.utils import timezone

from rugpad import engine
from rugpad.core.evaluation import ChangeRule, Domain
from rugpad.web.care.models import (
    Episode,
    EpisodeStatus,
    FlagEventKind,
    InstrumentResponse,
    RedFlag,
    RedFlagEvent,
    ResponseStatus,
    TriageRecord,
)
from rugpad.web.outcomes.models import GpReport, ReportKind
from rugpad.web.plans.models import ExerciseSessionLog, ExerciseSetLog, ItemKind, PlanVersion, VersionItem

MIN_GROUP = 5
"""Groups of fewer patients are not shown (and a share of fewer than this many episodes is not given): small
numbers could point to a person."""

NO_CONTACT_DAYS = 42
"""An open episode counts as a drop-out when nothing came from the patient for this many days (six weeks): no
questionnaire completed and no guided exercise session. A reporting choice of rugpad, not a clinical rule."""

DEFAULT_MONTHS = 12


@dataclass(frozen=True, slots=True)
class Period:
    start: dt.date
    end: dt.date
    """Both days included."""

    @classmethod
    def default(cls, today: dt.date) -> Period:
        """The last 12 months up to today."""
        try:
            start = today.replace(year=today.year - 1) + dt.timedelta(days=1)
        except ValueError:  # 29 February
            start = today.replace(year=today.year - 1, day=28) + dt.timedelta(days=1)
        return cls(start, today)

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """The period as aware datetimes [start 00:00, day after end 00:00) in the practice's time zone."""
        first = timezone.make_aware(dt.datetime.combine(self.start, dt.time.min))
        after = timezone.make_aware(dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min))
        return first, after


# ---------------------------------------------------------------------------------------------------------- SQL


class DaysBetween(Func):
    """Whole days from `start` to `end` (two date expressions); the same on SQLite and PostgreSQL."""

    output_field = IntegerField()
    arity = 2
    template = "(CAST(%(expressions)s AS date))"

    def as_sql(self, compiler: Any, conn: Any, **extra: Any) -> Any:  # type: ignore[override]
        (start, start_params), (end, end_params) = (compiler.compile(e) for e in self.get_source_expressions())
        if conn.vendor == "sqlite":
            return f"CAST(julianday({end}) - julianday({start}) AS INTEGER)", (*end_params, *start_params)
        return f"(CAST({end} AS date) - CAST({start} AS date))", (*end_params, *start_params)


class EpochSeconds(Func):
    """Seconds since 1970 of a datetime expression, fractional; the same on SQLite and PostgreSQL."""

    output_field = FloatField()
    arity = 1
    template = "CAST(EXTRACT(EPOCH FROM %(expressions)s) AS double precision)"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="((julianday(%(expressions)s) - 2440587.5) * 86400.0)", **extra
        )


def profile_of_episode(ref: str = "pk") -> Subquery:
    """The profile of the episode's newest triage (what the patient list shows); '' when none is recorded."""
    latest = TriageRecord.objects.filter(episode=OuterRef(ref)).order_by("-recorded_at", "-id")
    return Coalesce(Subquery(latest.values("profile")[:1]), Value(""), output_field=CharField())  # type: ignore[return-value]


def closed_at_of_episode() -> Coalesce:
    """When the episode closed: its discharge report, or the doctor's confirmation of a red flag (referred)."""
    discharge = GpReport.objects.filter(episode=OuterRef("pk"), kind=ReportKind.DISCHARGE).order_by("-created_at")
    confirmed = RedFlagEvent.objects.filter(flag__episode=OuterRef("pk"), kind=FlagEventKind.CONFIRMED).order_by("at")
    return Coalesce(Subquery(discharge.values("created_at")[:1]), Subquery(confirmed.values("at")[:1]))


def score_rows(practice_id: int, period: Period) -> QuerySet[Any]:
    """Every completed score (up to the period's end) of the instruments that can be judged, in one pass with its
    place in its episode's series of that instrument: first (`first_rank` 1), latest (`last_rank` 1), and how many
    (`n`). The core's reading: the first score is the baseline, the latest the follow-up, in order of completion."""
    _first, after = period.bounds()
    series = [F("episode_id"), F("instrument")]
    return (
        InstrumentResponse.objects.filter(
            episode__patient__practice_id=practice_id,
            episode__started_on__lte=period.end,
            instrument__in=list(improvement_rules()),
            status=ResponseStatus.COMPLETED,
            score__isnull=False,
            completed_at__lt=after,
        )
        .annotate(
            first_rank=Window(RowNumber(), partition_by=series, order_by=[F("completed_at").asc(), F("id").asc()]),
            last_rank=Window(RowNumber(), partition_by=series, order_by=[F("completed_at").desc(), F("id").desc()]),
            n=Window(Count("id"), partition_by=series),
        )
        .order_by()
        .values("episode_id", "instrument", "score", "first_rank", "last_rank", "n")
    )


def adherence_of_episode(period: Period, today: dt.date) -> Subquery:
    """The home programme's adherence over the period, as `plans.queries.weekly_adherence` counts it: exercises
    done (not skipped) of the exercise-days planned by the plan's current version (each exercise's days a week, every
    day when its dose names none), from the version's start (or the period's) to the period's end (or today); capped
    at 100 %. A fraction 0-1; NULL without a plan, without planned exercise, or before the programme starts."""
    end = min(period.end, today)
    end_after = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    exercise_days = Case(
        When(item__dose_kind="", then=Value(7)),
        default=Least(Coalesce(F("item__days_per_week"), Value(7)), Value(7)),
        output_field=IntegerField(),
    )
    per_week = (
        VersionItem.objects.filter(version=OuterRef("pk"), item__kind=ItemKind.EXERCISE)
        .order_by()
        .values("version")
        .annotate(days=Sum(exercise_days))
        .values("days")
    )
    done = (
        ExerciseSetLog.objects.filter(
            session__plan=OuterRef("plan"),
            skipped=False,
            done_at__gte=OuterRef("from_day"),
            done_at__lt=end_after,
        )
        .order_by()
        .values("session__plan")
        .annotate(n=Count("pk"))
        .values("n")
    )
    first = Greatest(F("starts_on"), Value(period.start, output_field=DateField()))
    weeks = DaysBetween(F("from_day"), Value(end, output_field=DateField())) / Value(7) + Value(1)
    # each subquery is written once in the SQL: the planned days are NULL (no division) when there are none
    planned = NullIf(Subquery(per_week, output_field=IntegerField()) * weeks, Value(0))
    done_count = Coalesce(Subquery(done, output_field=IntegerField()), Value(0))
    versions = (
        PlanVersion.objects.filter(plan__episode=OuterRef("pk"))
        .order_by("-number")
        .annotate(from_day=first)
        .annotate(
            share=Case(
                When(from_day__lte=end, then=Least(done_count * 1.0 / planned, Value(1.0))),
                default=None,
                output_field=FloatField(),
            )
        )
    )
    return Subquery(versions.values("share")[:1], output_field=FloatField())


def improvement_rules() -> dict[str, ChangeRule]:
    """The instruments whose change can be judged: those with a known MCID (PSK has none), in content order."""
    return {code: rule for code, rule in engine.change_rules().items() if rule.mcid_points is not None}


def end_moments() -> list[str]:
    """The measurement moments at the end of treatment (the schedule's own keys)."""
    return [moment.key for moment in engine.schedule().moments if moment.end_of_treatment]


def episode_rows(practice_id: int, period: Period, today: dt.date) -> QuerySet[Any]:
    """One row per episode of the period (plain values, no name): the cohort is every episode of the practice that
    ran during the period — started on or before its end, and open, or closed on or after its start (a closed
    episode whose closing date is unknown counts when it started in the period)."""
    first, after = period.bounds()
    cutoff = min(period.end, today) - dt.timedelta(days=NO_CONTACT_DAYS)
    cutoff_at = timezone.make_aware(dt.datetime.combine(cutoff + dt.timedelta(days=1), dt.time.min))
    ends = end_moments()
    closed = Q(status=EpisodeStatus.CLOSED)
    episodes = episode_cohort(practice_id, period)
    referral = RedFlagEvent.objects.filter(
        flag__episode=OuterRef("pk"), kind=FlagEventKind.CONFIRMED, at__gte=first, at__lt=after
    )
    referred_ever = RedFlagEvent.objects.filter(flag__episode=OuterRef("pk"), kind=FlagEventKind.CONFIRMED)
    end_measured = InstrumentResponse.objects.filter(
        episode=OuterRef("pk"), status=ResponseStatus.COMPLETED, moment__in=ends
    )
    recent_answer = InstrumentResponse.objects.filter(
        episode=OuterRef("pk"), status=ResponseStatus.COMPLETED, completed_at__gte=cutoff_at
    )
    recent_session = ExerciseSessionLog.objects.filter(plan__episode=OuterRef("pk"), started_at__gte=cutoff_at)
    columns: dict[str, Any] = {
        "g_episode": F("pk"),
        "g_patient": F("patient_id"),
        "g_clinician": F("patient__clinician_id"),
        "g_region": F("region"),
        "g_profile": profile_of_episode(),
        "started": Case(When(started_on__gte=period.start, then=Value(1)), default=Value(0)),
        "closed_in": Case(When(closed & Q(closed_at__gte=first, closed_at__lt=after), then=Value(1)), default=Value(0)),
        "referred": Case(When(Exists(referral), then=Value(1)), default=Value(0)),
        "dropout_closed": Case(
            When(
                closed & Q(closed_at__gte=first, closed_at__lt=after) & ~Exists(referred_ever) & ~Exists(end_measured),
                then=Value(1),
            ),
            default=Value(0),
        ),
        "dropout_open": Case(
            When(
                Q(status=EpisodeStatus.OPEN, started_on__lte=cutoff) & ~Exists(recent_answer) & ~Exists(recent_session),
                then=Value(1),
            ),
            default=Value(0),
        ),
        "adherence": adherence_of_episode(period, today),
    }
    rows: QuerySet[Any] = episodes.annotate(**columns).values(*columns)
    return rows


def verdict_sql(code: str, rule: ChangeRule) -> tuple[str, list[Any]]:
    """SQL for one instrument's verdict on an episode row: 'I' important improvement, 'W' important worsening,
    'N' judged and not important, NULL when not judged (fewer than two scores). The engine's rule as parameters."""
    base, last, count = f'"b_{code}"', f'"l_{code}"', f'"n_{code}"'
    change = f"({last} - {base})"
    worse = f"{change} > 0" if rule.higher_is_worse else f"{change} < 0"
    important = f"ABS{change} >= %s"
    params: list[Any] = [rule.mcid_points]
    if rule.mcid_percent is not None:
        important = f"({important} OR ({base} <> 0 AND ABS{change} * 100 >= %s * ABS({base})))"
        params.append(rule.mcid_percent)
    sql = (
        f"CASE WHEN {count} IS NULL OR {count} < 2 THEN NULL WHEN {change} = 0 THEN 'N' "
        f"WHEN {important} THEN (CASE WHEN {worse} THEN 'W' ELSE 'I' END) ELSE 'N' END"
    )
    return sql, params


CELL_KEYS = ("g_clinician", "g_region", "g_profile")


def cells(practice_id: int, period: Period, today: dt.date) -> list[dict[str, Any]]:
    """The episode counts per (clinician, region, profile) cell, in one query: the episode rows are read as a
    derived table, their verdicts judged in a middle layer, and summed per cell."""
    inner_sql, inner_params = episode_rows(practice_id, period, today).query.sql_with_params()
    scores_sql, scores_params = score_rows(practice_id, period).query.sql_with_params()
    rules = improvement_rules()
    pivot, pivot_params = [], []
    for code in rules:  # one row per episode: first and latest score and their number, per instrument
        pivot += [
            f'MAX(CASE WHEN instrument = %s AND first_rank = 1 THEN score END) AS "b_{code}"',
            f'MAX(CASE WHEN instrument = %s AND last_rank = 1 THEN score END) AS "l_{code}"',
            f'MAX(CASE WHEN instrument = %s THEN n END) AS "n_{code}"',
        ]
        pivot_params += [code, code, code]
    verdicts, verdict_params = [], []
    for code, rule in rules.items():
        sql, params = verdict_sql(code, rule)
        verdicts.append(f"COALESCE({sql}, '-') AS \"v_{code}\"")
        verdict_params += params
    pain = [code for code, rule in rules.items() if rule.domain is Domain.PAIN]
    function = [code for code, rule in rules.items() if rule.domain is not Domain.PAIN]

    def any_of(codes: Iterable[str], *letters: str) -> str:
        wanted = ", ".join(f"'{letter}'" for letter in letters)
        return "(" + (" OR ".join(f'"v_{code}" IN ({wanted})' for code in codes) or "1 = 0") + ")"

    # the core's responder(): an important worsening, or a domain judged without an important improvement, says
    # no; an important improvement on both pain and function says yes; anything else cannot be judged yet
    no = (
        f"{any_of(rules, 'W')} OR (NOT {any_of(pain, 'I')} AND {any_of(pain, 'N')}) "
        f"OR (NOT {any_of(function, 'I')} AND {any_of(function, 'N')})"
    )
    yes = f"{any_of(pain, 'I')} AND {any_of(function, 'I')}"
    sums = [
        "COUNT(*) AS episodes",
        "SUM(started) AS started",
        "SUM(closed_in) AS closed_in",
        "SUM(referred) AS referred",
        "SUM(dropout_closed) AS dropout_closed",
        "SUM(dropout_open) AS dropout_open",
        "COUNT(adherence) AS adherence_n",
        "SUM(adherence) AS adherence_sum",
        f"SUM(CASE WHEN {no} THEN 1 ELSE 0 END) AS responder_no",
        f"SUM(CASE WHEN NOT ({no}) AND {yes} THEN 1 ELSE 0 END) AS responder_yes",
    ]
    for code in rules:
        sums.append(f'SUM(CASE WHEN "v_{code}" <> \'-\' THEN 1 ELSE 0 END) AS "m_{code}"')
        sums.append(f'SUM(CASE WHEN "v_{code}" = \'I\' THEN 1 ELSE 0 END) AS "i_{code}"')
    keys = ", ".join(CELL_KEYS)
    # MATERIALIZED: each episode's subqueries run once; a flattened derived table would repeat them in every
    # expression that reads a verdict (SQLite >= 3.35 and PostgreSQL >= 12 both honour it)
    sql = (
        f"WITH episode_rows AS MATERIALIZED ({inner_sql}), "
        f"score_rows AS MATERIALIZED ({scores_sql}), "
        f"series AS (SELECT episode_id, {', '.join(pivot)} FROM score_rows GROUP BY episode_id) "
        f"SELECT {keys}, {', '.join(sums)} FROM (SELECT {keys}, started, closed_in, referred, dropout_closed, "
        f"dropout_open, adherence, {', '.join(verdicts) or 'NULL AS v_none'} FROM episode_rows "
        f"LEFT JOIN series ON series.episode_id = episode_rows.g_episode) judged "
        f"GROUP BY {keys}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*inner_params, *scores_params, *pivot_params, *verdict_params])
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _cell(values: Mapping[str, Any]) -> tuple[Any, str, str]:
    return (values["g_clinician"], values["g_region"], values["g_profile"] or "")


def completion_cells(practice_id: int, period: Period) -> list[dict[str, Any]]:
    """Per cell and measurement moment: questionnaires sent or filled in during the period, and how many of them
    were completed."""
    first, after = period.bounds()
    return list(
        InstrumentResponse.objects.filter(episode__patient__practice_id=practice_id)
        .exclude(moment="")
        .annotate(when=Coalesce("requested_at", "completed_at"))
        .filter(when__gte=first, when__lt=after)
        .annotate(
            g_clinician=F("episode__patient__clinician_id"),
            g_region=F("episode__region"),
            g_profile=profile_of_episode("episode"),
        )
        .values("g_clinician", "g_region", "g_profile", "moment")
        .annotate(asked=Count("pk"), completed=Count("pk", filter=Q(status=ResponseStatus.COMPLETED)))
        .order_by()
    )


def alarm_cells(practice_id: int, period: Period) -> list[dict[str, Any]]:
    """Per cell and whole minute from the red flag being raised to the first recorded action: how many flags (minute
    NULL: no action yet), and their exact seconds summed (for the mean). The rows grow with the distinct delays,
    not with the flags."""
    first, after = period.bounds()
    action = RedFlagEvent.objects.filter(flag=OuterRef("pk"), kind=FlagEventKind.ACTION).order_by("id")
    seconds = Case(
        When(acted_at__isnull=True, then=None),
        default=Greatest(EpochSeconds(F("acted_at")) - EpochSeconds(F("raised_at")), Value(0.0)),
        output_field=FloatField(),
    )  # a typed action time a little before the raise counts as at once
    return list(
        RedFlag.objects.filter(episode__patient__practice_id=practice_id, raised_at__gte=first, raised_at__lt=after)
        .annotate(acted_at=Subquery(action.values("at")[:1]))
        .annotate(
            g_clinician=F("episode__patient__clinician_id"),
            g_region=F("episode__region"),
            g_profile=profile_of_episode("episode"),
            seconds=seconds,
        )
        .annotate(minute=Floor(Round(F("seconds")) / Value(60.0)))
        .values("g_clinician", "g_region", "g_profile", "minute")
        .annotate(flags=Count("pk"), seconds_sum=Sum("seconds"))
        .order_by()
    )


def patient_counts(practice_id: int, period: Period, today: dt.date) -> dict[str, dict[Any, int]]:
    """Distinct patients of the period's episodes: in all and per clinician, region and profile."""
    base = episode_cohort(practice_id, period).annotate(g_profile=profile_of_episode())
    counts: dict[str, dict[Any, int]] = {
        "all": {None: base.aggregate(n=Count("patient", distinct=True))["n"]},
    }
    for name, key in (("clinician", "patient__clinician_id"), ("region", "region"), ("profile", "g_profile")):
        rows = base.values(key).annotate(n=Count("patient", distinct=True)).values_list(key, "n").order_by()
        counts[name] = {(value or "" if name == "profile" else value): n for value, n in rows}
    return counts


def episode_cohort(practice_id: int, period: Period) -> QuerySet[Episode]:
    first, _after = period.bounds()
    return (
        Episode.objects.filter(patient__practice_id=practice_id, started_on__lte=period.end)
        .annotate(closed_at=closed_at_of_episode())
        .filter(
            Q(status=EpisodeStatus.OPEN)
            | Q(closed_at__gte=first)
            | Q(closed_at__isnull=True, started_on__gte=period.start)
        )
        .order_by()
    )


# ---------------------------------------------------------------------------------------------------- roll-up


@dataclass(slots=True)
class Group:
    """One row of a breakdown: the counts summed over its cells. `patients` decides whether it may be shown."""

    key: Any
    patients: int = 0
    counts: dict[str, float] = field(default_factory=dict)
    moments: dict[str, list[int]] = field(default_factory=dict)
    """moment key → [asked, completed]."""
    minutes: dict[int, int] = field(default_factory=dict)
    """whole minutes to the first action → flags; -1 = no action yet."""
    seconds: float = 0.0

    @property
    def shown(self) -> bool:
        return self.patients >= MIN_GROUP

    def add(self, name: str, value: float | None) -> None:
        self.counts[name] = self.counts.get(name, 0) + float(value or 0)  # PostgreSQL's numeric arrives as Decimal

    def get(self, name: str) -> float:
        return self.counts.get(name, 0)

    def share(self, part: str, whole: str) -> float | None:
        """part / whole, or None when fewer than `MIN_GROUP` make up the whole."""
        total = self.get(whole)
        return None if total < MIN_GROUP else self.get(part) / total

    @property
    def acted(self) -> int:
        return sum(n for minute, n in self.minutes.items() if minute >= 0)

    @property
    def awaiting(self) -> int:
        return self.minutes.get(-1, 0)

    @property
    def median_hours(self) -> float | None:
        """The median from the minute histogram (to the minute), or None for fewer than `MIN_GROUP` flags."""
        if self.acted < MIN_GROUP:
            return None
        acted = [(minute, n) for minute, n in sorted(self.minutes.items()) if minute >= 0]
        middle = [(self.acted - 1) // 2, self.acted // 2]  # the one or two middle positions
        values, seen = [], 0
        for minute, n in acted:
            values += [minute for position in middle if seen <= position < seen + n]
            seen += n
        return sum(values) / len(values) / 60

    @property
    def mean_hours(self) -> float | None:
        return None if self.acted < MIN_GROUP else self.seconds / self.acted / 3600


BREAKDOWNS: dict[str, Any] = {
    "all": lambda cell: None,
    "clinician": lambda cell: cell[0],
    "region": lambda cell: cell[1],
    "profile": lambda cell: cell[2],
}


def roll_up(
    cell_rows: Iterable[Mapping[str, Any]],
    completion: Iterable[Mapping[str, Any]],
    alarms: Iterable[Mapping[str, Any]],
    patients: Mapping[str, Mapping[Any, int]],
) -> dict[str, list[Group]]:
    """The cells added up per breakdown (the whole practice; per clinician, region and profile)."""
    groups: dict[str, dict[Any, Group]] = {name: {} for name in BREAKDOWNS}

    def each(cell: tuple[Any, str, str]) -> Iterable[Group]:
        for name, pick in BREAKDOWNS.items():
            key = pick(cell)
            group = groups[name].get(key)
            if group is None:
                group = groups[name][key] = Group(key, patients.get(name, {}).get(key, 0))
            yield group

    for row in cell_rows:
        for group in each(_cell(row)):
            for name, value in row.items():
                if name not in CELL_KEYS:
                    group.add(name, value)
    for row in completion:
        for group in each(_cell(row)):
            pair = group.moments.setdefault(row["moment"], [0, 0])
            pair[0] += row["asked"]
            pair[1] += row["completed"]
    for row in alarms:
        for group in each(_cell(row)):
            minute = -1 if row["minute"] is None else int(row["minute"])
            group.minutes[minute] = group.minutes.get(minute, 0) + row["flags"]
            group.seconds += float(row["seconds_sum"] or 0.0)
    return {name: list(found.values()) for name, found in groups.items()}


def practice_groups(practice_id: int, period: Period, today: dt.date) -> dict[str, list[Group]]:
    """Every breakdown of the practice's period, in a fixed number of queries."""
    return roll_up(
        cells(practice_id, period, today),
        completion_cells(practice_id, period),
        alarm_cells(practice_id, period),
        patient_counts(practice_id, period, today),
    )
