"""`rugpad restore PATH`: the whole database replaced by a backup file. Both directions live in `rugpad.cli.backup`."""

from __future__ import annotations

from rugpad.cli.backup import register_restore as register

__all__ = ["register"]
