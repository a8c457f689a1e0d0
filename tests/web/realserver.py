"""The real server for tests and benchmarks: `rugpad serve` (gunicorn master + forked workers) on a copy of the demo
practice, signed-in clients that speak HTTP to it, and a direct look at the database it wrote.

The demo is prepared once per process (`rugpad serve --demo --prepare-only`, ~9 s) and copied for every server
(a file copy on SQLite, `CREATE DATABASE … TEMPLATE` on PostgreSQL), so a fresh server starts in about a second.
PostgreSQL is used when DATABASE_URL is set (the CI run); each server then gets a throw-away database of its own.
"""

from __future__ import annotations

import atexit
import contextlib
import http.client
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PATIENTS_WITH_A_PLAN = ("emma", "lotte", "sanne")
"""The demo patients with a login and a treatment plan: they can write a diary and log a guided session."""

DEMO_PASSWORD = "rugpad-demo"
"""`rugpad.web.demo.DEMO_PASSWORD`, repeated so that the benchmark can sign in without loading Django."""

CLI = [sys.executable, "-c", "import sys; from rugpad.cli import main; sys.exit(main())"]
SQLITE_NAME = "rugpad.sqlite3"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- the database a server writes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Database:
    """Where a server's data lives: the SQLite file in its data folder, or a PostgreSQL database (its URL)."""

    data_dir: Path
    postgres_url: str | None = None

    @property
    def sqlite_file(self) -> Path:
        return self.data_dir / SQLITE_NAME

    def env(self) -> dict[str, str]:
        """The environment for a `rugpad` command that works on this database (and no other)."""
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
        env.update(RUGPAD_DATA_DIR=str(self.data_dir), DJANGO_SETTINGS_MODULE="rugpad.web.settings")
        if self.postgres_url:
            env["DATABASE_URL"] = self.postgres_url
        return env

    @contextlib.contextmanager
    def connect(self) -> Iterator[Any]:
        """A DB-API connection of its own (never the server's), closed afterwards."""
        if self.postgres_url:
            import psycopg

            with psycopg.connect(self.postgres_url, autocommit=True) as connection:
                yield connection
        else:
            connection = sqlite3.connect(self.sqlite_file, timeout=30)
            try:
                yield connection
            finally:
                connection.close()

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        if self.postgres_url:
            sql = sql.replace("?", "%s")
        with self.connect() as connection:
            return list(connection.execute(sql, params).fetchall())

    def execute(self, *statements: str) -> None:
        """Writes behind the application's back (committed)."""
        with self.connect() as connection:
            for statement in statements:
                connection.execute(statement)
            connection.commit()

    def integrity_problems(self) -> list[str]:
        """SQLite's `PRAGMA integrity_check` (empty when it answers "ok"). PostgreSQL survives a killed client on
        its own; there we check that no transaction of the killed server was left open holding locks."""
        if not self.postgres_url:
            answer = [str(row[0]) for row in self.rows("PRAGMA integrity_check")]
            return [] if answer == ["ok"] else answer
        name = urllib.parse.urlsplit(self.postgres_url).path.lstrip("/")
        stuck = self.rows(
            "SELECT pid, state FROM pg_stat_activity WHERE datname = ? AND state LIKE 'idle in transaction%%'",
            (name,),
        )
        return [f"backend {pid} {state}" for pid, state in stuck]

    def fingerprints(self) -> dict[str, tuple[int, str]]:
        """Every table (and, on PostgreSQL, every sequence) → (row count, SHA-256 of its sorted rows).

        Written independently of `rugpad backup` on purpose: the round-trip tests must not trust the code they
        test to say whether two databases are the same."""
        import hashlib

        result: dict[str, tuple[int, str]] = {}
        with self.connect() as connection:
            if self.postgres_url:
                tables = [
                    row[0]
                    for row in connection.execute(
                        "SELECT table_name FROM information_schema.tables "
                        "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
                    )
                ]
                queries = {t: f'SELECT t::text FROM "{t}" AS t' for t in tables}
                for (sequence,) in connection.execute(
                    "SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = 'public'"
                ):
                    queries[f"sequence {sequence}"] = f'SELECT last_value, is_called FROM "{sequence}"'
            else:
                tables = [
                    row[0]
                    for row in connection.execute(
                        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_stat%'"
                    )
                ]
                queries = {t: f'SELECT * FROM "{t}"' for t in tables}
            for name, query in queries.items():
                rows = sorted(repr(tuple(row)) for row in connection.execute(query).fetchall())
                result[name] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
        return result


def _admin_url(url: str) -> str:
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path="/postgres"))


