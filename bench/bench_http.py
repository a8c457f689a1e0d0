"""HTTP throughput of rugpad's daily paths under gunicorn as in production, as ratios measured in one run (not a test).

Run: ``.venv/bin/python bench/bench_http.py`` (about 2 minutes; ``--help`` for the options).

What it does, every time from nothing:
1. a fresh data folder in a temporary directory (SQLite; or, with ``--database-url``, a new database created on
   that PostgreSQL server and dropped afterwards), prepared with the demo practice
   (``rugpad serve --demo --prepare-only``);
2. ``rugpad serve`` with N gunicorn sync workers (2, as in production) on 127.0.0.1, with ``rugpad.web.settings``
   (DEBUG off; the production settings add only TLS cookies, redirects and secret checks, nothing on these paths);
3. signs in as a demo patient whose guided session offers exercises, and as a demo clinician, who makes an API
   token on /account/tokens/;
4. drives ``wrk`` (8 connections, on loopback) at each endpoint for a fixed time after a warm-up, in rounds, the
   order reversed each round so that drift on a shared machine falls on every endpoint alike:
     health   GET  /health/              trivial JSON through the same middleware: the baseline
     setlog   POST /plans/session/log/   one exercise result, as the guided session's script posts it (JSON,
                                         X-CSRFToken header, session cookie), each with its own idempotency key,
                                         so every request is a real write (201)
     home     GET  /me/                  the patient's home page
     triage   POST /api/triage           the case of examples/triage-low-back.json, bearer token
5. prints req/s, p50 and p99 latency, errors (socket errors, timeouts and every response outside 2xx) and the
   response body size per endpoint, each endpoint's throughput as a ratio to /health/ in the same round, and
   stops the server and removes the temporary data, also on Ctrl+C.

A peer measured in the same sitting (optional): with ``--wger URL --wger-token KEY --wger-routine ID`` the rounds
also drive an already running wger (the Django workout manager; set it up outside this repository) at
``POST /api/v2/workoutlog/`` (its equivalent of our set log) and ``GET /api/v2/routine/ID/structure/`` (its cached
routine read), and the summary prints our set log / its workout log and our home page / its routine read.

The issue's goals (set log >= 10x wger's workout log with p99 <= 50 ms and no errors; home page >= 5x wger's cached
routine read in <= 10 KB) are printed beside the figures for reading; nothing here asserts a timing, and the exit
status says only whether the benchmark could run.

Needs ``wrk`` (Debian: ``apt-get install wrk``) and, for PostgreSQL, psycopg (installed with rugpad).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LUA = Path(__file__).resolve().parent / "http_lua" / "request.lua"
TRIAGE_CASE = ROOT / "examples" / "triage-low-back.json"

GOAL_SETLOG_VS_WGER = 10.0
GOAL_SETLOG_P99_MS = 50.0
GOAL_HOME_VS_WGER = 5.0
GOAL_HOME_BYTES = 10 * 1024


class BenchError(Exception):
    """The benchmark cannot run (not a slow result: those are only printed)."""


class Interrupted(Exception):
    """SIGTERM or SIGHUP: unwind like Ctrl+C so that the clean-up runs."""


# --- the endpoints -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One request shape that wrk repeats."""

    name: str
    label: str
    base_url: str
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""  # "{{KEY}}" becomes a new UUID per request


@dataclass
class Run:
    """What one wrk run measured."""

    target: str
    round: int
    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    errors: int  # socket errors + timeouts + responses outside 2xx
    statuses: dict[str, int]
    body_bytes: float  # mean body size of a response

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


