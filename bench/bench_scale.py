"""Data scale (not a test): every page of `rugpad.web.scale_pages` at two practice sizes, on SQLite and PostgreSQL.

Per database kind, TWO databases are kept: one filled (`rugpad.web.populate`: the demo practice grown with bulk
inserts, each fill in its own process) to the small size and one to the large size. Then one process opens both and
times every page on them ALTERNATING — for each page and each run: small, large, small, large … — after a warm-up
pass over every page on both, so both sizes meet the same warm-up and the same neighbours' load (a 2-core machine
shared with others: sizes timed minutes apart differ by 2× on noise alone). Both connections stay open; switching is
swapping `connections["default"]` between them, so no reconnect lands in a timing. Pages go through Django's test
client, signed in (in each database) as the demo clinician `anna`, the demo patient `sanne` and the practice admin
`beheer`. It prints per page the median time at each size, the ratio large / small (goal ≤ 1.5), the query counts
(goal: the same) and the response size, and the time each fill took. It prints figures; it asserts no timing.

Run: ``.venv/bin/python bench/bench_scale.py [--sizes 1000,100000] [--db sqlite,postgres] [--per-patient 50]
[--active N] [--runs 7] [--budget 15] [--quick] [--keep DIR | --reuse DIR]``. ``--quick``: 200 and 2,000
patients, 10 rows each, 3 runs.

Where the databases live: SQLite files in a data folder per size (``sqlite-<size>/rugpad.sqlite3``, GBs at 100,000);
PostgreSQL databases ``rugpad_bench_<size>`` on ``--pg`` (default ``postgres://postgres@127.0.0.1:5432``), created
(dropped first if present) by the fill. Without ``--keep``/``--reuse`` the folders are temporary and the PostgreSQL
databases are dropped at the end. ``--keep DIR`` fills into DIR and keeps everything (the PostgreSQL databases too),
writing ``DIR/bench_scale.json`` (what was filled, with which arguments, how long it took); ``--reuse DIR`` times the
databases a ``--keep`` run left there without filling again (a 100,000 fill takes minutes) — the sizes, per-patient
and active must match the kept ones. To drop kept PostgreSQL databases: ``psql postgres://postgres@127.0.0.1:5432
-c 'DROP DATABASE rugpad_bench_<size> WITH (FORCE)'`` per size (the script prints the exact commands), then remove
DIR. A reused database has a few set logs more per run (the set-log POST), nothing that changes its scale.

The pages measured are `rugpad.web.scale_pages`' — the list the query-count test (`tests/web/test_query_counts.py`)
counts too: the clinician's lists, the demo patient Sanne de Vries's pages for the clinician and for herself, the
admin's practice outcomes and audit log, and one set-log POST a run.
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
from collections.abc import Callable
from pathlib import Path
from typing import Any

META = "bench_scale.json"
"""In a --keep folder: what each kept database holds and how long its fill took."""


# --- the children: one fills one database, one times both -------------------------------------------------------------


def _setup(data_dir: str) -> None:
    """Django in this process, its default database as the environment says (DATABASE_URL or SQLite in data_dir)."""
    os.environ["RUGPAD_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rugpad.web.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]


def _emit(**fields: Any) -> None:
    print(json.dumps(fields), flush=True)


def _fill_child(size: int, per_patient: int, active: int | None, data_dir: str) -> None:
    """Migrates and fills the (empty) default database to `size` patients; one JSON line per progress and result."""
    _setup(data_dir)
    from django.core.management import call_command
    from django.db import connection

    from rugpad.web.populate import populate

    call_command("migrate", verbosity=0)
    filled = populate(size, per_patient=per_patient, active=active, progress=lambda line: _emit(progress=line))
    started = time.perf_counter()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would soon after a bulk load (SQLite: left as the app leaves it)
    _emit(kind="fill", size=size, seconds=filled.seconds, analyze=time.perf_counter() - started,
          rows=filled.total_rows, added=filled.patients)  # fmt: skip


def _measure_child(sizes: list[int], names: list[str], runs: int, budget: float, data_dir: str) -> None:
    """Times every page on the databases `names` (one per size; the first is the default one), alternating."""
    _setup(data_dir)
    import copy

    from django.core.management import call_command
    from django.db import connection, connections
    from django.db.utils import load_backend
    from django.test.utils import CaptureQueriesContext

    from rugpad.web.scale_pages import calls, subject

    call_command("collectstatic", interactive=False, verbosity=0)  # pages name hashed static files (manifest)
    first = connections["default"]
    wrappers: dict[int, Any] = {}
    for size, name in zip(sizes, names, strict=True):
        if not wrappers:
            wrappers[size] = first
            continue
        settings_dict = copy.deepcopy(first.settings_dict)
        settings_dict["NAME"] = name
        wrappers[size] = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, "default")

    def use(size: int) -> None:
        """The default connection is this size's (each keeps its own open connection)."""
        connections["default"] = wrappers[size]

    requests: dict[int, list[tuple[str, Callable[[], Any]]]] = {}
    for size in sizes:
        use(size)
        call_command("migrate", verbosity=0)  # a kept database meets migrations added since its fill
        requests[size] = calls(subject())  # signed in in this database, with clients of their own
    pages = [page for page, _call in requests[sizes[0]]]
    statuses: dict[tuple[str, int], int] = {}
    for n, page in enumerate(pages):  # a warm-up pass over every page, on both databases
        for size in sizes:
            use(size)
            statuses[page, size] = requests[size][n][1]().status_code
    for n, page in enumerate(pages):
        if any(statuses[page, size] not in (200, 201, 302) for size in sizes):  # 302: figures counted again
            _emit(kind="page", page=page, status={size: statuses[page, size] for size in sizes})
            continue
        counts: dict[int, int] = {}
        sizes_in_bytes: dict[int, int] = {}
        for size in sizes:
            use(size)
            requests[size][n][1]()  # each page once more on each database just before it is timed
            with CaptureQueriesContext(connection) as queries:
                response = requests[size][n][1]()
            counts[size] = len(queries)  # now: the captured list is read from the log, which the next request clears
            sizes_in_bytes[size] = len(response.content)
        timings: dict[int, list[float]] = {size: [] for size in sizes}
        spent = time.perf_counter()
        done = 0
        while done < runs and (done < 3 or time.perf_counter() - spent < budget):
            for size in sizes:  # small, large, small, large …
                use(size)
                call = requests[size][n][1]
                start = time.perf_counter()
                call()
                timings[size].append((time.perf_counter() - start) * 1000)
            done += 1
        _emit(kind="page", page=page, status={size: statuses[page, size] for size in sizes},
              ms={size: statistics.median(timings[size]) for size in sizes}, queries=counts, bytes=sizes_in_bytes,
              runs=done)  # fmt: skip
    for wrapper in wrappers.values():
        wrapper.close()


