"""The practice outcome dashboard: how the practice's patients do as a group, for a chosen period.

Everything is counted in the database from the per-episode summary (`EpisodeOutcome`, kept by `outcomes.summary`
in the transaction of every action that changes it), in a fixed number of queries however large the practice::

    summary rows of the period's episodes  --one pass, grouped by (clinician, region, profile, the episode's
      (the cohort)                            judged changes, responder)-->  counts per cell
    the few whose scores go on after the period  --their scores before its end, judged by the engine-->  corrections
    questionnaires                          --grouped by (cell, moment)-->  completion per moment
    red flags raised                        --grouped by (cell, minutes to the first action)-->  times
    summary rows of patients with more than one episode  --COUNT(DISTINCT patient) per breakdown-->  patients,
                                            with those of one episode counted per cell above: which groups show

Nothing clinical is decided here: whether a change is clinically important, and whether the patient responded, is
the engine's `judge_changes`, stored per episode when its scores change. A period that ends before an episode's
latest score judges that episode from its scores up to the period's end (the same engine function), so a past
period reads as it did then. Python adds the cells up into the breakdowns and reads medians from the minute
histograms: its work grows with the number of groups and judged-change patterns, never with the patients.

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
    Count,
    DateField,
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
)
from django.db.models.functions import Coalesce, Floor, Greatest, Least, Round
from django.utils import timezone

from rugpad.web.care.models import FlagEventKind, InstrumentResponse, RedFlag, RedFlagEvent, ResponseStatus
from rugpad.web.outcomes.models import EpisodeOutcome
from rugpad.web.outcomes.summary import improvement_rules, midnight, parse_changes, verdicts_before
from rugpad.web.plans.models import ExerciseSetLog

__all__ = ["MIN_GROUP", "NO_CONTACT_DAYS", "Group", "Period", "improvement_rules", "practice_groups"]

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


def cohort(practice_id: int, period: Period) -> QuerySet[EpisodeOutcome]:
    """The summary rows of every episode of the practice that ran during the period: started on or before its end,
    and open, or closed on or after its start (a closed episode whose closing date is unknown counts when it
    started in the period)."""
    first, _after = period.bounds()
    return (
        EpisodeOutcome.objects.filter(practice_id=practice_id, started_on__lte=period.end)
        .filter(Q(is_open=True) | Q(closed_at__gte=first) | Q(closed_at__isnull=True, started_on__gte=period.start))
        .order_by()
    )


def adherence(period: Period, today: dt.date) -> Case:
    """The home programme's adherence over the period, as `plans.queries.weekly_adherence` counts it: exercises
    done (not skipped) of the exercise-days planned by the plan's current version, from the version's start (or
    the period's) to the period's end (or today); capped at 100 %. A fraction 0-1; NULL without a plan, without
    planned exercise, or before the programme starts.

    The summary's counter serves when the programme starts in the period and nothing was done after its end; the
    rest (a programme that began before the period, or went on after it) count their results in the period."""
    end = min(period.end, today)
    first, end_after = midnight(period.start), midnight(end + dt.timedelta(days=1))
    logs = ExerciseSetLog.objects.filter(session__plan=OuterRef("plan_id"), skipped=False).order_by()

    def counted(rows: QuerySet[ExerciseSetLog]) -> Subquery:
        return Subquery(rows.values("session__plan").annotate(n=Count("pk")).values("n"), output_field=IntegerField())

    in_period = Q(plan_from__gte=period.start)
    done = Case(
        When(in_period & (Q(done_until__isnull=True) | Q(done_until__lt=end_after)), then=F("done")),
        When(in_period, then=F("done") - Coalesce(counted(logs.filter(done_at__gte=end_after)), Value(0))),
        default=Coalesce(counted(logs.filter(done_at__gte=first, done_at__lt=end_after)), Value(0)),
        output_field=IntegerField(),
    )
    from_day = Greatest(F("plan_from"), Value(period.start, output_field=DateField()))
    weeks = DaysBetween(from_day, Value(end, output_field=DateField())) / Value(7) + Value(1)
    return Case(
        When(measured(period, today), then=Least(done * 1.0 / (F("plan_days") * weeks), Value(1.0))),
        default=None,
        output_field=FloatField(),
    )


def measured(period: Period, today: dt.date) -> Q:
    """The episodes whose adherence `adherence` gives (not NULL): planned exercise, begun by the period's end."""
    return Q(plan_days__gt=0, plan_from__lte=min(period.end, today))


CELL_KEYS = ("g_clinician", "g_region", "g_profile")


def cells(practice_id: int, period: Period, today: dt.date) -> list[dict[str, Any]]:
    """The episode counts per (clinician, region, profile) cell, in one query over the summary plus one for the
    episodes judged as of the period's end; each instrument's judged (`m_`) and importantly improved (`i_`)
    episodes and the responders are added up from the stored verdicts."""
    first, after = period.bounds()
    cutoff = min(period.end, today) - dt.timedelta(days=NO_CONTACT_DAYS)
    cutoff_at = midnight(cutoff + dt.timedelta(days=1))
    closed_in = Q(is_open=False, closed_at__gte=first, closed_at__lt=after)
    later = Q(judged_until__gte=after)  # judged again after the period: read as of its end below

    def flag(condition: Q) -> Sum:
        return Sum(Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField()))

    grouped = (
        cohort(practice_id, period)
        .annotate(share=adherence(period, today))
        .values(
            g_clinician=F("clinician_id"),
            g_region=F("region"),
            g_profile=F("profile"),
            g_changes=Case(When(later, then=Value("")), default=F("changes")),
            g_responder=Case(When(later, then=Value("")), default=F("responder")),
        )
        .annotate(
            episodes=Count("pk"),
            singles=flag(Q(patient_episodes=1)),
            started=flag(Q(started_on__gte=period.start)),
            closed_in=flag(closed_in),
            referred=flag(Q(referred_at__gte=first, referred_at__lt=after)),
            dropout_closed=flag(closed_in & Q(referred_at__isnull=True, end_measured=False)),
            dropout_open=flag(
                Q(is_open=True, started_on__lte=cutoff)
                & (Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=cutoff_at))
            ),
            adherence_n=flag(measured(period, today)),  # COUNT(share) would write its SQL twice
            adherence_sum=Sum("share"),
        )
        .order_by()
    )
    found = [_judged(row, row.pop("g_changes"), row.pop("g_responder")) for row in grouped]
    again = cohort(practice_id, period).filter(later)
    keys = {e: (c, r, p) for e, c, r, p in again.values_list("episode_id", "clinician_id", "region", "profile")}
    for episode, (changes, responder) in verdicts_before(Q(episode_id__in=list(keys)), after).items():
        clinician, region, profile = keys[episode]
        cell = {"g_clinician": clinician, "g_region": region, "g_profile": profile}
        found.append(_judged(cell, changes, responder))
    return found