# --- small HTTP client (stdlib only; the script runs under any Python that has rugpad installed) ---------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Client:
    """A browser-like session: cookies kept, redirects not followed (a 302 to /login/ must show, not vanish)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())

    def cookie(self, name: str) -> str:
        return next((c.value or "" for c in self.jar if c.name == name), "")

    def request(
        self, method: str, path: str, data: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        request = urllib.request.Request(self.base_url + path, data=data, method=method, headers=headers or {})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:  # 3xx (not followed), 4xx, 5xx
            return error.code, dict(error.headers), error.read()

    def form_post(self, path: str, fields: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        self.request("GET", path)  # sets the csrftoken cookie
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": self.cookie("csrftoken"), **fields}).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Referer": self.base_url + path}
        return self.request("POST", path, data, headers)

    def login(self, username: str, password: str) -> None:
        status, headers, _body = self.form_post("/login/", {"username": username, "password": password})
        if status != 302 or "/login/" in headers.get("Location", "/login/"):
            raise BenchError(f"could not sign in as {username!r} (status {status})")

    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


# --- processes and clean-up -------------------------------------------------------------------------------------


def rugpad_command() -> list[str]:
    """The `rugpad` console script beside this interpreter, else the project's venv."""
    for candidate in (Path(sys.executable).parent / "rugpad", ROOT / ".venv" / "bin" / "rugpad"):
        if candidate.exists():
            return [str(candidate)]
    raise BenchError("no `rugpad` command: run scripts/setup (or use the project's .venv/bin/python)")


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"the server exited ({process.returncode}):\n{tail(log)}")
        with suppress(OSError), urllib.request.urlopen(url, timeout=2) as response:
            if response.status == 200:
                return
        time.sleep(0.2)
    raise BenchError(f"the server did not answer {url} within {seconds:.0f} s:\n{tail(log)}")


def tail(path: Path, lines: int = 20) -> str:
    with suppress(OSError):
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    return ""


def stop_process_group(process: subprocess.Popen[bytes]) -> None:
    """Stops gunicorn's master and its workers (they share the process group the server was started in)."""
    if process.poll() is not None:
        return
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


