"""A command loads only what it needs: `rugpad triage` imports neither the episode, plan and portal modules nor
pydantic, and reads one instrument file, so the CLI starts fast (measured in bench/bench_core.py, not here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import rugpad.cli as cli

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "triage-low-back.json"

PROBE = """
import io, json, sys, contextlib
from rugpad.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main(sys.argv[1:])
from rugpad.content.instruments import load_instrument
print(json.dumps({
    "code": code,
    "modules": sorted(name for name in sys.modules if name.startswith(("rugpad", "pydantic", "django"))),
    "instruments": load_instrument.cache_info().currsize,
}))
"""


def probe(*argv: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, check=True, input='{"answers": {}}'
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_triage_loads_neither_the_episode_modules_nor_pydantic() -> None:
    found = probe("triage", str(EXAMPLE))
    modules = set(found["modules"])  # type: ignore[arg-type]
    assert found["code"] == 0
    assert "rugpad.cli.triage" in modules and "rugpad.cli.evaluate" not in modules
    for heavy in ("rugpad.core.episode", "rugpad.core.episode_input", "rugpad.core.plan", "pydantic", "django"):
        assert heavy not in modules
    assert found["instruments"] == 1  # STarT Back only


def test_score_reads_only_the_instrument_it_scores() -> None:
    found = probe("score", "odi", "-")
    assert found["code"] == 0 and found["instruments"] == 1


def test_the_full_help_still_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    for name in cli.COMMAND_MODULES:
        assert name in out


def test_an_unknown_command_is_refused_with_the_full_list(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["triagee", "x.json"])
    assert exit_.value.code == 2
    assert "invalid choice: 'triagee'" in capsys.readouterr().err
