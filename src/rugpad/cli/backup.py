"""`rugpad backup PATH` and `rugpad restore PATH`: the whole database into one file, and back.

    SQLite (the default)   backup:  SQLite's online backup API (`sqlite3.Connection.backup`) copies a consistent
                                    snapshot page by page while the server keeps serving; the copy is checked
                                    (`PRAGMA integrity_check`) and made one self-contained file before it is
                                    moved into place.
                           restore: the same API in the other direction, from a checked backup file.
    PostgreSQL             backup:  `pg_dump --format=custom`;  restore: `pg_restore --clean --if-exists
    (DATABASE_URL)                  --single-transaction` (all or nothing). The password reaches them in
                                    PGPASSWORD, never on a command line another user could read.

Both commands take the database from the settings, like `rugpad serve` (RUGPAD_DATA_DIR, DATABASE_URL). Neither
overwrites anything without `--force`: not an existing backup file, and not a database that holds tables (restore
replaces the whole database; stop the server first). A refusal or a failure is one line on stderr and exit code 2;
success says what was copied where.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rugpad.core.errors import InvalidInput

SQLITE_ENGINES = ("django.db.backends.sqlite3", "rugpad.web.sqlite_queue")
POSTGRES_ENGINE = "django.db.backends.postgresql"
REQUIRED_TABLE = "django_migrations"
"""Every rugpad database has it; a file without it is not a rugpad backup."""


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "backup", help="copy the whole database into one file (SQLite online backup, or pg_dump)"
    )
    parser.add_argument("path", help="the backup file to write")
    parser.add_argument("--force", action="store_true", help="overwrite the file if it exists")
    parser.set_defaults(run=run_backup)


def register_restore(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "restore", help="replace the whole database with a backup file (stop the server first)"
    )
    parser.add_argument("path", help="a file written by `rugpad backup`")
    parser.add_argument(
        "--force", action="store_true", help="replace a database that already holds tables (its data is lost)"
    )
    parser.set_defaults(run=run_restore)


@dataclass(frozen=True)
class Target:
    """The database the settings name."""

    engine: str
    name: str
    settings: dict[str, Any]

    @property
    def is_sqlite(self) -> bool:
        return self.engine in SQLITE_ENGINES

    def describe(self) -> str:
        return f"SQLite database {self.name}" if self.is_sqlite else f"PostgreSQL database {self.name!r}"


def configured_database() -> Target:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rugpad.web.settings")
    from django.conf import settings

    database = dict(settings.DATABASES["default"])
    engine = str(database["ENGINE"])
    if engine not in (*SQLITE_ENGINES, POSTGRES_ENGINE):
        raise InvalidInput("database", f"{engine} is not supported (SQLite or PostgreSQL)")
    return Target(engine, str(database["NAME"]), database)


def run_backup(args: argparse.Namespace) -> int:
    path = Path(args.path)
    if path.is_dir():
        raise InvalidInput("path", f"{path} is a folder; name the backup file")
    if path.exists() and not args.force:
        raise InvalidInput("path", f"{path} exists; choose another name or add --force to overwrite it")
    if not path.parent.is_dir():
        raise InvalidInput("path", f"the folder {path.parent} does not exist")
    target = configured_database()
    with _partial(path) as partial:
        summary = _backup_sqlite(target, partial) if target.is_sqlite else _backup_postgres(target, partial)
    print(f"backed up the {target.describe()} to {path}: {summary}")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    path = Path(args.path)
    if not path.is_file():
        raise InvalidInput("path", f"{path} is not a file")
    target = configured_database()
    if target.is_sqlite:
        _check_sqlite_backup(path)
    else:
        _check_postgres_backup(path)
    existing = _table_count(target)
    if existing and not args.force:
        raise InvalidInput(
            "database",
            f"the {target.describe()} holds {existing} tables; restoring replaces all of it. "
            "Stop the server, make a backup of it if you may need it, and add --force",
        )
    if target.is_sqlite:
        _restore_sqlite(path, target)
    else:
        _restore_postgres(path, target)
    tables, rows = _contents(target)
    replaced = f", replacing {existing} tables that were there" if existing else ""
    print(f"restored {path} into the {target.describe()}: {tables} tables, {rows} rows{replaced}")
    return 0


@contextlib.contextmanager
def _partial(path: Path) -> Iterator[Path]:
    """A file next to `path` that becomes `path` only when the backup is complete (never half a backup)."""
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    os.close(handle)
    partial = Path(name)
    try:
        yield partial
        partial.chmod(0o600)  # patient records: readable by the owner only
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


# --- SQLite -------------------------------------------------------------------------------------------------------


def _backup_sqlite(target: Target, partial: Path) -> str:
    source_file = Path(target.name)
    if not source_file.is_file():
        raise InvalidInput("database", f"{source_file} does not exist")
    source = sqlite3.connect(_read_only(source_file), uri=True, timeout=30)
    copy = sqlite3.connect(partial)
    try:
        source.backup(copy)
        # One self-contained file: the live database is in WAL mode, a backup should need no -wal beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
        problems = _sqlite_problems(copy)
        if problems:
            raise InvalidInput("backup", f"the copy failed its integrity check: {problems[0]}")
        tables, rows = _sqlite_contents(copy)
    finally:
        copy.close()
        source.close()
    return f"{tables} tables, {rows} rows, {partial.stat().st_size:,} bytes"


def _check_sqlite_backup(path: Path) -> None:
    try:
        backup = sqlite3.connect(_read_only(path), uri=True)
        try:
            problems = _sqlite_problems(backup)
            has_migrations = backup.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (REQUIRED_TABLE,)
            ).fetchone()
        finally:
            backup.close()
    except sqlite3.DatabaseError as error:
        raise InvalidInput("path", f"{path} is not a SQLite backup ({error})") from None
    if problems:
        raise InvalidInput("path", f"{path} failed its integrity check: {problems[0]}")
    if not has_migrations:
        raise InvalidInput("path", f"{path} is not a rugpad backup (no {REQUIRED_TABLE} table)")


def _restore_sqlite(path: Path, target: Target) -> None:
    Path(target.name).parent.mkdir(parents=True, exist_ok=True)
    backup = sqlite3.connect(_read_only(path), uri=True)
    database = sqlite3.connect(target.name, timeout=30)
    try:
        backup.backup(database)
    finally:
        database.close()
        backup.close()


def _read_only(path: Path) -> str:
    return f"{path.resolve().as_uri()}?mode=ro"


def _sqlite_problems(connection: sqlite3.Connection) -> list[str]:
    answer = [str(row[0]) for row in connection.execute("PRAGMA integrity_check")]
    return [] if answer == ["ok"] else answer


def _sqlite_tables(connection: sqlite3.Connection) -> list[str]:
    rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    return [str(row[0]) for row in rows]


def _sqlite_contents(connection: sqlite3.Connection) -> tuple[int, int]:
    tables = _sqlite_tables(connection)
    rows = sum(int(connection.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]) for table in tables)
    return len(tables), rows


# --- PostgreSQL ---------------------------------------------------------------------------------------------------


def _postgres_env(target: Target) -> dict[str, str]:
    """libpq's environment for the configured database: host, port, user and password stay off the command line."""
    env = dict(os.environ)
    for setting, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        value = target.settings.get(setting)
        if value:
            env[variable] = str(value)
    env["PGDATABASE"] = target.name
    return env


