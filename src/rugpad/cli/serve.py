"""`rugpad serve [--demo]`: migrate, collect static files, optionally load the demo practice, then serve with
gunicorn (a production-grade WSGI server; WhiteNoise serves the static files).

The settings are `rugpad.web.settings` unless DJANGO_SETTINGS_MODULE names others (in production:
`rugpad.web.settings_production`, which refuses to start without its secrets)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser("serve", help="run the web app")
    parser.add_argument("--demo", action="store_true", help="first load the demo practice and print its logins")
    parser.add_argument("--host", default=os.environ.get("RUGPAD_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("RUGPAD_PORT", "8000")))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("RUGPAD_WORKERS", "2")))
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
    if not demo:
        return None
    from rugpad.web.demo import load_demo

    return load_demo(timezone.localdate())


def release_database_connections() -> None:
    """Closes every database connection this process holds.

    The gunicorn master prepares the database and then forks its workers. A connection still open at the fork
    would be shared by every worker: one worker could read another's query results (a cross-patient mix-up)
    and a stray transaction in the master holds locks. SQLite forbids carrying a connection across fork too.
    So the master closes them before it forks; each worker opens its own on its first request."""
    from django.db import connections

    connections.close_all()


def run(args: argparse.Namespace) -> int:
    logins = prepare(args.demo)
    release_database_connections()
    address = f"http://{args.host}:{args.port}/"
    if logins is not None:
        print(f"rugpad demo practice ready at {address}")
        print(f"  clinicians:     {', '.join(logins['clinicians'])}")
        print(f"  practice admin: {logins['practice_admin']}")
        print(f"  patients:       {', '.join(logins['patients'])}")
        print(f"  password (all): {logins['password']}")
    if args.prepare_only:
        return 0
    print(f"serving rugpad at {address} (Ctrl+C stops)", flush=True)
    _serve(args.host, args.port, args.workers, args.access_log)
    return 0


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
            # One control socket per installation, inside its data folder (the default is shared by every
            # gunicorn of this user: two rugpad instances would control each other).
            self.cfg.set("control_socket", str(Path(settings.DATA_DIR) / "gunicorn.ctl"))
            # Runs in the master before each fork, including workers restarted later: never hand a worker a
            # connection the master may have opened since.
            self.cfg.set("pre_fork", lambda _server, _worker: release_database_connections())

        def load(self) -> Any:
            return application

    Server().run()