@contextmanager
def signals_unwind() -> Iterator[None]:
    """SIGTERM and SIGHUP raise, so that every `finally` below runs as it does for Ctrl+C."""

    def raise_interrupted(signum: int, _frame: object) -> None:
        raise Interrupted(signal.Signals(signum).name)

    previous = {sig: signal.signal(sig, raise_interrupted) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextmanager
def fresh_database(database_url: str | None) -> Iterator[str | None]:
    """None for SQLite in the data folder; for PostgreSQL a new empty database on that server, dropped after."""
    if not database_url:
        yield None
        return
    parts = urllib.parse.urlsplit(database_url)
    if not parts.scheme.startswith("postgres"):
        raise BenchError("--database-url: only postgres:// URLs (SQLite is the default)")
    import psycopg

    name = f"rugpad_bench_{secrets.token_hex(4)}"
    admin_url = database_url
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    print(f"created PostgreSQL database {name} on {parts.hostname}:{parts.port or 5432}")
    try:
        yield urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        print(f"dropped PostgreSQL database {name}")


@contextmanager
def rugpad_server(args: argparse.Namespace, data_dir: Path, database_url: str | None) -> Iterator[dict[str, Any]]:
    """Prepares the demo practice in `data_dir` and serves it; yields the demo logins; stops it afterwards."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "RUGPAD_DEBUG", "DJANGO_SETTINGS_MODULE")}
    env["RUGPAD_DATA_DIR"] = str(data_dir)
    if database_url:
        env["DATABASE_URL"] = database_url
    command = rugpad_command()
    print(f"preparing the demo practice in {data_dir} ...", flush=True)
    prepared = subprocess.run(
        [*command, "serve", "--demo", "--prepare-only"], env=env, capture_output=True, text=True, timeout=600
    )
    if prepared.returncode != 0:
        raise BenchError(f"`rugpad serve --demo --prepare-only` failed:\n{prepared.stdout}{prepared.stderr}")
    logins = parse_logins(prepared.stdout)
    if not port_is_free(args.port):
        raise BenchError(f"port {args.port} is taken (--port)")
    log = data_dir / "serve.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [*command, "serve", "--host", "127.0.0.1", "--port", str(args.port), "--workers", str(args.workers)],
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: Ctrl+C reaches us, and we stop master and workers
        )
    try:
        wait_until_up(f"http://127.0.0.1:{args.port}/health/", process, log)
        print(f"serving on 127.0.0.1:{args.port} with {args.workers} sync workers (pid {process.pid})", flush=True)
        yield logins
    finally:
        stop_process_group(process)
        if process.returncode not in (0, -signal.SIGTERM):
            print(f"note: the server ended with status {process.returncode}; its log:\n{tail(log)}")


def parse_logins(output: str) -> dict[str, Any]:
    found = {
        key: re.search(rf"^\s*{label}:\s*(.+)$", output, re.M)
        for key, label in (("clinicians", "clinicians"), ("patients", "patients"), ("password", r"password \(all\)"))
    }
    if not all(found.values()):
        raise BenchError(f"could not read the demo logins from:\n{output}")
    return {
        "clinicians": [n.strip() for n in found["clinicians"].group(1).split(",")],  # type: ignore[union-attr]
        "patients": [n.strip() for n in found["patients"].group(1).split(",")],  # type: ignore[union-attr]
        "password": found["password"].group(1).strip(),  # type: ignore[union-attr]
    }


# --- signing in and building the requests ----------------------------------------------------------------------


def patient_with_session(
    base_url: str, logins: dict[str, Any], wanted: str | None
) -> tuple[Client, str, dict[str, Any]]:
    """The first demo patient (or `wanted`) whose guided session offers an exercise: client, owner id, exercise."""
    names = [wanted] if wanted else logins["patients"]
    for name in names:
        client = Client(base_url)
        client.login(name, logins["password"])
        status, _headers, body = client.request("GET", "/plans/session/?all=1")
        page = body.decode("utf-8", "replace")
        exercises_json = re.search(r'<script id="session-exercises" type="application/json">(.*?)</script>', page, re.S)
        owner = re.search(r'data-queue-owner="(\d+)"', page)
        if status == 200 and exercises_json and owner:
            exercises = json.loads(exercises_json.group(1))
            if exercises:
                print(f"patient: {name} (user {owner.group(1)})")
                return client, owner.group(1), exercises[0]
    raise BenchError(f"no demo patient among {names} has a guided session with exercises (its gate may be shut)")


def set_log_body(owner: str, exercise: dict[str, Any]) -> str:
    """One result as session.js posts it after "Save and continue" (see plans/static/plans/session.js, entry())."""
    kind = exercise.get("kind")
    now = datetime.now(UTC).replace(microsecond=0)
    entry = {
        "key": "{{KEY}}",
        "session_key": "00000000-0000-4000-8000-" + secrets.token_hex(6),
        "item_id": exercise.get("item_id"),
        "exercise_id": exercise["exercise_id"],
        "sets_done": exercise.get("sets") or 1,
        "reps_done": None if kind == "duration" else exercise.get("repetitions") or 1,
        "hold_seconds": exercise.get("hold_seconds") if kind == "hold" else None,
        "minutes": exercise.get("minutes") if kind == "duration" else None,
        "settled_since_last": True,
        "started_at": now.isoformat().replace("+00:00", "Z"),
        "done_at": now.isoformat().replace("+00:00", "Z"),
        "owner": int(owner),
        "skipped": False,
        "pain_during": 2,
        "effort": "ok",
    }
    return json.dumps(entry, separators=(",", ":"))


def clinician_token(base_url: str, logins: dict[str, Any]) -> str:
    client = Client(base_url)
    client.login(logins["clinicians"][0], logins["password"])
    status, _headers, body = client.form_post("/account/tokens/", {"name": "bench_http", "days": "1"})
    token = re.search(r'id="new-token"[^>]*\svalue="([^"]+)"', body.decode("utf-8", "replace"))
    if status != 200 or not token:
        raise BenchError(f"could not create an API token on /account/tokens/ (status {status})")
    return token.group(1)


def rugpad_targets(base_url: str, logins: dict[str, Any], args: argparse.Namespace) -> list[Target]:
    patient, owner, exercise = patient_with_session(base_url, logins, args.patient)
    print(f"set log: {exercise['exercise_id']} (plan item {exercise.get('item_id')}), a new key per request")
    cookies = patient.cookie_header()
    json_post = {"Content-Type": "application/json"}
    token = clinician_token(base_url, logins)
    return [
        Target("health", "GET /health/", base_url, "GET", "/health/"),
        Target(
            "setlog",
            "POST /plans/session/log/",
            base_url,
            "POST",
            "/plans/session/log/",
            {**json_post, "Cookie": cookies, "X-CSRFToken": patient.cookie("csrftoken")},
            set_log_body(owner, exercise),
        ),
        Target("home", "GET /me/", base_url, "GET", "/me/", {"Cookie": cookies}),
        Target(
            "triage",
            "POST /api/triage",
            base_url,
            "POST",
            "/api/triage",
            {**json_post, "Authorization": f"Bearer {token}"},
            json.dumps(json.loads(TRIAGE_CASE.read_text(encoding="utf-8")), separators=(",", ":")),
        ),
    ]


def wger_targets(args: argparse.Namespace) -> list[Target]:
    """wger's workout-log POST and cached routine read, for a routine that has at least one exercise."""
    base_url = args.wger.rstrip("/")
    auth = {"Authorization": f"Token {args.wger_token}"}
    structure_path = f"/api/v2/routine/{args.wger_routine}/structure/"
    status, _headers, body = Client(base_url).request("GET", structure_path, headers=auth)
    if status != 200:
        raise BenchError(f"wger: GET {structure_path} answered {status}")
    entries = [
        entry
        for day in json.loads(body).get("days", [])
        for slot in day.get("slots", [])
        for entry in slot.get("entries", [])
        if entry.get("exercise")
    ]
    if not entries:
        raise BenchError(f"wger: routine {args.wger_routine} has no exercise (add a day, a slot and an entry)")
    log = {
        "routine": int(args.wger_routine),
        "slot_entry": entries[0]["id"],
        "exercise": entries[0]["exercise"],
        "iteration": 1,
        "repetitions": 10,
        "repetitions_unit": 1,
        "weight": 50,
        "weight_unit": 1,
        "rir": 2,
        "date": datetime.now(UTC).replace(microsecond=0).isoformat(),
    }
    return [
        Target(
            "wger_log",
            "wger POST /api/v2/workoutlog/",
            base_url,
            "POST",
            "/api/v2/workoutlog/",
            {**auth, "Content-Type": "application/json"},
            json.dumps(log, separators=(",", ":")),
        ),
        Target("wger_read", f"wger GET {structure_path}", base_url, "GET", structure_path, auth),
    ]


# --- wrk ----------------------------------------------------------------------------------------------------------


def run_wrk(target: Target, seconds: float, args: argparse.Namespace) -> dict[str, Any]:
    env = {
        **os.environ,
        "BENCH_METHOD": target.method,
        "BENCH_PATH": target.path,
        "BENCH_HEADERS": "\n".join(f"{k}: {v}" for k, v in target.headers.items()),
        "BENCH_BODY": target.body,
        "BENCH_NONCE": secrets.token_hex(4),
    }
    threads = max(1, min(args.threads, args.connections))
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{args.connections}",
        f"-d{seconds:g}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA),
        target.base_url + "/",
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=seconds + 60)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("BENCH_JSON ")), None)
    if done.returncode != 0 or line is None:
        raise BenchError(f"wrk failed on {target.label}:\n{done.stdout}{done.stderr}")
    result: dict[str, Any] = json.loads(line.removeprefix("BENCH_JSON "))
    return result


