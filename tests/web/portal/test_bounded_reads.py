"""A long diary costs a diary write nothing extra and the diary pages show a bounded part of it: the trend check
reads only the trend window (through the patient/current/day index), the patient's list and the clinician's page
are limited and paged."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rugpad import engine
from rugpad.web.demo import as_user
from rugpad.web.portal import actions
from rugpad.web.portal.models import DiaryEntry
from rugpad.web.portal.queries import DIARY_PAGE_SIZE, RECENT_LIMIT
from tests.web.conftest import World, client_for

TREND_READ = 'FROM "portal_diaryentry" WHERE ("portal_diaryentry"."patient_id" ='


def _old_entries(world: World, count: int, today: dt.date, *, days_back: int = 60, spread: int = 300) -> None:
    """`count` current entries spread over `spread` days from `days_back` days ago (by default: before the trend
    window, as a long diary would have)."""
    now = timezone.now()
    DiaryEntry.objects.bulk_create(
        DiaryEntry(
            patient=world.patient,
            episode=world.episode,
            opened_at=now,
            day=today - dt.timedelta(days=days_back + number % spread),
            pain_now=3,
            exercises="yes",
        )
        for number in range(count)
    )


def _write(world: World, today: dt.date) -> list[dict[str, Any]]:
    data = {"day": today, "pain_now": 4, "exercises": "yes"}
    with CaptureQueriesContext(connection) as queries:
        actions.do_save_diary(as_user(world.patient_user), world.patient, data)
    return list(queries.captured_queries)


def test_a_diary_write_reads_only_the_trend_window_however_long_the_diary(world: World) -> None:
    today = timezone.localdate()
    short = _write(world, today)
    _old_entries(world, 2_000, today)
    long = _write(world, today)
    assert len(long) == len(short)  # 2,000 older entries add no query (the figure: see the report, ~12-20)
    trend_reads = [q["sql"] for q in long if TREND_READ in q["sql"]]
    assert len(trend_reads) == 1
    since = today - dt.timedelta(days=2 * engine.trend_settings().window_days)
    assert '"portal_diaryentry"."day" >=' in trend_reads[0] and since.isoformat() in trend_reads[0]
    if connection.vendor == "sqlite":  # the read uses the (patient, current, day) index, not a table scan
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + trend_reads[0])
            plan = " ".join(str(row) for row in cursor.fetchall())
        assert "USING INDEX" in plan and "SCAN portal_diaryentry" not in plan.replace("USING INDEX", "")


def test_the_patients_diary_page_lists_a_bounded_number_of_recent_entries(world: World) -> None:
    today = timezone.localdate()
    _old_entries(world, RECENT_LIMIT + 20, today, days_back=0, spread=1)
    body = client_for(world.patient_user).get(reverse("portal_diary")).content.decode()
    assert body.count('<li><a href="/portal/diary/') == RECENT_LIMIT


def test_the_clinicians_diary_page_is_paged(world: World) -> None:
    today = timezone.localdate()
    _old_entries(world, DIARY_PAGE_SIZE + 7, today)
    client = client_for(world.clinician)
    url = reverse("portal_patient_diary", args=[world.patient.pk])
    first = client.get(url)
    assert first.status_code == 200
    assert first.content.decode().count("<tr><td>") == DIARY_PAGE_SIZE and b'rel="next"' in first.content
    second = client.get(url, {"page": 2}).content.decode()
    assert second.count("<tr><td>") == 7 and 'rel="prev"' in second
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _old_entries(world, 500, today)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
