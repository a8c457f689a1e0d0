"""SQLite writers queue on an operating-system lock (`rugpad.web.sqlite_queue`) instead of sleeping in SQLite's
busy handler: a transaction holds the lock from BEGIN until COMMIT or ROLLBACK, and no longer."""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from rugpad.web.sqlite_queue.base import DatabaseWrapper


@pytest.fixture
def database(tmp_path: Path, django_db_blocker: Any) -> Iterator[dict[str, object]]:
    """Settings for a database file of this test's own (not the test database), SQLite runs only."""
    if connections["default"].vendor != "sqlite":
        pytest.skip("the queue is for SQLite")
    with django_db_blocker.unblock():
        yield {**connections["default"].settings_dict, "NAME": str(tmp_path / "queue.sqlite3")}


def _queue_is_free(path: str) -> bool:
    fd = os.open(path, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    finally:
        os.close(fd)


@pytest.mark.parametrize("end", ["commit", "rollback"])
def test_a_transaction_holds_the_queue_from_begin_to_its_end(database: dict[str, object], end: str) -> None:
    wrapper = DatabaseWrapper(database, alias="queue_a")
    path = f"{database['NAME']}.writers"
    try:
        wrapper.ensure_connection()
        wrapper._start_transaction_under_autocommit()
        assert not _queue_is_free(path), "inside the transaction the queue is held"
        wrapper.cursor().execute("CREATE TABLE t (x INTEGER)")
        getattr(wrapper, f"_{end}")()
        assert _queue_is_free(path), f"after {end} the queue is free again"
    finally:
        wrapper.close()


def test_a_second_writer_waits_in_the_queue_and_goes_on_when_the_first_commits(database: dict[str, object]) -> None:
    first = DatabaseWrapper(database, alias="queue_first")
    order: list[str] = []
    begun = threading.Event()

    def second_writer() -> None:
        second = DatabaseWrapper(database, alias="queue_second")
        try:
            second.ensure_connection()
            begun.set()
            second._start_transaction_under_autocommit()  # waits here while the first holds the queue
            order.append("second began")
            second.cursor().execute("INSERT INTO t VALUES (2)")
            second._commit()
        finally:
            second.close()

    try:
        first.ensure_connection()
        first.cursor().execute("CREATE TABLE t (x INTEGER)")
        first._start_transaction_under_autocommit()
        thread = threading.Thread(target=second_writer)
        thread.start()
        begun.wait(10)
        thread.join(0.3)  # gives the second writer time to reach the queue
        order.append("first commits")
        first.cursor().execute("INSERT INTO t VALUES (1)")
        first._commit()
        thread.join(10)
        assert order == ["first commits", "second began"]
        assert [row[0] for row in first.cursor().execute("SELECT x FROM t ORDER BY x").fetchall()] == [1, 2]
    finally:
        first.close()
