"""Nothing lost, nothing doubled: the real server (`rugpad serve`, two forked workers) under sixteen writers at once,
and killed with SIGKILL in the middle of a burst.

Each writer is a browser tab of one of the demo's three patients with a plan (signed in once each). In every round
all sixteen start together and each sends a diary entry and two guided-session results: one with a key of its own
and one with the same key and payload as its partner's — a phone's offline queue retried by a second tab at the
same moment. A write counts as acknowledged when the server answered that it stored it (the diary's 302 to the new
entry, the session log's 201/200 with the row's id); the database, read directly, must hold exactly the
acknowledged writes: none missing, none twice. Runs on SQLite and, with DATABASE_URL, on PostgreSQL; the heavier
version with timings is `bench/bench_concurrency.py`.
"""

from __future__ import annotations

import datetime as dt
import http.client
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest

from tests.web.realserver import (
    DEMO_PASSWORD,
    PATIENTS_WITH_A_PLAN,
    Answer,
    Browser,
    Server,
    demo_database,
    diary_entry_id,
    duplicated_open_alerts,
    set_entry,
    stored_diary_notes,
    stored_set_keys,
)

pytestmark = pytest.mark.real_server  # starts rugpad's own commands: run beside the other web tests in CI

WRITERS = 16
ROUNDS = 3  # 16 writers × 3 rounds × 3 writes = 144 writes, 48 of them in pairs sharing a key


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with demo_database(tmp_path_factory.mktemp("concurrency")) as database, Server(database).running() as running:
        yield running


@pytest.fixture(scope="module")
def patients(server: Server) -> list[Browser]:
    """The demo's patients with a plan, each signed in once."""
    with ThreadPoolExecutor(max_workers=len(PATIENTS_WITH_A_PLAN)) as pool:
        return list(pool.map(lambda name: Browser(server.base, name), PATIENTS_WITH_A_PLAN))


def test_the_helpers_sign_in_with_the_demo_password() -> None:
    from rugpad.web.demo import DEMO_PASSWORD as demo_password

    assert demo_password == DEMO_PASSWORD


