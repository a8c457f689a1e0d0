"""`rugpad worker`: runs the background-job consumer alone (Huey): questionnaires that fall due, reminders, e-mail.

In the embedded mode (no RUGPAD_REDIS_URL: the queue is the file `jobs.sqlite3` in the data folder) `rugpad serve`
starts one itself. With RUGPAD_REDIS_URL the queue lives in Redis and any number of `rugpad worker`s may run, on
any number of machines: every job is safe to run twice at once (see `rugpad.web.jobs.scheduling`). The worker uses
threads, never forked processes, so no database connection is ever shared. SIGTERM or Ctrl+C stops it after the
jobs it is running."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import threading
import time
from typing import Any


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser("worker", help="run the background-job worker alone")
    parser.add_argument(
        "--threads",
        type=int,
        default=2,
        help="jobs run at the same time, each in a thread of its own (default: 2)",
    )
    parser.add_argument(
        "--no-periodic",
        action="store_true",
        help="do not start the periodic jobs here (another worker does); they are safe to start on every worker",
    )
    # `rugpad serve` starts its worker with its own process id: the worker stops when that process is gone, even
    # if it was killed without a chance to stop it.
    parser.add_argument("--stop-with", type=int, default=None, help=argparse.SUPPRESS)
    parser.set_defaults(run=run)


def _stop_when_gone(pid: int) -> None:
    """Sends this process SIGTERM (a graceful stop) once `pid` is no longer its parent."""

    def watch() -> None:
        while os.getppid() == pid:
            time.sleep(1)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="stop-with-parent", daemon=True).start()


def run(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rugpad.web.settings")
    import django
    from django.core.management import call_command

    django.setup()
    if args.stop_with is not None:
        _stop_when_gone(args.stop_with)
    from django.conf import settings

    # The consumer logs through its own handler on the "huey" logger; the root logger's would print each line twice.
    logging.getLogger("huey").propagate = False
    where = "in Redis" if settings.HUEY.get("url") else settings.HUEY.get("filename")
    print(f"rugpad worker: {args.threads} threads, queue {where} (Ctrl+C stops)", flush=True)
    call_command("run_huey", workers=max(1, args.threads), worker_type="thread", periodic=not args.no_periodic)
    return 0
