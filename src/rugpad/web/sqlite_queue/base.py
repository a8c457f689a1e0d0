"""Django's SQLite backend, with writers of all processes queued on an operating-system lock.

SQLite lets one transaction write at a time. A writer that finds the database locked does not wait in line: its
busy handler sleeps and retries, 1, 2, 5, 10, 15, 20 … ms apart, so under a burst of writes from several gunicorn
workers some writers sleep far longer than the lock was held (hundreds of milliseconds at the 99th percentile).

Here every transaction that Django opens (`atomic`, begun IMMEDIATE: see the settings) first takes an exclusive
`flock` on a file beside the database and gives it back when the transaction commits or rolls back. The kernel
wakes the next waiter the moment the lock is free. If a process dies, the kernel releases its lock. Writes outside
a transaction (rare in rugpad: actions and the audit log always use one) still meet SQLite's busy handler."""

from __future__ import annotations

import fcntl
import os
from typing import Any

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    _queue_fd: int | None = None
    _queue_held = False

    def _queue_path(self) -> str | None:
        name = str(self.settings_dict["NAME"])
        return None if self.is_in_memory_db() else f"{name}.writers"

    def _enter_queue(self) -> None:
        path = self._queue_path()
        if path is None:
            return
        if self._queue_fd is None:
            self._queue_fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        fcntl.flock(self._queue_fd, fcntl.LOCK_EX)
        self._queue_held = True

    def _leave_queue(self) -> None:
        if self._queue_held and self._queue_fd is not None:
            self._queue_held = False
            fcntl.flock(self._queue_fd, fcntl.LOCK_UN)

    def _start_transaction_under_autocommit(self) -> None:
        self._enter_queue()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]  # private hooks: not in django-stubs
        except BaseException:
            self._leave_queue()
            raise

    def _commit(self) -> Any:
        try:
            return super()._commit()  # type: ignore[misc]
        finally:
            self._leave_queue()

    def _rollback(self) -> Any:
        try:
            return super()._rollback()  # type: ignore[misc]
        finally:
            self._leave_queue()

    def _close(self) -> Any:
        try:
            return super()._close()  # type: ignore[misc]
        finally:
            self._leave_queue()
            if self._queue_fd is not None:
                os.close(self._queue_fd)
                self._queue_fd = None
