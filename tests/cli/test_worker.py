"""`rugpad serve` runs the background-job worker beside the web server in the embedded (SQLite queue) mode and stops
it with the server — also when the server is killed without warning; with a Redis queue it leaves the workers to
`rugpad worker`. (The worker's jobs on both real queues: tests/web/test_jobs_queues.py.)"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from tests.cli.test_serve_files import CLI, STARTUP_LIMIT, _answers, _free_port
from tests.web.realserver import migrated_sqlite

STOP_LIMIT = 60.0
"""A bound against a process that never stops, not a measurement."""


def _state(pid: int) -> str | None:
    """The process's state letter (R, S, Z, …), None once it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None


def _alive(pid: int) -> bool:
    return _state(pid) not in (None, "Z", "X")


def _job_workers_of(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except (OSError, IndexError, ValueError):
            continue
        if ppid == parent and b"worker" in command and b"--stop-with" in command:
            found.append(int(entry.name))
    return found


def _wait_until(condition: Any, limit: float, message: str) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, message
        time.sleep(0.2)


@contextmanager
def _server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], int]]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "RUGPAD_REDIS_URL")
    }
    env.update(RUGPAD_DATA_DIR=str(tmp_path / "data"))
    migrated_sqlite(tmp_path / "data")
    port = _free_port()
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [*CLI, "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    try:
        _wait_until(lambda: _answers(f"http://127.0.0.1:{port}/health/"), STARTUP_LIMIT, "the server did not answer")
        _wait_until(lambda: _job_workers_of(server.pid), STARTUP_LIMIT, "no job worker was started")
        [worker] = _job_workers_of(server.pid)
        yield server, worker
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=STOP_LIMIT)
        if _group_alive(server.pid):  # a gunicorn worker or job worker left behind: not on this machine's bill
            os.killpg(server.pid, signal.SIGKILL)
        log.close()


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def test_serve_starts_one_job_worker_and_stops_it_with_the_server(tmp_path: Path) -> None:
    with _server(tmp_path) as (server, worker):
        assert _alive(worker)
        assert (tmp_path / "data" / "jobs.sqlite3").is_file()  # the embedded queue, in the data folder
        server.send_signal(signal.SIGTERM)  # the server alone: it must stop its worker itself
        server.wait(timeout=STOP_LIMIT)
        assert not _alive(worker), (tmp_path / "serve.log").read_text()


def test_the_job_worker_stops_by_itself_when_the_server_is_killed(tmp_path: Path) -> None:
    with _server(tmp_path) as (server, worker):
        server.send_signal(signal.SIGKILL)  # no chance to stop anything
        server.wait(timeout=STOP_LIMIT)
        _wait_until(lambda: not _alive(worker), STOP_LIMIT, "the job worker outlived its server")


def test_with_a_redis_queue_serve_leaves_the_workers_to_rugpad_worker(settings: Any) -> None:
    from rugpad.cli.serve import start_job_worker

    settings.HUEY = {"name": "rugpad", "huey_class": "huey.RedisHuey", "url": "redis://127.0.0.1:6379/13"}
    assert start_job_worker() is None


def test_rugpad_worker_is_a_command() -> None:
    done = subprocess.run([*CLI, "worker", "--help"], capture_output=True, text=True, check=True)
    assert "--threads" in done.stdout and "--no-periodic" in done.stdout and "--stop-with" not in done.stdout


@pytest.fixture(autouse=True)
def _linux_only() -> None:
    if not Path("/proc/self/stat").exists():
        pytest.skip("reads the process table from /proc (Linux)")
