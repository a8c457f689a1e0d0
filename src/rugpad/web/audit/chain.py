"""The audit log's hash chain: a change, a removal or an insertion anywhere in the log can be detected.

Every event stores `chain_hash` = SHA-256(previous event's `chain_hash` + this event's canonical content), the
first event chaining from `GENESIS`. Events are chained in id order, so each link vouches for everything before
it:

    GENESIS ──▶ #1 sha256(GENESIS + c1) ──▶ #2 sha256(h1 + c2) ──▶ … ──▶ #n (the head)

`verify()` (behind `rugpad audit verify`) walks the chain and names the first event whose hash does not follow:
that event was changed, or inserted, or the event before it was removed. Removing the newest events leaves a
shorter chain that still verifies; the head hash the command prints, noted elsewhere, closes that gap.

Writers are serialised so the chain never forks: `lock_head()` takes a transaction-scoped advisory lock on
PostgreSQL before the last hash is read (a row lock would not do: under READ COMMITTED a waiting writer would
still read the old last row); SQLite's IMMEDIATE transactions already hold the one write lock from their start.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

GENESIS = "0" * 64
"""The hash the first event chains from."""

CHAINED_FIELDS = (
    "at",
    "actor_id",
    "actor_name",
    "actor_role",
    "practice_id",
    "action",
    "object_type",
    "object_id",
    "patient_id",
    "summary",
    "ip_address",
    "user_agent",
)
"""Every stored value of an event except its id and the hash itself (the chain's order stands for the id)."""

CHAIN_LOCK_KEY = 7513
"""PostgreSQL advisory-lock key that serialises audit writers (NEN 7513, the standard this log serves)."""


def canonical(event: Any) -> bytes:
    """An event's content as bytes that do not depend on the database: sorted JSON, the time in UTC to the
    microsecond, the address as text. Works on the model and on a migration's historical model alike."""
    content: dict[str, object] = {}
    for name in CHAINED_FIELDS:
        value = getattr(event, name)
        if name == "at":
            value = value.astimezone(dt.UTC).isoformat(timespec="microseconds")
        elif value is not None:
            value = int(value) if name.endswith("_id") and name != "object_id" else str(value)
        content[name] = value
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def link(previous_hash: str, event: Any) -> str:
    """The hash an event must carry after `previous_hash`."""
    return hashlib.sha256(previous_hash.encode("ascii") + canonical(event)).hexdigest()


def lock_head(connection: BaseDatabaseWrapper) -> None:
    """Blocks other audit writers until this transaction ends (PostgreSQL; see the module docstring)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])


@dataclass(frozen=True, slots=True)
class Verdict:
    """What a walk of the chain found: how many events it checked, the last good hash, and the first broken
    event's id (None when the chain is intact)."""

    checked: int
    head: str
    broken_at: int | None = None

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def verify(events: Iterable[Any]) -> Verdict:
    """Walks `events` in id order and stops at the first event whose hash does not follow from the one before."""
    previous = GENESIS
    checked = 0
    for event in events:
        if event.chain_hash != link(previous, event):
            return Verdict(checked, previous, event.pk)
        previous = event.chain_hash
        checked += 1
    return Verdict(checked, previous)