def _with_database(url: str, name: str) -> str:
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path=f"/{name}"))


def _postgres_admin(url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(_admin_url(url), autocommit=True) as admin:
        for statement in statements:
            admin.execute(statement)  # type: ignore[arg-type]


@dataclass
class _Template:
    data_dir: Path
    postgres_name: str | None


_template: _Template | None = None


def _prepared_demo() -> _Template:
    """The demo practice, prepared once per process and removed at exit."""
    global _template
    if _template is not None:
        return _template
    url = os.environ.get("DATABASE_URL")
    data_dir = Path(tempfile.mkdtemp(prefix="rugpad-demo-template-"))
    atexit.register(shutil.rmtree, data_dir, True)
    name = None
    if url:
        name = f"rugpad_template_{uuid.uuid4().hex[:12]}"
        _postgres_admin(url, f'CREATE DATABASE "{name}"')
        atexit.register(_postgres_admin, url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    database = Database(data_dir, _with_database(url, name) if url and name else None)
    subprocess.run(
        [*CLI, "serve", "--demo", "--prepare-only"],
        env=database.env(),
        check=True,
        stdout=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )
    _template = _Template(data_dir, name)
    return _template


_migrated: Path | None = None


def migrated_sqlite(data_dir: Path) -> None:
    """An empty SQLite database with every migration applied, copied into `data_dir`: a command started there finds
    nothing to migrate (about 10 s less per start). Made once per process; for tests of what a server does, not of
    a first install (those start from an empty folder)."""
    global _migrated
    if _migrated is None:
        template = Path(tempfile.mkdtemp(prefix="rugpad-migrated-template-"))
        atexit.register(shutil.rmtree, template, True)
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
        env.update(RUGPAD_DATA_DIR=str(template), DJANGO_SETTINGS_MODULE="rugpad.web.settings")
        subprocess.run(
            [sys.executable, "-m", "django", "migrate", "--verbosity", "0"],
            env=env,
            check=True,
            stdin=subprocess.DEVNULL,
        )
        _migrated = template
    data_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy2(_migrated / SQLITE_NAME, data_dir / SQLITE_NAME)


@contextlib.contextmanager
def empty_database(data_dir: Path) -> Iterator[Database]:
    """A database with nothing in it (a new SQLite file will be made in `data_dir`; on PostgreSQL a new one)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    url = os.environ.get("DATABASE_URL")
    if not url:
        yield Database(data_dir)
        return
    name = f"rugpad_test_{uuid.uuid4().hex[:12]}"
    _postgres_admin(url, f'CREATE DATABASE "{name}"')
    try:
        yield Database(data_dir, _with_database(url, name))
    finally:
        _postgres_admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def demo_database(data_dir: Path) -> Iterator[Database]:
    """A fresh copy of the demo practice of its own, in `data_dir` (and, on PostgreSQL, a database of its own)."""
    template = _prepared_demo()
    data_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy2(template.data_dir / "secret.key", data_dir / "secret.key")
    url = os.environ.get("DATABASE_URL")
    if not url or template.postgres_name is None:
        shutil.copy2(template.data_dir / SQLITE_NAME, data_dir / SQLITE_NAME)
        yield Database(data_dir)
        return
    name = f"rugpad_test_{uuid.uuid4().hex[:12]}"
    _postgres_admin(url, f'CREATE DATABASE "{name}" TEMPLATE "{template.postgres_name}"')
    try:
        yield Database(data_dir, _with_database(url, name))
    finally:
        _postgres_admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- the server --------------------------------------------------------------------------------------------------


@dataclass
class Server:
    """`rugpad serve` on `database`, in a process group of its own so that `kill()` can take down master and
    workers at once, as a power cut or the OOM killer would."""

    database: Database
    workers: int = 2
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_file(self) -> Path:
        return self.database.data_dir / "server.log"

    def start(self) -> None:
        with self.log_file.open("a") as log:
            self.process = subprocess.Popen(
                [*CLI, "serve", "--port", str(self.port), "--workers", str(self.workers)],
                env=self.database.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"rugpad serve stopped ({self.process.returncode}):\n{self.log_file.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.base}/login/", timeout=5) as response:
                    if response.status == 200:
                        return
            except (OSError, http.client.HTTPException):
                time.sleep(0.1)
        raise RuntimeError(f"rugpad serve did not answer within 120 s:\n{self.log_file.read_text()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown (TERM waits for idle keep-alives)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """SIGKILL to the master and every worker at once: nothing gets to flush, close or roll back."""
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    @contextlib.contextmanager
    def running(self) -> Iterator[Server]:
        self.start()
        try:
            yield self
        finally:
            self.stop()


# --- clients ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status: int
    location: str
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a redirect is an answer to look at (a saved diary entry answers 302 to its page)


class Browser:
    """One signed-in person with cookies of their own. Redirects are not followed."""

    def __init__(self, base: str, username: str, password: str = DEMO_PASSWORD, sign_in: bool = True) -> None:
        self.base, self.username = base, username
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)
        if sign_in:
            self._sign_in(password)

    def tab(self) -> Browser:
        """Another tab of the same browser: the same session, cookies of its own from now on."""
        other = Browser(self.base, self.username, sign_in=False)
        for cookie in self.jar:
            other.jar.set_cookie(cookie)
        return other

    def _sign_in(self, password: str) -> None:
        page = self.get("/login/").body.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, "the login page carries a CSRF token"
        answer = self.post_form(
            "/login/", {"csrfmiddlewaretoken": token.group(1), "username": self.username, "password": password}
        )
        assert answer.status == 302 and "/login/" not in answer.location, f"{self.username} could not sign in"

    @property
    def csrf(self) -> str:
        return next(cookie.value for cookie in self.jar if cookie.name == "csrftoken" and cookie.value)

    def _send(self, request: urllib.request.Request, timeout: float) -> Answer:
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return Answer(response.status, response.headers.get("Location", ""), response.read())
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.headers.get("Location", ""), error.read())

    def get(self, path: str, timeout: float = 60) -> Answer:
        return self._send(urllib.request.Request(self.base + path), timeout)

    def post_form(self, path: str, fields: dict[str, Any], timeout: float = 60) -> Answer:
        body = urllib.parse.urlencode(fields).encode()
        headers = {"Referer": self.base + path}
        return self._send(urllib.request.Request(self.base + path, data=body, headers=headers), timeout)

    def post_json(self, path: str, payload: dict[str, Any], timeout: float = 60) -> Answer:
        headers = {"Content-Type": "application/json", "X-CSRFToken": self.csrf, "Referer": self.base + path}
        request = urllib.request.Request(self.base + path, data=json.dumps(payload).encode(), headers=headers)
        return self._send(request, timeout)

    # What a patient writes.

    def write_diary(self, note: str, day: str, pain: int, exercises: str = "no") -> Answer:
        """A diary entry (no alarm answers); a stored one answers 302 to /portal/diary/<id>/."""
        fields = {"csrfmiddlewaretoken": self.csrf, "day": day, "pain_now": pain, "exercises": exercises}
        return self.post_form("/portal/diary/", fields | {"note": note})

    def log_set(self, entry: dict[str, Any]) -> Answer:
        """One guided-session result; 201 when stored, 200 with the stored row's id when the key was known."""
        return self.post_json("/plans/session/log/", entry)


DIARY_ENTRY_PAGE = re.compile(r"/portal/diary/(\d+)/$")


def diary_entry_id(answer: Answer) -> int | None:
    """The id of the entry a diary POST stored (its answer redirects to the entry's page), else None."""
    found = DIARY_ENTRY_PAGE.search(answer.location) if answer.status == 302 else None
    return int(found.group(1)) if found else None


def set_entry(key: uuid.UUID, session_key: uuid.UUID, pain: int = 3) -> dict[str, Any]:
    """A guided-session result as `static/plans/session.js` posts it."""
    return {
        "key": str(key),
        "session_key": str(session_key),
        "exercise_id": "bridge",
        "sets_done": 1,
        "reps_done": 10,
        "pain_during": pain,
        "effort": "ok",
        "settled_since_last": True,
    }


def stored_diary_notes(database: Database, prefix: str) -> list[tuple[int, str]]:
    return [
        (int(i), str(n))
        for i, n in database.rows("SELECT id, note FROM portal_diaryentry WHERE note LIKE ?", (f"{prefix}%",))
    ]


def stored_set_keys(database: Database) -> list[tuple[uuid.UUID, int]]:
    """(key, id) of every stored guided-session result (SQLite keeps a UUID as 32 hex digits, PostgreSQL as uuid)."""
    return [
        (uuid.UUID(str(key)), int(row_id)) for key, row_id in database.rows("SELECT key, id FROM plans_exercisesetlog")
    ]


def duplicated_open_alerts(database: Database) -> list[tuple[Any, ...]]:
    """Open alerts that exist twice for one patient and rule (the portal keeps one open alert per rule)."""
    return database.rows(
        "SELECT patient_id, rule_id, COUNT(*) FROM portal_alert WHERE acknowledged_at IS NULL "
        "GROUP BY patient_id, rule_id HAVING COUNT(*) > 1"
    )
