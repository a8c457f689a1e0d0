"""The job that requests due questionnaires, on both real queues, worked by two real `rugpad worker`s at once: the
embedded SqliteHuey (a file in the data folder) and RedisHuey on 127.0.0.1:6379 (a throw-away database number,
flushed before and after). The job is enqueued twice; the two workers take it — whichever gets each copy — and the
patient gets one request per questionnaire and one e-mail.

Redis is required under CI (CI=true): there an unreachable Redis fails the test instead of skipping it."""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.real_server  # starts rugpad's own commands: run beside the other web tests in CI

CLI = [sys.executable, "-c", "import sys; from rugpad.cli import main; sys.exit(main())"]
REDIS_DB = 13
"""The Redis database number these tests own: flushed before and after."""
REDIS_URL = f"redis://127.0.0.1:6379/{REDIS_DB}"
DEADLINE = 120.0
"""Seconds to wait for the workers (a bound against hanging, not a timed assertion)."""

SETUP = """
import datetime as dt
import django
django.setup()
from django.core.management import call_command
from django.utils import timezone
call_command("migrate", interactive=False, verbosity=0)
from rugpad.web.care import actions
from rugpad.web.demo import as_user
from rugpad.web.practice.models import Practice, Role, User
practice = Practice.objects.create(name="Queue practice")
clinician = User.objects.create_user("clin", password="pw-123456789", practice=practice, role=Role.CLINICIAN)
patient_user = User.objects.create_user(
    "pat", password="pw-123456789", practice=practice, role=Role.PATIENT, email="pat@example.org"
)
request = as_user(clinician)
patient = actions.do_create_patient(
    request, first_name="Pat", last_name="Queue", date_of_birth=dt.date(1980, 1, 1), sex="female"
)
patient.user = patient_user
patient.save()
today = timezone.localdate()
episode = actions.do_open_episode(request, patient, region="low_back", started_on=today, onset_on=today)
actions.do_save_screening(request, episode, [], notes="")
"""
"""A practice with one patient (with an e-mail address) whose episode starts today: its intake questionnaires are
due now."""

ENQUEUE_TWICE = """
import django
django.setup()
from rugpad.web.jobs.tasks import request_due_questionnaires
request_due_questionnaires()
request_due_questionnaires()
"""


def _redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.RedisError as error:
        reason = f"Redis is not reachable on 127.0.0.1:6379 ({error})"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI must run the Redis queue tests")
        pytest.skip(f"{reason}; the Redis queue is tested where Redis runs (and always under CI)")


@contextlib.contextmanager
def _flushed_redis() -> Iterator[None]:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    try:
        yield
    finally:
        client.flushdb()
        client.close()


@pytest.fixture(params=["sqlite", "redis"])
def environment(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "RUGPAD_REDIS_URL")
    }
    env.update(RUGPAD_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="rugpad.web.settings")
    if request.param == "sqlite":
        yield env
        assert (tmp_path / "jobs.sqlite3").is_file()  # the queue really was the file in the data folder
        return
    _redis_or_skip()
    env["RUGPAD_REDIS_URL"] = REDIS_URL
    with _flushed_redis():
        yield env


def _executed(logs: list[Path]) -> int:
    pattern = re.compile(r"rugpad\.web\.jobs\.tasks\.request_due_questionnaires: \S+ executed in")
    return sum(len(pattern.findall(log.read_text(errors="replace"))) for log in logs if log.exists())


def test_a_due_questionnaire_is_requested_and_mailed_once_with_two_workers(
    environment: dict[str, str], tmp_path: Path
) -> None:
    subprocess.run([sys.executable, "-c", SETUP], env=environment, check=True, stdin=subprocess.DEVNULL)
    logs = [tmp_path / f"worker-{n}.log" for n in (1, 2)]
    workers = []
    for log in logs:
        with log.open("w") as out:
            workers.append(
                subprocess.Popen(
                    [*CLI, "worker", "--threads", "2"],
                    env=environment,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                )
            )
    try:
        subprocess.run([sys.executable, "-c", ENQUEUE_TWICE], env=environment, check=True, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + DEADLINE
        while _executed(logs) < 2 and time.monotonic() < deadline:
            assert all(w.poll() is None for w in workers), [log.read_text() for log in logs]
            time.sleep(0.2)
        assert _executed(logs) >= 2, [log.read_text() for log in logs]
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=60)
    with contextlib.closing(sqlite3.connect(tmp_path / "rugpad.sqlite3")) as database:
        requested = database.execute(
            "SELECT moment, instrument FROM care_instrumentresponse WHERE status = 'requested' ORDER BY instrument"
        ).fetchall()
        deliveries = database.execute("SELECT key, channel FROM jobs_delivery").fetchall()
    assert requested == [("intake", "nprs"), ("intake", "odi"), ("intake", "psk")]
    assert len(deliveries) == 1 and deliveries[0][1] == "email"
    mails = sum(log.read_text(errors="replace").count("To: pat@example.org") for log in logs)
    assert mails == 1
    assert all(worker.returncode == 0 for worker in workers)  # SIGTERM: a clean stop
