"""Concurrent writers against the real server (not a test): error rate, lost and duplicated writes, latency.

Run: ``.venv/bin/python bench/bench_concurrency.py [--writers 16] [--rounds 25] [--workers 2]`` (SQLite in a
throw-away folder; with DATABASE_URL set, a throw-away PostgreSQL database). It starts `rugpad serve` on a copy of
the demo practice and, in one run against the same server:

1. a trivial page (`GET /login/`: no database write) from N threads — the yardstick;
2. N writers, each round all together: a diary entry, a guided-session result with a key of its own and one with
   the same key as its partner's (a retried offline queue), as in `tests/web/test_concurrency.py`.

It prints the error rate, the writes lost (acknowledged but not in the database) and duplicated (one key stored
twice, or one diary POST stored twice), p50/p99 per kind and their ratio to the trivial page.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the test helpers live in tests/web/realserver.py

from tests.web.realserver import (
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

Timed = tuple[str, float, Answer]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed(kind: str, call: Callable[..., Answer], *arguments: Any) -> Timed:
    start = time.perf_counter()
    answer = call(*arguments)
    return kind, time.perf_counter() - start, answer


def trivial_pages(browsers: list[Browser], rounds: int) -> list[Timed]:
    def reader(browser: Browser) -> list[Timed]:
        return [timed("trivial page", browser.get, "/login/") for _ in range(rounds * 3)]

    with ThreadPoolExecutor(max_workers=len(browsers)) as pool:
        return [t for result in pool.map(reader, browsers) for t in result]


def writes(browsers: list[Browser], rounds: int, run: str) -> list[tuple[Timed, object]]:
    """(timing, what was sent: a diary note or a session-log key) for every write."""
    together = threading.Barrier(len(browsers))
    pairs = range(len(browsers) // 2 + 1)
    pair_keys = {(pair, r): (uuid.uuid4(), uuid.uuid4()) for pair in pairs for r in range(rounds)}

    def writer(i: int) -> list[tuple[Timed, object]]:
        browser, done = browsers[i], []
        for r in range(rounds):
            key, session = pair_keys[(i // 2, r)]
            own = uuid.uuid4()
            note = f"bench-{run}-{i}-{r}"
            together.wait(timeout=120)
            done.append((timed("session log, shared key", browser.log_set, set_entry(key, session)), key))
            done.append((timed("diary entry", browser.write_diary, note, time.strftime("%Y-%m-%d"), r % 11), note))
            done.append((timed("session log, own key", browser.log_set, set_entry(own, uuid.uuid4())), own))
        return done

    with ThreadPoolExecutor(max_workers=len(browsers)) as pool:
        return [t for result in pool.map(writer, range(len(browsers))) for t in result]


def acknowledged(kind: str, answer: Answer) -> bool:
    return diary_entry_id(answer) is not None if kind == "diary entry" else answer.status in (200, 201)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=25)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    args = parser.parse_args()
    run = uuid.uuid4().hex[:8]
    with tempfile.TemporaryDirectory(prefix="rugpad-bench-") as folder, demo_database(Path(folder)) as database:
        engine = "PostgreSQL" if database.postgres_url else "SQLite"
        server = Server(database, workers=args.workers)
        with server.running():
            patients = [Browser(server.base, name) for name in PATIENTS_WITH_A_PLAN]
            browsers = [patients[(i // 2) % len(patients)].tab() for i in range(args.writers)]
            trivial_pages(browsers[:2], 3)  # warm both workers (content loading) before timing anything
            trivial = trivial_pages(browsers, args.rounds)
            started = time.perf_counter()
            written = writes(browsers, args.rounds, run)
            elapsed = time.perf_counter() - started
        diary_rows = stored_diary_notes(database, f"bench-{run}-")
        notes = {note: i for i, note in diary_rows}
        keys: dict[uuid.UUID, list[int]] = {}
        for key, row_id in stored_set_keys(database):
            keys.setdefault(key, []).append(row_id)
        alerts_doubled = duplicated_open_alerts(database)

    errors = [(k, a.status) for (k, _, a), _sent in written if not acknowledged(k, a)]
    lost = duplicated = 0
    for (kind, _, answer), sent in written:
        if not acknowledged(kind, answer):
            continue
        if kind == "diary entry":
            lost += notes.get(str(sent)) != diary_entry_id(answer)
        else:
            lost += answer.json()["id"] not in keys.get(sent, [])  # type: ignore[call-overload]
    duplicated = sum(len(rows) - 1 for rows in keys.values()) + len(diary_rows) - len(notes) + len(alerts_doubled)

    print(f"rugpad under {args.writers} concurrent writers: {engine}, {args.workers} gunicorn workers")
    print(f"  writes: {len(written)} in {elapsed:.1f} s ({len(written) / elapsed:.0f}/s)")
    print(f"  errors: {len(errors)} ({100 * len(errors) / len(written):.2f} %)  {errors[:3] if errors else ''}")
    print(f"  lost (acknowledged, not stored): {lost}   duplicated: {duplicated}")
    base50, base99 = percentile([t for _, t, _ in trivial], 50), percentile([t for _, t, _ in trivial], 99)
    print(f"  {'kind':<26}{'n':>6}{'p50 ms':>9}{'p99 ms':>9}{'p50 ×':>8}{'p99 ×':>8}")
    print(f"  {'trivial page (yardstick)':<26}{len(trivial):>6}{1000 * base50:>9.1f}{1000 * base99:>9.1f}")
    for kind in ("diary entry", "session log, own key", "session log, shared key"):
        times = [t for (k, t, _), _sent in written if k == kind]
        p50, p99 = percentile(times, 50), percentile(times, 99)
        ratios = f"{p50 / base50:>8.1f}{p99 / base99:>8.1f}"
        print(f"  {kind:<26}{len(times):>6}{1000 * p50:>9.1f}{1000 * p99:>9.1f}{ratios}")
    print(f"  median write latency {statistics.median(t for (_, t, _), _s in written) * 1000:.1f} ms")
    return 1 if errors or lost or duplicated else 0


if __name__ == "__main__":
    sys.exit(main())
