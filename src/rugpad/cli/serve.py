"""`rugpad serve [--demo]`: migrate, collect static files, optionally load the demo practice, then serve with
gunicorn (a production-grade WSGI server; WhiteNoise serves the static files) and, in the embedded mode, run the
background-job worker beside it (`rugpad worker` as a child process, stopped with the server).

The settings are `rugpad.web.settings` unless DJANGO_SETTINGS_MODULE names others (in production:
`rugpad.web.settings_production`, which refuses to start without its secrets)."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser("serve", help="run the web app")
    parser.add_argument("--demo", action="store_true", help="first load the demo practice and print its logins")
    parser.add_argument(
        "--host",
        default=os.environ.get("RUGPAD_HOST", "127.0.0.1"),
        help="address to listen on (default: RUGPAD_HOST or 127.0.0.1, this computer only)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("RUGPAD_PORT", "8000")),
        help="port to listen on (default: RUGPAD_PORT or 8000)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("RUGPAD_WORKERS", "2")),
        help="worker processes (default: RUGPAD_WORKERS or 2)",
    )
    parser.add_argument("--prepare-only", action="store_true", help="migrate (and load the demo) without serving")
    parser.add_argument(
        "--access-log",
        action="store_true",
        help="log every request; off by default because invitation links carry a one-time token in the URL",
    )
    parser.set_defaults(run=run)


def prepare(demo: bool) -> dict[str, Any] | None:
    """Brings the database up to date and, with `demo`, loads the demo practice. Returns the demo logins."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rugpad.web.settings")
    import django
    from django.core.management import call_command
    from django.utils import timezone

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    logins = None
    if demo:
        from rugpad.web.demo import load_demo

        logins = load_demo(timezone.localdate())
    refresh_planner_statistics()
    return logins


def refresh_planner_statistics() -> None:
    """SQLite's query planner guesses until ANALYZE has described the tables and indexes; with a guess it may walk
    a whole practice's open episodes to find one patient's. A sampled ANALYZE (at most 1,000 rows per index) takes
    milliseconds, so every start refreshes it. PostgreSQL's autovacuum keeps its own statistics."""
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA analysis_limit=1000")
            cursor.execute("ANALYZE")


def release_database_connections() -> None:
    """Closes every database connection this process holds.

    The gunicorn master prepares the database and then forks its workers. A connection still open at the fork
    would be shared by every worker: one worker could read another's query results (a cross-patient mix-up)
    and a stray transaction in the master holds locks. SQLite forbids carrying a connection across fork too.
    So the master closes them before it forks; each worker opens its own on its first request."""
    from django.db import connections

    connections.close_all()


def _names(names: list[str], shown: int = 8) -> str:
    more = len(names) - shown
    return ", ".join(names[:shown]) + (f" and {more} more" if more > 0 else "")


def login_lines(logins: dict[str, Any]) -> str:
    """The demo logins as printed: only accounts that sign in with the demo password now (see `demo_logins`)."""
    lines = []
    for label, names in (
        ("clinicians", logins["clinicians"]),
        ("practice admin", [logins["practice_admin"]] if logins["practice_admin"] else []),
        ("patients", logins["patients"]),
        ("participants", logins.get("participants", [])),
    ):
        if names:
            lines.append(f"  {label + ':':<16}{_names(names)}")
    lines.append(f"  {'password (all):':<16}{logins['password']}")
    if logins["own_password"]:
        lines.append(f"  {'own password:':<16}{_names(logins['own_password'])} (changed since the demo was loaded)")
    if logins["invited"]:
        lines.append(f"  {'invited:':<16}{_names(logins['invited'])} (no account yet)")
        lines += textwrap.wrap(
            "To sign in as an invited patient: log in as a clinician, open the patient's page, press \"Nieuwe"
            ' uitnodiging sturen" (Send a new invitation), open the link it shows in a private window and choose'
            " a password.",
            width=100,
            initial_indent=" " * 18,
            subsequent_indent=" " * 18,
        )
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    logins = prepare(args.demo)
    release_database_connections()
    address = f"http://{args.host}:{args.port}/"
    if logins is not None:
        print(f"rugpad demo practice ready at {address}")
        print(login_lines(logins))
    if args.prepare_only:
        return 0
    print(f"serving rugpad at {address} (Ctrl+C stops)", flush=True)
    worker = start_job_worker()
    try:
        _serve(args.host, args.port, args.workers, args.access_log)
    finally:
        stop_job_worker(worker)
    return 0


def start_job_worker() -> subprocess.Popen[bytes] | None:
    """In the embedded mode (the job queue is a file in the data folder) the background jobs run beside the web
    server: `rugpad worker` as a child process, a fresh interpreter (fork and exec), so it shares no database
    connection with this one. With RUGPAD_REDIS_URL the workers are run on their own (`rugpad worker`): None."""
    from django.conf import settings

    if settings.HUEY.get("url"):
        return None
    release_database_connections()
    command = [sys.executable, "-c", "import sys; from rugpad.cli import main; sys.exit(main())"]
    return subprocess.Popen([*command, "worker", "--stop-with", str(os.getpid())], stdin=subprocess.DEVNULL)


def stop_job_worker(worker: subprocess.Popen[bytes] | None, grace: float = 20) -> None:
    """Stops the job worker with the server: SIGTERM lets it finish the job it is running; after `grace` seconds
    it is killed."""
    if worker is None or worker.poll() is not None:
        return
    worker.terminate()
    try:
        worker.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def _serve(host: str, port: int, workers: int, access_log: bool) -> None:
    from gunicorn.app.base import BaseApplication

    from rugpad.web.wsgi import application

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            from django.conf import settings

            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            if access_log:
                self.cfg.set("accesslog", "-")
            self.cfg.set("timeout", 60)
            # Runtime files stay in the data folder. The control socket is gunicorn's only file with a name (the
            # default, $XDG_RUNTIME_DIR or ~/.gunicorn, is shared by every gunicorn of this user: two rugpad
            # instances would control each other). No pid file is written (pidfile stays unset); each worker's
            # heartbeat file is deleted the moment it is created (it lives on as an open descriptor only), so it
            # stays in the system's fast temporary folder: on a disk-backed folder its updates could stall a
            # worker (gunicorn's note on worker_tmp_dir). tests/cli/test_serve_files.py checks all of this.
            self.cfg.set("control_socket", str(Path(settings.DATA_DIR) / "gunicorn.ctl"))
            # Runs in the master before each fork, including workers restarted later: never hand a worker a
            # connection the master may have opened since.
            self.cfg.set("pre_fork", lambda _server, _worker: release_database_connections())

        def load(self) -> Any:
            return application

    warm_up()
    Server().run()


def warm_up() -> None:
    """In the master, before any fork: import every URLconf and view and load the clinical content, so a worker's
    first request costs what its hundredth does (it was about 1 s: lazy imports and content parsing per worker).
    Opens no database connection (and `release_database_connections` runs before each fork regardless)."""
    from django.urls import get_resolver

    from rugpad import engine

    get_resolver().url_patterns  # noqa: B018 — touching it imports every urls module and the views they name
    engine.preload()
