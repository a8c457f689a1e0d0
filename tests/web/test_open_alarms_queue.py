"""The practice's open red flags, as the dashboard and `/alarms/` list them: most urgent first (the core's urgency
order), then those nobody has acted on, then the oldest; a flag leaves the list once it is closed; another
practice's flags never show. The order comes from columns stored with each flag (practice, urgency rank, open),
kept in step by the model and the actions, and filled for older rows by a set-based migration."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rugpad.core.vocab import Urgency
from rugpad.web.care import actions, queries
from rugpad.web.care.models import FlagStage, RedFlag
from rugpad.web.demo import as_user
from rugpad.web.portal import actions as portal_actions
from rugpad.web.portal import queries as portal_queries
from rugpad.web.portal.models import Message
from tests.web.conftest import World, client_for

NOW = timezone.now()


def raise_flag(world: World, urgency: str, minutes_ago: int, *, other_practice: bool = False) -> RedFlag:
    episode = world.other_episode if other_practice else world.episode
    return RedFlag.objects.create(
        episode=episode,
        rule_id="rf.cauda_equina",
        origin="record",
        urgency=urgency,
        raised_at=NOW - dt.timedelta(minutes=minutes_ago),
    )


def act_on(world: World, flag: RedFlag, kind: str = "action", counterpart: str = "") -> None:
    actions.do_record_flag_event(
        as_user(world.clinician), flag, kind=kind, at=timezone.now(), note="Huisarts gebeld.", counterpart=counterpart
    )


def listed(world: World) -> list[RedFlag]:
    response = client_for(world.clinician).get(reverse("open_alarms"))
    assert response.status_code == 200
    return [row.flag for row in response.context["alarms"]]


def test_the_most_urgent_first_then_not_yet_acted_on_then_the_oldest(world: World) -> None:
    soon = raise_flag(world, "soon", 90)
    urgent_new = raise_flag(world, "urgent", 10)
    urgent_old = raise_flag(world, "urgent", 40)
    emergency_acted = raise_flag(world, "emergency", 60)
    act_on(world, emergency_acted)
    emergency_new = raise_flag(world, "emergency", 5)
    emergency_old = raise_flag(world, "emergency", 20)
    raise_flag(world, "emergency", 30, other_practice=True)

    expected = [emergency_old, emergency_new, emergency_acted, urgent_old, urgent_new, soon]
    assert listed(world) == expected
    dashboard = client_for(world.clinician).get(reverse("home"))
    assert [row.flag for row in dashboard.context["alarms"]] == expected


def test_a_closed_flag_leaves_the_list_and_a_new_one_joins_it(world: World) -> None:
    excluded, withdrawn, still_open = (raise_flag(world, "emergency", m) for m in (30, 20, 10))
    act_on(world, excluded)
    act_on(world, excluded, kind="excluded", counterpart="huisarts")
    act_on(world, withdrawn, kind="withdrawn")
    excluded.refresh_from_db()
    withdrawn.refresh_from_db()
    assert (excluded.stage, excluded.is_open) == (FlagStage.EXCLUDED, False)
    assert (withdrawn.stage, withdrawn.is_open) == (FlagStage.WITHDRAWN, False)
    assert listed(world) == [still_open]
    assert listed(world)[0].urgency_rank == Urgency.EMERGENCY.rank


def test_a_confirmed_flag_closes_its_episode_and_leaves_the_list(world: World) -> None:
    flag = raise_flag(world, "urgent", 15)
    act_on(world, flag)
    act_on(world, flag, kind="confirmed", counterpart="huisarts")
    assert listed(world) == []


def test_a_flag_repeats_its_practice_and_the_rank_of_its_urgency(world: World) -> None:
    for urgency in ("emergency", "urgent", "soon"):
        flag = raise_flag(world, urgency, 1)
        assert (flag.practice_id, flag.urgency_rank, flag.is_open) == (world.practice.pk, Urgency(urgency).rank, True)
    assert raise_flag(world, "soon", 1, other_practice=True).practice_id == world.other_patient.practice_id


def test_a_partial_save_keeps_the_repeated_columns_in_step(world: World) -> None:
    flag = raise_flag(world, "soon", 3)
    flag.stage, flag.urgency = FlagStage.WITHDRAWN, "emergency"
    flag.save(update_fields=["stage", "urgency"])
    stored = RedFlag.objects.get(pk=flag.pk)
    assert (stored.is_open, stored.urgency_rank) == (False, Urgency.EMERGENCY.rank)
    assert listed(world) == []


def test_the_migration_fills_the_repeated_columns_of_existing_flags(world: World) -> None:
    """The backfill (three UPDATEs, no loop per row) gives older rows what the model gives new ones."""
    fill = importlib.import_module("rugpad.web.care.migrations.0006_red_flag_queue").fill
    soon, closed = raise_flag(world, "soon", 9), raise_flag(world, "emergency", 8)
    act_on(world, closed, kind="withdrawn")
    other = raise_flag(world, "urgent", 7, other_practice=True)
    RedFlag.objects.update(practice_id=world.other_patient.practice_id, urgency_rank=99, is_open=True)

    fill(apps, None)

    got = {f.pk: (f.practice_id, f.urgency_rank, f.is_open) for f in RedFlag.objects.all()}
    assert got == {
        soon.pk: (world.practice.pk, Urgency.SOON.rank, True),
        closed.pk: (world.practice.pk, Urgency.EMERGENCY.rank, False),
        other.pk: (world.other_patient.practice_id, Urgency.URGENT.rank, True),
    }


def _plan(sql: str, params: tuple[object, ...]) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def test_on_sqlite_a_page_of_open_flags_is_a_walk_of_the_queue_index(world: World) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the plan is SQLite's; PostgreSQL chooses by its statistics (see bench/bench_scale.py)")
    raise_flag(world, "emergency", 1)
    sql, params = queries.open_red_flags(world.clinician)[: queries.ALARM_PAGE + 1].query.sql_with_params()
    plan = _plan(sql, params)
    assert "care_redflag_queue" in plan and "TEMP B-TREE" not in plan, plan


# --- the dashboard's unread messages -------------------------------------------------------------------------------


def test_a_message_repeats_its_patients_practice(world: World) -> None:
    portal_actions.do_send_message(as_user(world.patient_user), world.episode, "Een vraag")
    portal_actions.do_send_message(as_user(world.other_clinician), world.other_episode, "Een antwoord")
    other = world.other_patient.practice_id
    practices = set(Message.objects.values_list("patient__practice_id", "practice_id"))
    assert practices == {(world.practice.pk, world.practice.pk), (other, other)}


def test_the_message_migration_fills_the_practice_of_existing_messages(world: World) -> None:
    fill = importlib.import_module("rugpad.web.portal.migrations.0007_message_practice").fill
    portal_actions.do_send_message(as_user(world.patient_user), world.episode, "Een vraag")
    Message.objects.update(practice_id=world.other_patient.practice_id)
    fill(apps, None)
    assert list(Message.objects.values_list("practice_id", flat=True)) == [world.practice.pk]
    assert portal_queries.unread_threads(world.clinician)["total"] == 1


def test_on_sqlite_the_unread_count_reads_the_practices_unread_messages_not_its_patients(world: World) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the plan is SQLite's; PostgreSQL chooses by its statistics (see bench/bench_scale.py)")
    portal_actions.do_send_message(as_user(world.patient_user), world.episode, "Een vraag")
    with CaptureQueriesContext(connection) as ran:
        assert portal_queries.unread_threads(world.clinician)["total"] == 1
    count = next(q["sql"] for q in ran.captured_queries if "COUNT(" in q["sql"])
    plan = _plan(count, ())
    assert "portal_message_practice_unread" in plan and "care_patient" not in plan.split("\n")[0], plan