# --- the parent: databases, processes, the table -------------------------------------------------------------------


def _pg_admin(base: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(statement)


def _pg_exists(base: str, name: str) -> bool:
    import psycopg

    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


class _Place:
    """Where one database of one size lives: its data folder (SQLite file, secret, static files) and its name."""

    def __init__(self, db: str, size: int, root: Path, pg: str) -> None:
        self.db, self.size, self.pg = db, size, pg
        self.data_dir = root / f"{db}-{size}"
        self.pg_name = f"rugpad_bench_{size}"

    @property
    def name(self) -> str:
        """The Django database NAME."""
        return str(self.data_dir / "rugpad.sqlite3") if self.db == "sqlite" else self.pg_name

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.pop("DJANGO_SETTINGS_MODULE", None)
        env.pop("DATABASE_URL", None)
        if self.db == "postgres":
            env["DATABASE_URL"] = f"{self.pg}/{self.pg_name}"
        return env

    def exists(self) -> bool:
        if self.db == "postgres":
            return _pg_exists(self.pg, self.pg_name)
        return Path(self.name).exists()

    def create(self) -> None:
        """An empty database (a previous one of this size is removed)."""
        shutil.rmtree(self.data_dir, ignore_errors=True)
        self.data_dir.mkdir(parents=True)
        if self.db == "postgres":
            _pg_admin(self.pg, f"DROP DATABASE IF EXISTS {self.pg_name} WITH (FORCE)")
            _pg_admin(self.pg, f"CREATE DATABASE {self.pg_name}")

    def drop(self) -> None:
        shutil.rmtree(self.data_dir, ignore_errors=True)
        if self.db == "postgres":
            _pg_admin(self.pg, f"DROP DATABASE IF EXISTS {self.pg_name} WITH (FORCE)")


def _child_lines(command: list[str], env: dict[str, str], db: str) -> list[dict[str, Any]]:
    """Runs a child, relaying its progress to stderr; its results."""
    results: list[dict[str, Any]] = []
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
        if child.wait() != 0:
            raise SystemExit(f"the {db} child {command[2:5]} failed (exit {child.returncode})")
    return results


def _fill(place: _Place, args: argparse.Namespace) -> dict[str, Any]:
    place.create()
    command = [sys.executable, __file__, "--fill", place.db, "--sizes", str(place.size), "--data-dir",
               str(place.data_dir), "--per-patient", str(args.per_patient)]  # fmt: skip
    if args.active is not None:
        command += ["--active", str(args.active)]
    print(f"  [{place.db}] filling {place.name} to {place.size:,} patients", file=sys.stderr, flush=True)
    (result,) = _child_lines(command, place.env(), place.db)
    print(f"  [{place.db}] filled to {place.size:,} patients in {result['seconds']:.0f} s "
          f"(+ ANALYZE {result['analyze']:.0f} s)", file=sys.stderr, flush=True)  # fmt: skip
    return result


def _read_meta(root: Path) -> dict[str, Any]:
    path = root / META
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _run(db: str, args: argparse.Namespace, sizes: list[int], root: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """Fills (or finds) one database per size, times them alternating; the results and the fills' notes."""
    places = [_Place(db, size, root, args.pg) for size in sizes]
    wanted = {"per_patient": args.per_patient, "active": args.active}
    fills: list[dict[str, Any]] = []
    if args.reuse:
        meta = _read_meta(root).get(db, {})
        for place in places:
            kept = meta.get(str(place.size))
            if kept is None or not place.exists():
                have = sorted(meta, key=int) or "none"
                raise SystemExit(f"--reuse {root}: no kept {db} database of {place.size:,} patients there "
                                 f"(kept: {have}); run with --keep {root} first")  # fmt: skip
            if {k: kept[k] for k in wanted} != wanted:
                raise SystemExit(f"--reuse {root}: the kept {db} {place.size:,} was filled with "
                                 f"{ {k: kept[k] for k in wanted} }, not {wanted}")  # fmt: skip
            fills.append({**kept["fill"], "reused": True})
    else:
        for place in places:
            fill = _fill(place, args)
            fills.append(fill)
            if args.keep:
                meta = _read_meta(root)
                meta.setdefault(db, {})[str(place.size)] = {"name": place.name, **wanted, "fill": fill}
                (root / META).write_text(json.dumps(meta, indent=1), encoding="utf-8")
    command = [sys.executable, __file__, "--measure", db, "--sizes", ",".join(map(str, sizes)), "--data-dir",
               str(places[0].data_dir), "--names", json.dumps([p.name for p in places]), "--runs", str(args.runs),
               "--budget", str(args.budget)]  # fmt: skip
    print(f"  [{db}] timing every page, alternating {' / '.join(p.name for p in places)}", file=sys.stderr, flush=True)
    try:
        results = fills + _child_lines(command, places[0].env(), db)
    finally:
        if not (args.keep or args.reuse):
            for place in places:
                place.drop()
    notes = []
    if (args.keep or args.reuse) and db == "postgres":
        notes = [f"psql {args.pg}/postgres -c 'DROP DATABASE {p.pg_name} WITH (FORCE)'" for p in places]
    return results, notes


def _report(db: str, sizes: list[int], results: list[dict[str, Any]], args: argparse.Namespace) -> None:
    small, large = sizes
    who = "patient" if args.active is None else f"patient, for {args.active:,} of the added patients"
    print(f"\n== {db}: {small:,} vs {large:,} patients ({args.per_patient} diary entries and set logs per {who}), "
          f"timed alternating in one process")  # fmt: skip
    for r in results:
        if r["kind"] == "fill":
            reused = " (kept from an earlier --keep run, reused)" if r.get("reused") else ""
            rate = r["rows"] / max(r["seconds"], 0.001)
            print(f"   fill to {r['size']:>9,} patients: {r['seconds']:7.1f} s + ANALYZE {r['analyze']:.1f} s, "
                  f"{r['rows']:>11,} rows added ({rate:,.0f} rows/s){reused}")  # fmt: skip
    head = (f"   {'page':<25} {f'{small:,} ms':>10} {f'{large:,} ms':>11} {'ratio':>7}  {'queries':>9}  "
            f"{'bytes':>17}  runs")  # fmt: skip
    print(head)
    print("   " + "-" * (len(head) - 3))
    for r in results:
        if r["kind"] != "page":
            continue
        name, s, b = r["page"], str(small), str(large)
        if "ms" not in r:
            print(f"   {name:<25} status {r['status'][s]} / {r['status'][b]}")
            continue
        ms_a, ms_b = r["ms"][s], r["ms"][b]
        ratio = ms_b / ms_a
        mark = "" if ratio <= 1.5 else "  > 1.5"
        q_a, q_b = r["queries"][s], r["queries"][b]
        grows = "" if q_a == q_b else " *"
        print(f"   {name:<25} {ms_a:>10.1f} {ms_b:>11.1f} {ratio:>6.2f}x  {q_a:>3} → {q_b:<3}{grows:2} "
              f"{r['bytes'][s]:>8,}→{r['bytes'][b]:<8,} {r['runs']:>4}{mark}")  # fmt: skip
    print("   (* query count grows with the data; ratio > 1.5 misses the goal)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000", help="the two practice sizes in patients")
    parser.add_argument("--db", default="sqlite,postgres", help="sqlite, postgres or both")
    parser.add_argument("--per-patient", type=int, default=50, help="diary entries and set logs per active patient")
    parser.add_argument("--active", type=int, default=None, help="added patients with diary and set logs (all)")
    parser.add_argument("--runs", type=int, default=7, help="timed runs per page and size (median)")
    parser.add_argument("--budget", type=float, default=15.0, help="seconds per page (both sizes) after 3 runs")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server URL")
    parser.add_argument("--quick", action="store_true", help="200 and 2,000 patients, 10 rows each: a smoke run")
    kept = parser.add_mutually_exclusive_group()
    kept.add_argument("--keep", metavar="DIR", help="fill into DIR and keep the databases (PostgreSQL's too)")
    kept.add_argument("--reuse", metavar="DIR", help="time the databases a --keep DIR run left, without filling")
    parser.add_argument("--fill", help=argparse.SUPPRESS)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--names", help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.per_patient, args.runs = "200,2000", 10, 3
    sizes = sorted(int(s) for s in args.sizes.split(","))
    if args.fill:
        _fill_child(sizes[0], args.per_patient, args.active, args.data_dir)
        return
    if args.measure:
        _measure_child(sizes, json.loads(args.names), args.runs, args.budget, args.data_dir)
        return
    if len(sizes) != 2 or sizes[0] == sizes[1]:
        parser.error("--sizes takes two different sizes, e.g. 1000,100000")
    given = args.keep or args.reuse
    root = Path(given).resolve() if given else Path(tempfile.mkdtemp(prefix="rugpad-bench-scale-"))
    root.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    notes: list[str] = []
    try:
        for db in args.db.split(","):
            results, dropping = _run(db, args, sizes, root)
            notes += dropping
            _report(db, sizes, results, args)
    finally:
        if not given:
            shutil.rmtree(root, ignore_errors=True)
    print(f"\n(whole run {time.perf_counter() - started:.0f} s)")
    if given:
        print(f"kept in {root}: rerun without filling with  .venv/bin/python bench/bench_scale.py --reuse {root} "
              f"--db {args.db} --sizes {sizes[0]},{sizes[1]} --per-patient {args.per_patient}"
              + (f" --active {args.active}" if args.active is not None else "")
              + (" --quick" if args.quick else ""))  # fmt: skip
        for note in notes:
            print(f"drop the kept PostgreSQL database: {note}")
        if notes:
            print(f"then: rm -r {root}")


if __name__ == "__main__":
    main()