def measure(target: Target, round_number: int, args: argparse.Namespace) -> Run:
    if args.warmup > 0:
        run_wrk(target, args.warmup, args)
    raw = run_wrk(target, args.duration, args)
    return Run(
        target=target.name,
        round=round_number,
        requests=raw["requests"],
        seconds=raw["seconds"],
        p50_ms=raw["p50_us"] / 1000,
        p90_ms=raw["p90_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        max_ms=raw["max_us"] / 1000,
        errors=raw["socket_errors"] + raw["timeouts"] + raw["non2xx"],
        statuses=raw["statuses"],
        body_bytes=raw["body_bytes"] / raw["responses"] if raw["responses"] else 0.0,
    )


def check_once(target: Target) -> None:
    """One request before timing: the benchmark must measure answers, not refusals."""
    body = target.body.replace("{{KEY}}", "00000000-0000-4000-8000-" + secrets.token_hex(6)).encode() or None
    status, _headers, content = Client(target.base_url).request(target.method, target.path, body, target.headers)
    if not 200 <= status < 300:
        raise BenchError(f"{target.label} answered {status} before timing: {content[:300]!r}")


# --- the report ---------------------------------------------------------------------------------------------------


ORDER = ["health", "setlog", "wger_log", "home", "wger_read", "triage"]
"""Each wger run sits beside its rugpad counterpart."""


def order_for(targets: list[Target], round_number: int) -> list[Target]:
    """The endpoints of one round: rugpad and wger alternate, and every other round runs backwards."""
    order = sorted(targets, key=lambda t: ORDER.index(t.name))
    return order if round_number % 2 else list(reversed(order))


def print_runs(runs: list[Run], labels: dict[str, str]) -> None:
    print(
        f"{'round':>5}  {'endpoint':<40} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'bytes':>7}  statuses"
    )
    for run in runs:
        statuses = ", ".join(f"{code}: {count}" for code, count in sorted(run.statuses.items()))
        print(
            f"{run.round:>5}  {labels[run.target]:<40} {run.rps:>8.1f} {run.p50_ms:>8.1f} {run.p99_ms:>8.1f} "
            f"{run.errors:>7} {run.body_bytes:>7.0f}  {statuses}"
        )


def summarise(runs: list[Run], targets: list[Target]) -> dict[str, dict[str, float]]:
    """Per endpoint over the rounds: mean req/s, mean p50, worst p99, all errors, mean bytes, and the ratios of
    each round (to /health/ and to wger's counterpart) averaged."""
    by_round: dict[int, dict[str, Run]] = {}
    for run in runs:
        by_round.setdefault(run.round, {})[run.target] = run
    summary: dict[str, dict[str, float]] = {}
    for target in targets:
        mine = [r for r in runs if r.target == target.name]
        if not mine:
            continue
        row = {
            "rps": statistics.mean(r.rps for r in mine),
            "p50_ms": statistics.mean(r.p50_ms for r in mine),
            "p99_ms": max(r.p99_ms for r in mine),
            "errors": float(sum(r.errors for r in mine)),
            "bytes": statistics.mean(r.body_bytes for r in mine),
        }
        if not target.name.startswith("wger_"):
            ratios = [rnd[target.name].rps / rnd["health"].rps for rnd in by_round.values() if rnd.get("health")]
            if ratios:
                row["vs_health"] = statistics.mean(ratios)
        peer = {"setlog": "wger_log", "home": "wger_read"}.get(target.name)
        if peer:
            ratios = [rnd[target.name].rps / rnd[peer].rps for rnd in by_round.values() if rnd.get(peer)]
            if ratios:
                row["vs_wger"] = statistics.mean(ratios)
        summary[target.name] = row
    return summary


def print_summary(summary: dict[str, dict[str, float]], labels: dict[str, str]) -> None:
    print(
        f"{'endpoint':<40} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'bytes':>7} "
        f"{'/health':>8} {'/wger':>7}"
    )
    for name, row in summary.items():
        vs_health = f"{row['vs_health']:.3f}" if "vs_health" in row else "-"
        vs_wger = f"{row['vs_wger']:.2f}x" if "vs_wger" in row else "-"
        print(
            f"{labels[name]:<40} {row['rps']:>8.1f} {row['p50_ms']:>8.1f} {row['p99_ms']:>8.1f} "
            f"{row['errors']:>7.0f} {row['bytes']:>7.0f} {vs_health:>8} {vs_wger:>7}"
        )
    print("(req/s and p50: mean over the rounds; p99: the worst round; ratios: per round, then averaged)")


def print_goals(summary: dict[str, dict[str, float]]) -> None:
    """The issue's goals beside the figures, for reading (never asserted)."""
    setlog, home = summary.get("setlog"), summary.get("home")
    lines = []
    if setlog:
        vs = f"{setlog['vs_wger']:.2f}x wger's workout log" if "vs_wger" in setlog else "no wger run (--wger)"
        lines.append(
            f"set log:   {vs} (goal >= {GOAL_SETLOG_VS_WGER:g}x), p99 {setlog['p99_ms']:.1f} ms "
            f"(goal <= {GOAL_SETLOG_P99_MS:g}), errors {setlog['errors']:.0f} (goal 0)"
        )
    if home:
        vs = f"{home['vs_wger']:.2f}x wger's cached routine read" if "vs_wger" in home else "no wger run (--wger)"
        lines.append(
            f"home page: {vs} (goal >= {GOAL_HOME_VS_WGER:g}x), {home['bytes']:.0f} bytes (goal <= {GOAL_HOME_BYTES})"
        )
    if lines:
        print("goals (issue 10; read, not asserted):")
        for line in lines:
            print("  " + line)


def describe_setup(args: argparse.Namespace, database: str) -> dict[str, Any]:
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True, text=True, check=False
    ).stdout.strip()
    wrk_version = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    wrk_lines = (wrk_version.stdout + wrk_version.stderr).splitlines()
    return {
        "commit": commit or "?",
        "database": database,
        "workers": args.workers,
        "connections": args.connections,
        "wrk_threads": max(1, min(args.threads, args.connections)),
        "duration_s": args.duration,
        "warmup_s": args.warmup,
        "rounds": args.rounds,
        "cpus": os.cpu_count(),
        "load_before": os.getloadavg(),
        "wrk": wrk_lines[0] if wrk_lines else "?",
        "wger": args.wger or "",
    }


