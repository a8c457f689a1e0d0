"""Plans grow with their changes, not with changes × items: versions share the rows of unchanged items, the history
page reads one page of versions, the exercise log one page of entries (heavier figures: bench/bench_plan_versions.py).
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rugpad.core.text import Text
from rugpad.web.demo import as_user
from rugpad.web.plans import actions
from rugpad.web.plans.models import ExerciseSessionLog, ExerciseSetLog, Origin, PlanItem, VersionItem
from rugpad.web.plans.queries import ENTRIES_PER_PAGE, VERSIONS_PER_PAGE
from rugpad.web.plans.specs import ItemSpec, spec_of
from tests.web.conftest import World, client_for
from tests.web.plans.conftest import current

CHANGES = 300


def _add_goals(world: World, count: int) -> None:
    """`count` small changes, each adding one goal to the plan as it stands (as the editor does)."""
    request = as_user(world.clinician)
    for number in range(count):
        specs = [spec_of(item) for item in current(world).ordered_items()]
        goal = ItemSpec(kind="goal", text=Text(nl=f"Doel {number}", en=f"Goal {number}"), origin=Origin.CLINICIAN)
        # recheck=False skips the pathway gate's episode state per save: what grows is the storage, not the check
        actions.do_save_version(request, world.episode, [*specs, goal], change=f"goal {number}", recheck=False)


def _versions_page(world: World, page: int = 1) -> tuple[int, bytes]:
    client = client_for(world.clinician)
    url = reverse("plans_versions", args=[world.episode.pk]) + f"?page={page}"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content


def test_300_changes_store_each_item_once_and_the_history_page_stays_small(planned: World) -> None:
    few_queries, few_body = _versions_page(planned)
    _add_goals(planned, CHANGES)
    items = current(planned).items.count()
    assert items == 2 + CHANGES
    # one new row per change: linear (it was 2 + 3 + … + 302 ≈ 46,000 rows when every version copied its items)
    assert PlanItem.objects.filter(plan__episode=planned.episode).count() == items
    assert VersionItem.objects.filter(version__plan__episode=planned.episode).count() == sum(
        2 + n for n in range(CHANGES + 1)
    )  # the links are two integers each; rows with text are what no longer repeats
    queries, body = _versions_page(planned)
    assert queries <= few_queries + 2  # the same reads with 1 version or 301 (+ the item rows the page shows)
    assert len(body) < len(few_body) + 40_000  # 20 versions of one added goal each; it was 23 MB
    assert body.count(b'data-change="added"') == VERSIONS_PER_PAGE
    assert (
        f'id="v{CHANGES + 1}-h"'.encode() in body and f'id="v{CHANGES + 1 - VERSIONS_PER_PAGE}-h"'.encode() not in body
    )


def test_the_history_shows_what_each_version_added_changed_and_removed(planned: World) -> None:
    client = client_for(planned.clinician)
    bridge = current(planned).items.get(ref="bridge")
    cat_camel = current(planned).items.get(ref="cat-camel")
    client.post(
        reverse("plans_edit_dose", args=[planned.episode.pk, bridge.pk]),
        {"repetitions": 12, "sets": 3, "days_per_week": 3},
    )
    assert current(planned).number == 2
    after_dose = current(planned)
    assert after_dose.items.get(ref="cat-camel").pk == cat_camel.pk  # unchanged: the same row, not a copy
    assert after_dose.items.get(ref="bridge").pk != bridge.pk and bridge.repetitions != 12  # a new row; old kept
    client.post(reverse("plans_remove_item", args=[planned.episode.pk, cat_camel.pk]))
    body = client.get(reverse("plans_versions", args=[planned.episode.pk])).content.decode()
    v3, v2, v1 = body.split('class="card version"')[1:]
    assert 'data-change="removed"' in v3 and "Kat" in v3 and 'data-change="added"' not in v3
    assert 'data-change="changed"' in v2 and "→" in v2 and 'data-change="removed"' not in v2
    assert v1.count('data-change="added"') == 2


def test_the_version_page_lists_every_item_of_an_earlier_version(planned: World) -> None:
    client = client_for(planned.clinician)
    cat_camel = current(planned).items.get(ref="cat-camel")
    client.post(reverse("plans_remove_item", args=[planned.episode.pk, cat_camel.pk]))
    first = client.get(reverse("plans_version", args=[planned.episode.pk, 1]))
    assert first.status_code == 200 and "Kat" in first.content.decode() and "Brug" in first.content.decode()
    assert client.get(reverse("plans_version", args=[planned.episode.pk, 9])).status_code == 404
    stranger = client_for(planned.other_clinician).get(reverse("plans_version", args=[planned.episode.pk, 1]))
    assert stranger.status_code == 404


def test_the_history_pages_back_to_the_first_version(planned: World) -> None:
    _add_goals(planned, VERSIONS_PER_PAGE + 2)
    _queries, last_page = _versions_page(planned, page=2)
    assert b'id="v1-h"' in last_page and b'id="v3-h"' in last_page and b'id="v4-h"' not in last_page
    assert b'rel="prev"' in last_page and b'rel="next"' not in last_page


def test_a_set_log_keeps_its_item_across_later_versions(planned: World) -> None:
    bridge = current(planned).items.get(ref="bridge")
    session = ExerciseSessionLog.objects.create(
        key=uuid.uuid4(), plan=planned.episode.treatment_plan, patient=planned.patient, started_at=timezone.now()
    )
    log = ExerciseSetLog.objects.create(
        key=uuid.uuid4(), session=session, item=bridge, exercise_id="bridge", done_at=timezone.now()
    )
    _add_goals(planned, 3)
    log.refresh_from_db()
    assert log.item == bridge and current(planned).items.filter(pk=bridge.pk).exists()


def test_the_exercise_log_shows_one_page_of_entries_newest_first(planned: World) -> None:
    plan = planned.episode.treatment_plan
    session = ExerciseSessionLog.objects.create(
        key=uuid.uuid4(), plan=plan, patient=planned.patient, started_at=timezone.now()
    )
    start = timezone.now() - dt.timedelta(days=30)
    ExerciseSetLog.objects.bulk_create(
        ExerciseSetLog(
            key=uuid.uuid4(),
            session=session,
            exercise_id="bridge",
            sets_done=1,
            pain_during=number % 10,
            done_at=start + dt.timedelta(minutes=number),
        )
        for number in range(ENTRIES_PER_PAGE * 2 + 5)
    )
    client = client_for(planned.clinician)
    url = reverse("plans_entries", args=[planned.episode.pk])
    first = client.get(url).content.decode()
    assert first.count("<tr data-key=") == ENTRIES_PER_PAGE and 'rel="next"' in first
    newest = ExerciseSetLog.objects.order_by("-done_at").first()
    assert newest is not None and f'data-key="{newest.key}"' in first
    third = client.get(url, {"page": 3}).content.decode()
    assert third.count("<tr data-key=") == 5 and 'rel="next"' not in third
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    ExerciseSetLog.objects.bulk_create(
        ExerciseSetLog(key=uuid.uuid4(), session=session, exercise_id="bridge", done_at=start) for _ in range(500)
    )
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


@pytest.mark.django_db(transaction=True)
def test_the_migration_links_each_existing_item_to_its_version_in_order(world: World) -> None:
    """Old-style rows (every version its own copies) become links, each item at its position, in its plan."""
    executor = MigrationExecutor(connection)
    executor.migrate([("plans", "0001_initial")])
    old = executor.loader.project_state([("plans", "0001_initial")]).apps
    plan = old.get_model("plans", "TreatmentPlan").objects.create(episode_id=world.episode.pk)
    version_model, item_model = old.get_model("plans", "PlanVersion"), old.get_model("plans", "PlanItem")
    expected: dict[int, list[str]] = {}
    for number, refs in ((1, ["bridge", "cat-camel"]), (2, ["cat-camel", "bridge", "bird-dog"])):
        version = version_model.objects.create(
            plan=plan, number=number, change="old", starts_on=dt.date(2026, 1, 1), weeks=6
        )
        for position, ref in reversed(list(enumerate(refs))):  # stored out of order: the position decides
            item_model.objects.create(version=version, position=position, kind="exercise", ref=ref, origin="proposed")
        expected[number] = refs
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    from rugpad.web.plans.models import TreatmentPlan

    migrated = TreatmentPlan.objects.get(pk=plan.pk)
    for version in migrated.versions.all():
        assert list(version.ordered_items().values_list("ref", flat=True)) == expected[version.number]
    assert PlanItem.objects.filter(plan=migrated).count() == 5
    assert current(world).number == 2
