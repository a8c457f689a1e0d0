"""The dashboard's SQL reading of the engine's change rules says what the core's `change()` says, for every pair of
whole scores in each instrument's range (and a few fractional ones): the same threshold in points or in percent of
the baseline, the same direction, a zero change never important. Run on SQLite and PostgreSQL alike."""

from __future__ import annotations

import itertools

import pytest
from django.db import connection

from rugpad import engine
from rugpad.core.evaluation import Direction, change
from rugpad.web.outcomes.practice_dashboard import improvement_rules, verdict_sql

CHUNK = 400  # SQLite allows 500 terms in one compound SELECT


def _core_verdict(code: str, base: float, last: float) -> str:
    found = change(engine.change_rules()[code], base, last)
    if not found.clinically_important:
        return "N"
    return "W" if found.direction is Direction.WORSENED else "I"


def _values(rule_min: float, rule_max: float) -> list[float]:
    whole = [float(v) for v in range(int(rule_min), int(rule_max) + 1)]
    return [*whole, rule_min + 0.5, (rule_min + rule_max) / 3, rule_max - 0.1]


@pytest.mark.django_db
@pytest.mark.parametrize("code", sorted(improvement_rules()))
def test_the_sql_verdict_is_the_cores(code: str) -> None:
    rule = improvement_rules()[code]
    sql, params = verdict_sql(code, rule)
    pairs = list(itertools.product(_values(rule.minimum, rule.maximum), repeat=2))
    found: list[str | None] = []
    with connection.cursor() as cursor:
        for start in range(0, len(pairs), CHUNK):
            chunk = pairs[start : start + CHUNK]
            rows = " UNION ALL ".join(
                f'SELECT {i} AS position, CAST(%s AS double precision) AS "b_{code}", '
                f'CAST(%s AS double precision) AS "l_{code}", 2 AS "n_{code}"'
                if connection.vendor == "postgresql"
                else f'SELECT {i} AS position, %s AS "b_{code}", %s AS "l_{code}", 2 AS "n_{code}"'
                for i in range(len(chunk))
            )
            cursor.execute(
                f"SELECT position, {sql} FROM ({rows}) pairs ORDER BY position",
                [*params, *(value for pair in chunk for value in pair)],
            )
            found += [verdict for _position, verdict in cursor.fetchall()]
    expected = [_core_verdict(code, base, last) for base, last in pairs]
    mismatches = [(p, f, e) for p, f, e in zip(pairs, found, expected, strict=True) if f != e]
    assert mismatches == []


@pytest.mark.django_db
def test_a_single_score_is_not_judged() -> None:
    code, rule = next(iter(improvement_rules().items()))
    sql, params = verdict_sql(code, rule)
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT {sql} FROM (SELECT 5 AS "b_{code}", 5 AS "l_{code}", 1 AS "n_{code}") one', params)
        assert cursor.fetchone() == (None,)
