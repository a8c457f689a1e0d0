"""Plan growth under many small changes (not a test): item rows, link rows and the version-history page's time and
size against a trivial page, measured in one run on a throw-away SQLite database.

Run: ``.venv/bin/python bench/bench_plan_versions.py [CHANGES]`` (default 1,000). Before versions shared unchanged
items, 300 goal additions stored 51,491 item rows and the history page was 23 MB / 5 s (quadratic); now the item rows
are the plan's items plus one per change and the page reads 20 versions whatever the history's length.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable


def _setup() -> None:
    os.environ["RUGPAD_DATA_DIR"] = tempfile.mkdtemp(prefix="rugpad-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rugpad.web.settings")
    import django
    from django.core.management import call_command

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)


def _median_ms(call: Callable[[], object], runs: int = 7) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def main(changes: int) -> None:
    _setup()
    import datetime as dt

    from django.test import Client
    from django.urls import reverse

    from rugpad.core.text import Text
    from rugpad.web.care import actions as care_actions
    from rugpad.web.demo import SB_LOW, as_user
    from rugpad.web.plans import actions
    from rugpad.web.plans.clinical import clinician_exercise, exercise_library
    from rugpad.web.plans.models import Origin, PlanItem, TreatmentPlan, VersionItem
    from rugpad.web.plans.queries import VERSIONS_PER_PAGE
    from rugpad.web.plans.specs import ItemSpec, spec_of
    from rugpad.web.practice.models import Practice, Role, User

    practice = Practice.objects.create(name="Bench")
    clinician = User.objects.create_user("bench", password="pw-123456789", practice=practice, role=Role.CLINICIAN)
    request = as_user(clinician)
    patient = care_actions.do_create_patient(
        request, first_name="Bench", last_name="Patient", date_of_birth=dt.date(1980, 1, 1), sex="female"
    )
    today = dt.date.today()
    episode = care_actions.do_open_episode(
        request, patient, region="low_back", started_on=today, onset_on=today - dt.timedelta(days=10)
    )
    care_actions.do_save_screening(request, episode, [], notes="")
    care_actions.do_record_response(request, episode, "startback", SB_LOW)
    library = exercise_library()
    specs = [clinician_exercise(library[e], "allowed") for e in ("bridge", "cat-camel")]
    actions.do_save_version(request, episode, specs, change="bench plan")

    start = time.perf_counter()
    for number in range(changes):
        version = TreatmentPlan.objects.get(episode=episode).current()
        assert version is not None
        current = [spec_of(item) for item in version.ordered_items()]
        goal = ItemSpec(kind="goal", text=Text(f"Doel {number}", f"Goal {number}"), origin=Origin.CLINICIAN)
        actions.do_save_version(request, episode, [*current, goal], change=f"goal {number}", recheck=False)
    saving = time.perf_counter() - start

    items = PlanItem.objects.count()
    links = VersionItem.objects.count()
    copied = sum(2 + n for n in range(changes + 1))  # what copying every item into every version stored
    client = Client()
    client.force_login(clinician)
    history_url = reverse("plans_versions", args=[episode.pk])
    trivial_url = reverse("plans_settings")
    history = client.get(history_url)
    trivial = client.get(trivial_url)
    assert history.status_code == 200 and trivial.status_code == 200
    history_ms = _median_ms(lambda: client.get(history_url))
    last_page = str((changes + 1 + VERSIONS_PER_PAGE - 1) // VERSIONS_PER_PAGE)
    oldest = client.get(history_url, {"page": last_page})
    assert b'id="v1-h"' in oldest.content
    last_page_ms = _median_ms(lambda: client.get(history_url, {"page": last_page}))
    trivial_ms = _median_ms(lambda: client.get(trivial_url))

    print(f"changes:                   {changes:,}")
    print(f"saving all changes:        {saving:.1f} s ({saving / changes * 1000:.1f} ms a change)")
    print(f"plan item rows:            {items:,} (items + changes = {2 + changes:,}; copying stored {copied:,})")
    print(f"version-item links:        {links:,} (two integers and a position each)")
    print(f"history page, newest:      {history_ms:.1f} ms, {len(history.content) / 1024:.1f} KiB")
    print(f"history page, oldest:      {last_page_ms:.1f} ms, {len(oldest.content) / 1024:.1f} KiB")
    print(f"trivial page (settings):   {trivial_ms:.1f} ms, {len(trivial.content) / 1024:.1f} KiB")
    print(f"ratio history / trivial:   {history_ms / trivial_ms:.1f}x (oldest page {last_page_ms / trivial_ms:.1f}x)")
    print(f"ratio rows / (items+changes): {items / (2 + changes):.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000)
