"""The real server (`rugpad serve`: gunicorn master + forked workers) under a burst from several users at once.

The master migrates and loads the demo before it forks. A database connection it kept open would be shared by
every worker: one request could receive another's query results. These tests start the real command in a
throw-away data folder (and, on the PostgreSQL run, a throw-away database), sign in five demo users, send them
all requests in parallel and check that every answer is whole and belongs to the user who asked."""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from rugpad.web.demo import DEMO_PASSWORD

pytestmark = pytest.mark.real_server  # starts rugpad's own commands: run beside the other web tests in CI

USERS = ("emma", "lotte", "sanne", "anna", "pieter")
ROUNDS = 40  # requests per user in the burst: 200 in all, as in the report that found the defect
POSTGRES_PORT = 5432


@dataclass
class Server:
    base: str
    master_pid: int
    sqlite_file: Path | None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def _throwaway_postgres_database(url: str) -> Iterator[str]:
    import psycopg

    name = f"rugpad_serve_{uuid.uuid4().hex[:12]}"
    parts = urllib.parse.urlsplit(url)
    admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def _database_for_server() -> Iterator[str | None]:
    """None for SQLite in the data folder; on the PostgreSQL run a fresh database of its own."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        yield None
        return
    with _throwaway_postgres_database(url) as own:
        yield own


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("serve")
    port = _free_port()
    with _database_for_server() as database_url:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
        env.update(RUGPAD_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="rugpad.web.settings")
        if database_url:
            env["DATABASE_URL"] = database_url
        log = (data_dir / "server.log").open("w")
        process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import sys; from rugpad.cli import main; sys.exit(main())",
                "serve",
                "--demo",
                "--port",
                str(port),
                "--workers",
                "2",
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_serving(base, process, data_dir / "server.log")
            yield Server(base, process.pid, None if database_url else data_dir / "rugpad.sqlite3")
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()


def _wait_until_serving(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"rugpad serve stopped with exit code {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{base}/login/", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.25)
    pytest.fail(f"rugpad serve did not answer within 120 s:\n{log.read_text()}")


def _signed_in(base: str, username: str) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base}/login/", timeout=30) as response:
        form = response.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    assert token, "the login page carries a CSRF token"
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token.group(1), "username": username, "password": DEMO_PASSWORD}
    ).encode()
    request = urllib.request.Request(f"{base}/login/", data=body, headers={"Referer": f"{base}/login/"})
    with opener.open(request, timeout=30) as response:
        assert "/login/" not in response.url, f"{username} could not sign in"
    return opener


def _whose_page(opener: urllib.request.OpenerDirector, base: str) -> tuple[int, str]:
    """The status of the home page and the user it says is signed in (the log-out button names them)."""
    try:
        with opener.open(f"{base}/", timeout=60) as response:
            page = response.read().decode()
            status = response.status
    except urllib.error.HTTPError as error:
        return error.code, ""
    signed_in = re.findall(r"\(([a-z]+)\)\s*</button>", page)
    return status, ",".join(signed_in)


def _open_database_handles(pid: int, sqlite_file: Path | None) -> list[str]:
    """What of the database the process `pid` holds open: the SQLite file, or TCP sockets to PostgreSQL."""
    fd_dir = Path(f"/proc/{pid}/fd")
    targets = []
    for fd in fd_dir.iterdir():
        with contextlib.suppress(OSError):  # a descriptor may close while we look
            targets.append(os.readlink(fd))
    if sqlite_file is not None:
        return [t for t in targets if t.startswith(str(sqlite_file))]
    inodes = {t[len("socket:[") : -1] for t in targets if t.startswith("socket:[")}
    held = []
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            remote_port = int(fields[2].rsplit(":", 1)[1], 16)
            if remote_port == POSTGRES_PORT and fields[9] in inodes:
                held.append(f"{table} {fields[2]}")
    return held


def test_the_master_holds_no_database_connection_when_it_forks(server: Server) -> None:
    assert _open_database_handles(server.master_pid, server.sqlite_file) == []


def test_a_burst_from_five_users_at_once_gets_every_answer_right_and_for_its_own_user(server: Server) -> None:
    openers = {username: _signed_in(server.base, username) for username in USERS}
    jobs = [username for _ in range(ROUNDS) for username in USERS]
    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(lambda username: (username, *_whose_page(openers[username], server.base)), jobs))

    errors = [(username, status) for username, status, _ in answers if status != 200]
    mixed_up = [(username, shown) for username, status, shown in answers if status == 200 and shown != username]
    assert errors == [], f"{len(errors)} of {len(answers)} requests failed: {errors[:5]}"
    assert mixed_up == [], f"pages shown to the wrong user: {mixed_up[:5]}"
    # Nobody was signed out by the burst: every session still answers as its own user.
    for username, opener in openers.items():
        assert _whose_page(opener, server.base) == (200, username)
    assert _open_database_handles(server.master_pid, server.sqlite_file) == []


def test_static_files_are_served_compressed_under_hashed_names_and_cached_for_ever(server: Server) -> None:
    """Issue 10, item 4: the production storage (collected at start by `rugpad serve`), not the finders."""
    with urllib.request.urlopen(f"{server.base}/login/", timeout=10) as page:
        html = page.read().decode()
    stylesheet = re.search(r'href="(/static/rugpad/rugpad\.[0-9a-f]{12}\.css)"', html)
    assert stylesheet, "the page links the stylesheet by its content-hashed name"
    request = urllib.request.Request(server.base + stylesheet.group(1), headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=10) as css:
        assert css.headers["Content-Encoding"] == "gzip"
        cache = css.headers["Cache-Control"]
    assert "immutable" in cache and int(re.search(r"max-age=(\d+)", cache).group(1)) >= 365 * 24 * 3600  # type: ignore[union-attr]