def _postgres_tool(name: str, arguments: list[str], target: Target) -> str:
    program = shutil.which(name)
    if program is None:
        raise InvalidInput("database", f"{name} is not installed (PostgreSQL's client programs are needed)")
    done = subprocess.run(
        [program, *arguments], env=_postgres_env(target), capture_output=True, text=True, stdin=subprocess.DEVNULL
    )
    if done.returncode != 0:
        last_line = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise InvalidInput("database", f"{name} failed: {last_line}")
    return done.stdout


def _backup_postgres(target: Target, partial: Path) -> str:
    _postgres_tool("pg_dump", ["--format=custom", "--no-password", f"--file={partial}", target.name], target)
    listing = _postgres_tool("pg_restore", ["--list", str(partial)], target)
    tables = sum(1 for line in listing.splitlines() if " TABLE DATA " in line)
    return f"{tables} tables, {partial.stat().st_size:,} bytes (pg_dump custom format)"


def _check_postgres_backup(path: Path) -> None:
    try:
        listing = _postgres_tool("pg_restore", ["--list", str(path)], Target(POSTGRES_ENGINE, "", {}))
    except InvalidInput:
        raise InvalidInput("path", f"{path} is not a pg_dump backup (custom format)") from None
    if f" TABLE public {REQUIRED_TABLE} " not in listing:
        raise InvalidInput("path", f"{path} is not a rugpad backup (no {REQUIRED_TABLE} table)")


def _restore_postgres(path: Path, target: Target) -> None:
    # All or nothing: a failure half-way leaves the database as it was. --no-owner: the restoring role owns it all.
    arguments = ["--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error", "--no-password"]
    _postgres_tool("pg_restore", [*arguments, f"--dbname={target.name}", str(path)], target)


@contextlib.contextmanager
def _postgres(target: Target) -> Iterator[Any]:
    import psycopg
    from psycopg.conninfo import make_conninfo

    keys = {"HOST": "host", "PORT": "port", "USER": "user", "PASSWORD": "password"}
    options = {key: str(target.settings[setting]) for setting, key in keys.items() if target.settings.get(setting)}
    try:
        connection = psycopg.connect(make_conninfo(dbname=target.name, **options), autocommit=True)
    except psycopg.Error as error:
        raise InvalidInput("database", f"cannot connect to {target.describe()}: {error}") from None
    with connection:
        yield connection


def _postgres_rows(connection: Any, table: str) -> int:
    from psycopg import sql

    count = connection.execute(sql.SQL("SELECT COUNT(*) FROM {}").format(sql.Identifier(table))).fetchone()
    return int(count[0])


POSTGRES_TABLES = (
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
)


# --- both ---------------------------------------------------------------------------------------------------------


def _table_count(target: Target) -> int:
    if target.is_sqlite:
        if not Path(target.name).exists():
            return 0
        connection = sqlite3.connect(_read_only(Path(target.name)), uri=True)
        try:
            return len(_sqlite_tables(connection))
        finally:
            connection.close()
    with _postgres(target) as connection:
        return len(connection.execute(POSTGRES_TABLES).fetchall())


def _contents(target: Target) -> tuple[int, int]:
    if target.is_sqlite:
        connection = sqlite3.connect(_read_only(Path(target.name)), uri=True)
        try:
            return _sqlite_contents(connection)
        finally:
            connection.close()
    with _postgres(target) as connection:
        tables = [str(row[0]) for row in connection.execute(POSTGRES_TABLES)]
        rows = sum(_postgres_rows(connection, table) for table in tables)
        return len(tables), rows