# --- main ---------------------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        epilog="wrk comes from Debian's packages: apt-get install wrk. Ports: rugpad on --port (8810).",
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds of each timed run (default 10)")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of load before each timed run (default 3)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (default 8)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (default 2, as in production)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds over every endpoint (default 2)")
    parser.add_argument("--port", type=int, default=8810, help="rugpad's port on 127.0.0.1 (default 8810)")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server to run against, e.g. postgres://root@127.0.0.1:5432/postgres: a new database "
        "is created there for the run and dropped after it (default: SQLite in the temporary data folder)",
    )
    parser.add_argument("--patient", help="the demo patient to sign in as (default: the first with a session)")
    parser.add_argument(
        "--only", help="comma-separated endpoints to run: health,setlog,home,triage (health is always run)"
    )
    parser.add_argument("--wger", metavar="URL", help="a running wger to measure alongside, e.g. http://127.0.0.1:8820")
    parser.add_argument("--wger-token", help="that wger user's API token (Authorization: Token ...)")
    parser.add_argument("--wger-routine", type=int, help="that user's routine id (with at least one exercise)")
    parser.add_argument("--json", type=Path, help="also write every run and the summary to this file")
    parser.add_argument("--keep-data", action="store_true", help="keep the temporary data folder (its path is printed)")
    args = parser.parse_args(argv)
    if args.wger and not (args.wger_token and args.wger_routine):
        parser.error("--wger needs --wger-token and --wger-routine")
    if min(args.duration, args.connections, args.workers, args.rounds) <= 0 or args.warmup < 0:
        parser.error("--duration, --connections, --workers and --rounds must be positive, --warmup not negative")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install wrk (Debian's package)", file=sys.stderr)
        return 2
    data_dir = Path(tempfile.mkdtemp(prefix="rugpad-bench-http-"))
    try:
        with signals_unwind(), fresh_database(args.database_url) as database_url:
            setup = describe_setup(args, "PostgreSQL" if database_url else "SQLite")
            with rugpad_server(args, data_dir, database_url) as logins:
                return bench(args, logins, setup)
    except BenchError as error:
        print(f"bench_http: {error}", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, Interrupted):
        print("\ninterrupted: server stopped, temporary data removed", file=sys.stderr)
        return 130
    finally:
        if args.keep_data:
            print(f"data kept in {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


def bench(args: argparse.Namespace, logins: dict[str, Any], setup: dict[str, Any]) -> int:
    base_url = f"http://127.0.0.1:{args.port}"
    targets = rugpad_targets(base_url, logins, args)
    if args.only:
        wanted = {"health", *(name.strip() for name in args.only.split(","))}
        targets = [t for t in targets if t.name in wanted]
    if args.wger:
        targets += wger_targets(args)
    for target in targets:
        check_once(target)
    labels = {t.name: t.label for t in targets}
    per_round = len(targets) * (args.warmup + args.duration)
    print(
        f"{len(targets)} endpoints x {args.rounds} rounds x ({args.warmup:g} s warm-up + {args.duration:g} s) "
        f"= about {per_round * args.rounds / 60:.1f} min; {args.connections} connections, "
        f"{args.workers} workers, {setup['database']}, commit {setup['commit']}",
        flush=True,
    )
    runs: list[Run] = []
    for round_number in range(1, args.rounds + 1):
        for target in order_for(targets, round_number):
            run = measure(target, round_number, args)
            runs.append(run)
            print(
                f"  round {round_number}: {target.label:<40} {run.rps:8.1f} req/s  p50 {run.p50_ms:6.1f} ms  "
                f"p99 {run.p99_ms:6.1f} ms  errors {run.errors}",
                flush=True,
            )
    setup["load_after"] = os.getloadavg()
    print()
    print_runs(runs, labels)
    print()
    summary = summarise(runs, targets)
    print_summary(summary, labels)
    print()
    print_goals(summary)
    print(
        f"machine: {setup['cpus']} CPUs, load average {setup['load_before'][0]:.2f} before, "
        f"{setup['load_after'][0]:.2f} after; {setup['wrk']}"
    )
    if args.json:
        args.json.write_text(
            json.dumps(
                {"setup": setup, "runs": [vars(r) | {"rps": r.rps} for r in runs], "summary": summary}, indent=2
            ),
            encoding="utf-8",
        )
        print(f"written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
