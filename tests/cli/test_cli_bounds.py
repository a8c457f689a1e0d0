"""The CLI refuses out-of-bounds input as the contract says: exit code 2 and one line on stderr naming the field,
in a real process (never exit 1 with a traceback)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

COMMAND = "import sys; from rugpad.cli import main; sys.exit(main())"


def rugpad(*argv: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", COMMAND, *argv], input=stdin, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize(
    ("case", "line"),
    [
        ('{"region": "neck", "age": 1e999}', "rugpad: age: inf is not a finite number\n"),
        ('{"region": "neck", "age": NaN}', "rugpad: age: nan is not a finite number\n"),
        ('{"region": "neck", "duration_weeks": -Infinity}', "rugpad: duration_weeks: -inf is not a finite number\n"),
        ('{"region": "neck", "age": 1' + "0" * 5000 + "}", "rugpad: file: holds a number too long to read\n"),
        ("[" * 100_000, "rugpad: file: is nested too deeply\n"),
    ],
)
def test_triage_with_an_unusable_number_exits_2_with_one_line(tmp_path: Path, case: str, line: str) -> None:
    path = tmp_path / "case.json"
    path.write_text(case, encoding="utf-8")
    done = rugpad("triage", str(path))
    assert (done.returncode, done.stdout, done.stderr) == (2, "", line)


def test_evaluate_with_a_red_flag_step_in_the_year_1_exits_2_naming_it() -> None:
    facts = (
        '{"region": "low_back", "today": "2026-11-21", "started_on": "2026-11-01", "flags": [{"key": "f",'
        ' "rule_id": "rf.cauda_equina", "origin": "record", "urgency": "emergency",'
        ' "raised_at": "2026-11-02T10:00:00",'
        ' "events": [{"kind": "action", "at": "0001-01-01T00:00:00", "note": "GP called"}]}]}'
    )
    done = rugpad("evaluate", "-", stdin=facts)
    assert done.returncode == 2
    assert done.stderr.startswith("rugpad: flags[0].events[0].at: 0001-01-01 is outside 1900-01-01..")
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_score_with_arabic_indic_digits_exits_2() -> None:
    done = rugpad("score", "nprs", "-", stdin='{"answers": {"1": "٣"}}')
    assert done.returncode == 2 and done.stderr.startswith("rugpad: nprs: item 1")
