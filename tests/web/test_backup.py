"""`rugpad backup PATH` / `rugpad restore PATH` on a copy of the demo practice: what comes back is identical, table
by table (row count and a checksum of every row; on PostgreSQL every sequence too), and nothing is overwritten
without `--force`. Runs the real command in a subprocess, on SQLite and, with DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.web.realserver import CLI, Database, demo_database, empty_database

pytestmark = pytest.mark.real_server  # starts rugpad's own commands: run beside the other web tests in CI


def rugpad(database: Database, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *arguments], env=database.env(), capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120
    )


def test_a_restored_backup_is_identical_in_every_table_and_restore_over_data_needs_force(tmp_path: Path) -> None:
    backup = tmp_path / "rugpad.backup"
    with demo_database(tmp_path / "live") as database:
        before = database.fingerprints()
        assert before["care_patient"][0] > 0 and before["portal_diaryentry"][0] > 0  # a database worth restoring

        made = rugpad(database, "backup", str(backup))
        assert made.returncode == 0, made.stderr
        assert made.stdout.startswith("backed up the ") and str(backup) in made.stdout
        assert backup.stat().st_mode & 0o077 == 0  # patient records: readable by the owner only

        database.execute("UPDATE care_patient SET first_name = 'Overwritten'", "DELETE FROM django_session")
        changed = database.fingerprints()
        assert changed != before

        refused = rugpad(database, "restore", str(backup))
        assert refused.returncode == 2 and "--force" in refused.stderr and "Traceback" not in refused.stderr
        assert database.fingerprints() == changed  # refused means untouched

        restored = rugpad(database, "restore", "--force", str(backup))
        assert restored.returncode == 0, restored.stderr
        assert f"{len([t for t in before if not t.startswith(('sequence ', 'sqlite_'))])} tables" in restored.stdout
        assert database.fingerprints() == before


def test_a_backup_restores_into_an_empty_database_without_force(tmp_path: Path) -> None:
    backup = tmp_path / "rugpad.backup"
    with demo_database(tmp_path / "live") as database:
        assert rugpad(database, "backup", str(backup)).returncode == 0
        before = database.fingerprints()
    with empty_database(tmp_path / "new") as empty:
        restored = rugpad(empty, "restore", str(backup))
        assert restored.returncode == 0, restored.stderr
        assert "replacing" not in restored.stdout
        assert empty.fingerprints() == before


def test_backup_never_overwrites_a_file_and_restore_refuses_what_is_not_a_backup(tmp_path: Path) -> None:
    with demo_database(tmp_path / "live") as database:
        existing = tmp_path / "precious.txt"
        existing.write_text("keep me")
        refused = rugpad(database, "backup", str(existing))
        assert refused.returncode == 2 and "--force" in refused.stderr
        assert existing.read_text() == "keep me"

        before = database.fingerprints()
        not_a_backup = rugpad(database, "restore", "--force", str(existing))
        assert not_a_backup.returncode == 2 and "not a" in not_a_backup.stderr
        assert "Traceback" not in not_a_backup.stderr
        missing = rugpad(database, "restore", "--force", str(tmp_path / "nowhere.backup"))
        assert missing.returncode == 2 and "not a file" in missing.stderr
        assert database.fingerprints() == before
        assert list(tmp_path.glob(".*.partial")) == []
