"""`rugpad serve` refreshes SQLite's planner statistics at every start (a sampled ANALYZE), so the planner does not
guess its way into walking a whole practice for one patient's episodes."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

CLI = [sys.executable, "-c", "import sys; from rugpad.cli import main; sys.exit(main())"]


def test_prepare_leaves_statistics_for_the_planner(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env |= {"RUGPAD_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "rugpad.web.settings"}
    done = subprocess.run(
        [*CLI, "serve", "--demo", "--prepare-only"], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-500:]
    with sqlite3.connect(tmp_path / "rugpad.sqlite3") as database:
        described = {row[0] for row in database.execute("SELECT DISTINCT tbl FROM sqlite_stat1")}
    assert {"care_episode", "care_patient"} <= described