def _judged(row: dict[str, Any], changes: str, responder: str) -> dict[str, Any]:
    """A cell row with the counts its stored verdicts make: each judged instrument (`m_`), each important
    improvement (`i_`), the responder yes or no — as many as the row's episodes."""
    n = row.get("episodes", 1)
    for code, letter in parse_changes(changes).items():
        row[f"m_{code}"] = n
        row[f"i_{code}"] = n if letter == "I" else 0
    row["responder_yes"] = n if responder == "Y" else 0
    row["responder_no"] = n if responder == "N" else 0
    return row


def _cell(values: Mapping[str, Any]) -> tuple[Any, str, str]:
    return (values["g_clinician"], values["g_region"], values["g_profile"] or "")


def _cell_keys(prefix: str) -> dict[str, F]:
    return {
        "g_clinician": F(f"{prefix}clinician_id"),
        "g_region": F(f"{prefix}region"),
        "g_profile": F(f"{prefix}profile"),
    }


def completion_cells(practice_id: int, period: Period) -> list[dict[str, Any]]:
    """Per cell and measurement moment: questionnaires sent or filled in during the period, and how many of them
    were completed. Written as SQL so that each questionnaire meets its summary row straight by the episode's id
    (the ORM would pass through the episode table on the way)."""
    first, after = period.bounds()
    responses, outcomes = InstrumentResponse._meta.db_table, EpisodeOutcome._meta.db_table
    when = "COALESCE(r.requested_at, r.completed_at)"
    sql = (
        "SELECT o.clinician_id, o.region, o.profile, r.moment, COUNT(*), "
        "SUM(CASE WHEN r.status = %s THEN 1 ELSE 0 END) "
        f"FROM {responses} r JOIN {outcomes} o ON o.episode_id = r.episode_id "
        f"WHERE o.practice_id = %s AND r.moment <> '' AND {when} >= %s AND {when} < %s "
        "GROUP BY o.clinician_id, o.region, o.profile, r.moment"
    )
    ops = connection.ops
    params: list[Any] = [ResponseStatus.COMPLETED.value, practice_id, ops.adapt_datetimefield_value(first),
                         ops.adapt_datetimefield_value(after)]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = ("g_clinician", "g_region", "g_profile", "moment", "asked", "completed")
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


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
        RedFlag.objects.filter(episode__outcome__practice_id=practice_id, raised_at__gte=first, raised_at__lt=after)
        .annotate(acted_at=Subquery(action.values("at")[:1]))
        .annotate(**_cell_keys("episode__outcome__"), seconds=seconds)
        .annotate(minute=Floor(Round(F("seconds")) / Value(60.0)))
        .values("g_clinician", "g_region", "g_profile", "minute")
        .annotate(flags=Count("pk"), seconds_sum=Sum("seconds"))
        .order_by()
    )


def patient_counts(practice_id: int, period: Period) -> dict[str, dict[Any, int]]:
    """Distinct patients of the period's episodes who have more than one episode, per clinician, region and
    profile, and in all (the sum over the clinicians: all of a patient's episodes count under the patient's one
    treating clinician). The others are one patient per episode: `cells` counts them (`singles`)."""
    base = cohort(practice_id, period).filter(patient_episodes__gt=1)
    counts: dict[str, dict[Any, int]] = {}
    for name, key in (("clinician", "clinician_id"), ("region", "region"), ("profile", "profile")):
        rows = base.values(key).annotate(n=Count("patient_id", distinct=True)).values_list(key, "n").order_by()
        counts[name] = dict(rows)
    counts["all"] = {None: sum(counts["clinician"].values())}
    return counts


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
    for found in groups.values():
        for group in found.values():
            group.patients += int(group.get("singles"))
    return {name: list(found.values()) for name, found in groups.items()}


def practice_groups(practice_id: int, period: Period, today: dt.date) -> dict[str, list[Group]]:
    """Every breakdown of the practice's period, in a fixed number of queries."""
    return roll_up(
        cells(practice_id, period, today),
        completion_cells(practice_id, period),
        alarm_cells(practice_id, period),
        patient_counts(practice_id, period),
    )
