"""Data scale (not a test): every clinician and patient page at two practice sizes, on SQLite and PostgreSQL.

For each database, a throw-away database is filled (`rugpad.web.populate`: the demo practice grown with bulk
inserts) to the first size, every page is timed (Django's test client, signed in as the demo clinician `anna`, the
demo patient `sanne` and the practice admin `beheer`; warm-up, then the median of several runs) and its queries
counted, then the same database is grown to the next size and measured again. It prints per page the time at each
size, the ratio largest / smallest (goal ≤ 1.5) and the query counts (goal: the same), and the time each fill took.
It prints figures; it asserts no timing.

Run: ``.venv/bin/python bench/bench_scale.py [--sizes 1000,100000] [--db sqlite,postgres] [--per-patient 50]
[--active N] [--quick]``. PostgreSQL: a database `rugpad_bench` is created on ``--pg`` (default
``postgres://postgres@127.0.0.1:5432``) and dropped afterwards. ``--quick``: 200 and 2,000 patients, 10 rows each.

The pages measured are the demo patient Sanne de Vries's (her patient page, episode, plan editor, evaluation and API
state for the clinician; her own home, exercises, guided session, diary and progress, and one set-log POST a run).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from typing import Any

CLINICIAN, PATIENT, ADMIN = "anna", "sanne", "beheer"
SEARCH = "jans"
"""A name search that matches a share of the practice at every size (Jansen, Janssen, Jansma…)."""
PG_DATABASE = "rugpad_bench"


def _pages(episode: int, patient: int) -> list[tuple[str, str, str]]:
    """(name, who, path) of every page measured; the set-log POST is added by the runner."""
    return [
        ("dashboard /", CLINICIAN, "/"),
        ("patient list", CLINICIAN, "/patients/"),
        ("name search", CLINICIAN, f"/patients/?q={SEARCH}"),
        ("patient detail", CLINICIAN, f"/patients/{patient}/"),
        ("episode detail", CLINICIAN, f"/episodes/{episode}/"),
        ("plan editor", CLINICIAN, f"/plans/episodes/{episode}/"),
        ("evaluation", CLINICIAN, f"/outcomes/episodes/{episode}/"),
        ("API patients", CLINICIAN, "/api/patients"),
        ("API episode state", CLINICIAN, f"/api/episodes/{episode}/state"),
        ("audit log (admin)", ADMIN, "/audit/"),
        ("patient home /me/", PATIENT, "/me/"),
        ("my exercises", PATIENT, "/plans/me/"),
        ("guided session", PATIENT, "/plans/session/"),
        ("diary", PATIENT, "/portal/diary/"),
        ("my progress", PATIENT, "/outcomes/me/"),
    ]


SET_LOG = "set-log POST"


# --- the child: one database, every size -----------------------------------------------------------------------------


def _child(
    db: str, sizes: list[int], per_patient: int, active: int | None, runs: int, budget: float, data_dir: str
) -> None:
    """Runs in its own process (Django's settings are read once): fills and measures, one JSON line per result."""
    os.environ["RUGPAD_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rugpad.web.settings")
    import django
    from django.core.management import call_command

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # pages name hashed static files (manifest)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from rugpad.web.care.models import Patient
    from rugpad.web.plans.models import ItemKind, PlanItem
    from rugpad.web.populate import populate
    from rugpad.web.practice.models import User

    def emit(**fields: Any) -> None:
        print(json.dumps({"db": db, **fields}), flush=True)

    for size in sizes:
        filled = populate(size, per_patient=per_patient, active=active, progress=lambda line: emit(progress=line))
        emit(kind="fill", size=size, seconds=filled.seconds, rows=filled.total_rows, added=filled.patients)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # as autovacuum would soon after a bulk load
        patient = Patient.objects.select_related("user").get(user__username=PATIENT)
        episode = patient.episodes.order_by("-started_on", "-id").first()
        assert episode is not None
        item = PlanItem.objects.filter(plan__episode=episode, kind=ItemKind.EXERCISE).order_by("id").first()
        assert item is not None
        clients: dict[str, Client] = {}
        for username in (CLINICIAN, PATIENT, ADMIN):
            clients[username] = Client()
            clients[username].force_login(User.objects.get(username=username))
        calls: list[tuple[str, Callable[[], Any]]] = [
            (name, lambda client=clients[who], path=path: client.get(path))
            for name, who, path in _pages(episode.pk, patient.pk)
        ]
        set_log = _set_log(clients[PATIENT], item.pk, item.ref)
        calls.append((SET_LOG, set_log))
        statuses = {name: call().status_code for name, call in calls}  # a warm-up pass over every page first
        for name, call in calls:
            if statuses[name] not in (200, 201):
                emit(kind="page", size=size, page=name, status=statuses[name], ms=None, queries=None)
                continue
            call()  # and each page once more just before it is timed
            with CaptureQueriesContext(connection) as queries:
                response = call()
            count = len(queries)  # now: the captured list is read from the log, which the next request clears
            timings: list[float] = []
            spent = time.perf_counter()
            while len(timings) < runs and (len(timings) < 3 or time.perf_counter() - spent < budget):
                start = time.perf_counter()
                call()
                timings.append((time.perf_counter() - start) * 1000)
            emit(kind="page", size=size, page=name, status=response.status_code, ms=statistics.median(timings),
                 queries=count, bytes=len(response.content), runs=len(timings))  # fmt: skip


def _set_log(client: Any, item_id: int, exercise_id: str) -> Callable[[], Any]:
    """One exercise result of one guided session, a new key each call (as the phone posts it)."""
    session_key = str(uuid.uuid4())

    def post() -> Any:
        body = {"key": str(uuid.uuid4()), "session_key": session_key, "item_id": item_id, "exercise_id": exercise_id,
                "sets_done": 2, "reps_done": 10, "pain_during": 3, "effort": "ok"}  # fmt: skip
        return client.post("/plans/session/log/", json.dumps(body), content_type="application/json")

    return post


# --- the parent: databases, processes, the table -------------------------------------------------------------------


def _pg_admin(base: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(statement)


def _run(db: str, args: argparse.Namespace, sizes: list[int]) -> list[dict[str, Any]]:
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if db == "postgres":
        _pg_admin(args.pg, f"DROP DATABASE IF EXISTS {PG_DATABASE}")
        _pg_admin(args.pg, f"CREATE DATABASE {PG_DATABASE}")
        env["DATABASE_URL"] = f"{args.pg}/{PG_DATABASE}"
    else:
        env.pop("DATABASE_URL", None)
    data_dir = tempfile.mkdtemp(prefix="rugpad-bench-scale-")  # the SQLite file (GBs at 100,000), static files
    command = [sys.executable, __file__, "--child", db, "--sizes", ",".join(map(str, sizes)), "--data-dir", data_dir]
    command += ["--per-patient", str(args.per_patient), "--runs", str(args.runs), "--budget", str(args.budget)]
    if args.active is not None:
        command += ["--active", str(args.active)]
    results: list[dict[str, Any]] = []
    try:
        with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env) as child:
            assert child.stdout is not None
            for line in child.stdout:
                if not line.startswith("{"):
                    continue
                result = json.loads(line)
                if "progress" in result:
                    print(f"  [{db}] filling: {result['progress']}", file=sys.stderr, flush=True)
                    continue
                results.append(result)
                if result["kind"] == "fill":
                    print(f"  [{db}] filled to {result['size']:,} patients in {result['seconds']:.0f} s",
                          file=sys.stderr, flush=True)  # fmt: skip
            if child.wait() != 0:
                raise SystemExit(f"the {db} run failed (exit {child.returncode})")
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
        if db == "postgres":
            _pg_admin(args.pg, f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
    return results


def _report(db: str, sizes: list[int], results: list[dict[str, Any]], args: argparse.Namespace) -> None:
    small, large = sizes[0], sizes[-1]
    who = "patient" if args.active is None else f"patient, for {args.active:,} of the added patients"
    print(f"\n== {db}: {small:,} vs {large:,} patients ({args.per_patient} diary entries and set logs per {who})")
    for r in results:
        if r["kind"] == "fill":
            print(f"   fill to {r['size']:>9,} patients: {r['seconds']:7.1f} s, {r['rows']:>11,} rows added "
                  f"({r['rows'] / max(r['seconds'], 0.001):,.0f} rows/s)")  # fmt: skip
    pages = {(r["page"], r["size"]): r for r in results if r["kind"] == "page"}
    names = list(dict.fromkeys(r["page"] for r in results if r["kind"] == "page"))
    head = f"   {'page':<20} {f'{small:,} ms':>10} {f'{large:,} ms':>11} {'ratio':>7}  {'queries':>9}  {'KiB':>11}"
    print(head)
    print("   " + "-" * (len(head) - 3))
    for name in names:
        a, b = pages.get((name, small)), pages.get((name, large))
        if a is None or b is None or a["ms"] is None or b["ms"] is None:
            status = f"status {a and a['status']} / {b and b['status']}"
            print(f"   {name:<20} {status}")
            continue
        ratio = b["ms"] / a["ms"]
        mark = "" if ratio <= 1.5 else "  > 1.5"
        grows = "" if a["queries"] == b["queries"] else " *"
        print(f"   {name:<20} {a['ms']:>10.1f} {b['ms']:>11.1f} {ratio:>6.2f}x  {a['queries']:>3} → {b['queries']:<3}"
              f"{grows:2} {a['bytes'] / 1024:>5.0f}→{b['bytes'] / 1024:<5.0f}{mark}")  # fmt: skip
    print("   (* query count grows with the data; ratio > 1.5 misses the goal)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000", help="practice sizes in patients, ascending")
    parser.add_argument("--db", default="sqlite,postgres", help="sqlite, postgres or both")
    parser.add_argument("--per-patient", type=int, default=50, help="diary entries and set logs per active patient")
    parser.add_argument("--active", type=int, default=None, help="added patients with diary and set logs (all)")
    parser.add_argument("--runs", type=int, default=7, help="timed runs per page (median)")
    parser.add_argument("--budget", type=float, default=15.0, help="seconds per page after 3 runs")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server URL")
    parser.add_argument("--quick", action="store_true", help="200 and 2,000 patients, 10 rows each: a smoke run")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.per_patient, args.runs = "200,2000", 10, 3
    sizes = sorted(int(s) for s in args.sizes.split(","))
    if args.child:
        _child(args.child, sizes, args.per_patient, args.active, args.runs, args.budget, args.data_dir)
        return
    started = time.perf_counter()
    for db in args.db.split(","):
        results = _run(db, args, sizes)
        _report(db, sizes, results, args)
    print(f"\n(whole run {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