def _writers(patients: list[Browser], count: int) -> list[Browser]:
    """`count` browser tabs; writers 2k and 2k+1 are the same patient (they share the duplicate keys)."""
    return [patients[(i // 2) % len(patients)].tab() for i in range(count)]


@dataclass
class Outcome:
    """What one writer sent and what the server answered."""

    diary: list[tuple[str, Answer]] = field(default_factory=list)
    """(note, answer) per diary entry."""
    sets: list[tuple[uuid.UUID, Answer]] = field(default_factory=list)
    """(key, answer) per guided-session result."""


def _days_ago(n: int) -> str:
    return (dt.date.today() - dt.timedelta(days=n)).isoformat()


def test_sixteen_writers_at_once_lose_nothing_double_nothing_and_get_no_errors(
    server: Server, patients: list[Browser]
) -> None:
    run = uuid.uuid4().hex[:8]
    browsers = _writers(patients, WRITERS)
    start_together = threading.Barrier(WRITERS)
    pair_keys = {(pair, r): (uuid.uuid4(), uuid.uuid4()) for pair in range(WRITERS // 2) for r in range(ROUNDS)}

    def writer(i: int) -> Outcome:
        browser, outcome = browsers[i], Outcome()
        for r in range(ROUNDS):
            shared_key, shared_session = pair_keys[(i // 2, r)]
            own_key = uuid.uuid4()
            note = f"conc-{run}-{i}-{r}"
            start_together.wait(timeout=60)
            outcome.sets.append((shared_key, browser.log_set(set_entry(shared_key, shared_session, pain=r))))
            outcome.diary.append((note, browser.write_diary(note, _days_ago(r % 7), pain=2 + r)))
            outcome.sets.append((own_key, browser.log_set(set_entry(own_key, uuid.uuid4(), pain=r))))
        return outcome

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        outcomes = list(pool.map(writer, range(WRITERS)))

    diary = [pair for outcome in outcomes for pair in outcome.diary]
    sets = [pair for outcome in outcomes for pair in outcome.sets]
    errors = [("diary", a.status) for _, a in diary if diary_entry_id(a) is None]
    errors += [("set", a.status, a.body[:200]) for _, a in sets if a.status not in (200, 201)]
    assert errors == [], f"{len(errors)} of {len(diary) + len(sets)} writes failed: {errors[:5]}"

    # Diary: every acknowledged entry stored once under the id the server named; nothing else with this run's mark.
    acknowledged = {note: diary_entry_id(answer) for note, answer in diary}
    stored = stored_diary_notes(server.database, f"conc-{run}-")
    assert sorted(stored) == sorted((entry_id, note) for note, entry_id in acknowledged.items())

    # Session logs: one row per key; both writers of a pair were told the same row, and only one was told "created".
    rows: dict[uuid.UUID, list[int]] = {}
    for key, row_id in stored_set_keys(server.database):
        rows.setdefault(key, []).append(row_id)
    answers: dict[uuid.UUID, list[Answer]] = {}
    for key, answer in sets:
        answers.setdefault(key, []).append(answer)
    assert len(answers) == WRITERS * ROUNDS + len(pair_keys)
    for key, told in answers.items():
        assert rows.get(key) == [told[0].json()["id"]], f"key {key}: stored {rows.get(key)}, told {told}"
        assert {a.json()["id"] for a in told} == set(rows[key])
        assert [a.json()["created"] for a in told].count(True) == 1
    assert duplicated_open_alerts(server.database) == []


def test_two_writers_editing_one_diary_entry_at_once_leave_one_current_version(
    server: Server, patients: list[Browser]
) -> None:
    first, second = _writers(patients, 2)
    note = f"edit-{uuid.uuid4().hex[:8]}"
    entry_id = diary_entry_id(first.write_diary(note, _days_ago(0), pain=4))
    assert entry_id is not None
    start_together = threading.Barrier(2)

    def edit(browser: Browser) -> Answer:
        start_together.wait(timeout=30)
        fields = {"csrfmiddlewaretoken": browser.csrf, "day": _days_ago(0), "pain_now": 5, "note": f"{note} v2"}
        return browser.post_form(f"/portal/diary/{entry_id}/edit/", fields)

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(edit, (first, second)))
    assert all(a.status == 302 for a in answers), answers
    versions = server.database.rows(
        "SELECT version, current FROM portal_diaryentry WHERE id = ? OR original_id = ? ORDER BY version",
        (entry_id, entry_id),
    )
    # One edit made version 2; the other found version 1 no longer current and was refused (shown as a message).
    assert [(int(v), bool(c)) for v, c in versions] == [(1, False), (2, True)]


def test_a_trend_reached_by_several_entries_at_once_raises_one_alert(server: Server, patients: list[Browser]) -> None:
    """Every entry below completes "exercises skipped on 3 days this week", so each of the eight finds the trend
    and looks for an open alert before raising one. Unserialised, PostgreSQL gave 2-4 copies of the same alert."""
    sanne = next(browser for browser in patients if browser.username == "sanne")
    for n in (4, 5, 6):
        assert diary_entry_id(sanne.write_diary(f"trend-seed-{n}", _days_ago(n), pain=3)) is not None
    tabs = [sanne.tab() for _ in range(8)]
    start_together = threading.Barrier(len(tabs))

    def write(i: int, attempt: int) -> Answer:
        start_together.wait(timeout=30)
        return tabs[i].write_diary(f"trend-{attempt}-{i}", _days_ago(i % 4), pain=3)

    for attempt in range(3):
        # Acknowledged behind the application's back, so that the trend is due to be raised again.
        server.database.execute("UPDATE portal_alert SET acknowledged_at = CURRENT_TIMESTAMP")
        with ThreadPoolExecutor(max_workers=len(tabs)) as pool:
            answers = list(pool.map(write, range(len(tabs)), [attempt] * len(tabs)))
        assert all(diary_entry_id(a) is not None for a in answers), [a.status for a in answers]
        open_alerts = server.database.rows(
            "SELECT rule_id, COUNT(*) FROM portal_alert WHERE acknowledged_at IS NULL GROUP BY rule_id"
        )
        assert dict(open_alerts).get("trend.exercises_skipped") == 1, (attempt, open_alerts)
        assert duplicated_open_alerts(server.database) == []


# --- kill -9 ---------------------------------------------------------------------------------------------------


KILL_AFTER_ACKNOWLEDGED = 40
CRASH_WRITERS = 8


def test_kill_9_in_the_middle_of_a_burst_loses_no_acknowledged_write(server: Server, patients: list[Browser]) -> None:
    """Runs last in this module: it kills the module's server and starts it again on the same data."""
    run = uuid.uuid4().hex[:8]
    database = server.database
    browsers = _writers(patients, CRASH_WRITERS)
    lock = threading.Lock()
    acknowledged_diary: dict[str, int] = {}
    acknowledged_sets: dict[uuid.UUID, int] = {}
    killed = threading.Event()

    def writer(i: int) -> None:
        for n in range(10_000):
            if killed.is_set():
                return
            try:
                if n % 2:
                    key = uuid.uuid4()
                    answer = browsers[i].log_set(set_entry(key, uuid.uuid4()))
                    if answer.status in (200, 201):
                        with lock:
                            acknowledged_sets[key] = answer.json()["id"]
                else:
                    note = f"crash-{run}-{i}-{n}"
                    entry_id = diary_entry_id(browsers[i].write_diary(note, _days_ago(n % 7), pain=n % 11))
                    if entry_id is not None:
                        with lock:
                            acknowledged_diary[note] = entry_id
            except (OSError, http.client.HTTPException):
                return  # the server died under this request: not acknowledged, so no promise to keep

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(CRASH_WRITERS)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 30
    while len(acknowledged_diary) + len(acknowledged_sets) < KILL_AFTER_ACKNOWLEDGED:
        assert time.monotonic() < deadline, "the burst did not get going"
        time.sleep(0.01)
    server.kill()  # master and workers, mid-request
    killed.set()
    for thread in threads:
        thread.join(timeout=30)

    assert database.integrity_problems() == []
    server.start()  # the same data folder and database: it comes back up and takes writes again
    assert diary_entry_id(Browser(server.base, "emma").write_diary(f"after-{run}", _days_ago(0), 1)) is not None

    stored_notes = {note: entry_id for entry_id, note in stored_diary_notes(database, f"crash-{run}-")}
    missing_diary = {n: i for n, i in acknowledged_diary.items() if stored_notes.get(n) != i}
    stored_sets = dict(stored_set_keys(database))
    missing_sets = {k: i for k, i in acknowledged_sets.items() if stored_sets.get(k) != i}
    assert missing_diary == {} and missing_sets == {}
    assert database.integrity_problems() == []
