"""The practice outcome dashboard's figures, stored per practice and period (`PracticeFigures`).

Counting a period's cohort reads every episode that ran in it: milliseconds in a small practice, seconds at a
hundred thousand patients. So the dashboard reads the figures of today when they were computed today, and
computes and stores them otherwise; the nightly job (`tasks.compute_practice_figures`) does that for the default
period of every practice before anyone opens the page, and the page's button recomputes now. The page says when its
figures were computed. The figures are the aggregates of `practice_dashboard`, nothing about any one patient.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from rugpad.web.outcomes.models import PracticeFigures
from rugpad.web.outcomes.practice_dashboard import Group, Period, practice_groups

Groups = dict[str, list[Group]]


def to_json(groups: Groups) -> dict[str, list[dict[str, Any]]]:
    """Plain JSON numbers (PostgreSQL's sums arrive as Decimal)."""
    return {
        name: [
            {"key": g.key, "patients": int(g.patients), "counts": {k: float(v) for k, v in g.counts.items()},
             "moments": {k: [int(n) for n in pair] for k, pair in g.moments.items()},
             "minutes": {str(minute): int(n) for minute, n in g.minutes.items()}, "seconds": float(g.seconds)}
            for g in found
        ]
        for name, found in groups.items()
    }  # fmt: skip


def from_json(data: dict[str, list[dict[str, Any]]]) -> Groups:
    return {
        name: [
            Group(g["key"], g["patients"], dict(g["counts"]), {k: list(v) for k, v in g["moments"].items()},
                  {int(minute): n for minute, n in g["minutes"].items()}, g["seconds"])
            for g in found
        ]
        for name, found in data.items()
    }  # fmt: skip


def figures(practice_id: int, period: Period, today: dt.date, *, again: bool = False) -> tuple[Groups, dt.datetime]:
    """The period's breakdowns and when they were computed: today's stored figures, else (or with `again`) counted
    now and stored."""
    if not again:
        stored = PracticeFigures.objects.filter(
            practice_id=practice_id, start=period.start, end=period.end, computed_on=today
        ).first()
        if stored is not None:
            return from_json(stored.groups), stored.computed_at
    groups = practice_groups(practice_id, period, today)
    now = timezone.now()
    values = {"computed_on": today, "computed_at": now, "groups": to_json(groups)}
    try:
        with transaction.atomic():
            PracticeFigures.objects.update_or_create(
                practice_id=practice_id, start=period.start, end=period.end, defaults=values
            )
    except IntegrityError:  # two first views at once: the other one's figures are as good as these
        pass
    return groups, now


def compute_every_practice(today: dt.date) -> int:
    """The default period's figures of every practice, computed again (the nightly job); how many practices.
    Figures of an earlier day are dropped first: they would be counted again anyway, so other periods asked for
    once leave no rows behind."""
    from rugpad.web.practice.models import Practice

    PracticeFigures.objects.filter(computed_on__lt=today).delete()
    period = Period.default(today)
    ids = list(Practice.objects.order_by("pk").values_list("pk", flat=True))
    for practice_id in ids:
        figures(practice_id, period, today, again=True)
    return len(ids)
