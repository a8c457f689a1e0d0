"""`rugpad evaluate FILE`: an episode's facts in, its one clinical state out (golden files), bad input refused.

Golden files (fhir.resources' way): every `examples/evaluate/<name>.json` has its whole expected output next to it in
`examples/evaluate/<name>.expected.json`, compared field by field. When a rule or a content text changes on purpose,
regenerate them and read the diff before committing (each must still make clinical sense):

    RUGPAD_UPDATE_GOLDEN=1 .venv/bin/pytest -p no:cacheprovider tests/cli/test_cli_evaluate.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from rugpad.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "evaluate"
GOLDEN = ".expected.json"
UPDATE = os.environ.get("RUGPAD_UPDATE_GOLDEN") == "1"
CASES = sorted(path for path in EXAMPLES.glob("*.json") if not path.name.endswith(GOLDEN))


def golden_of(case: Path) -> Path:
    return case.with_name(case.name.removesuffix(".json") + GOLDEN)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def evaluate(case: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    code, out, err = run(["evaluate", str(case)], capsys)
    assert (code, err) == (0, ""), err
    result: dict[str, Any] = json.loads(out)
    return result


def test_there_are_examples() -> None:
    assert {case.stem for case in CASES} >= {
        "diary-alarm-open",
        "new-episode-not-screened",
        "re-evaluation-after-four-weeks",
        "red-flag-excluded-by-gp",
    }


@pytest.mark.parametrize("case", CASES, ids=lambda path: path.stem)
def test_every_example_gives_its_golden_output(case: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = evaluate(case, capsys)
    golden = golden_of(case)
    if UPDATE:
        golden.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert golden.exists(), f"no golden file {golden.name}: run with RUGPAD_UPDATE_GOLDEN=1 and review it"
    expected = json.loads(golden.read_text(encoding="utf-8"))
    assert sorted(result) == sorted(expected)
    for key in expected:  # field by field, so a failure names the part of the state that changed
        assert result[key] == expected[key], key


# What each golden must say, whatever else changes: the clinical reading a reviewer checked by eye.


def test_an_open_diary_alarm_stops_the_pathway(capsys: pytest.CaptureFixture[str]) -> None:
    """Facts §2.1a: an open red flag (raised from the diary, nobody has acted yet) stops plan, session and
    manipulation; the decision is to refer."""
    state = evaluate(EXAMPLES / "diary-alarm-open.json", capsys)
    assert state["urgency"] == "emergency"
    assert [(f["id"], f["stage"], f["origin"]) for f in state["red_flags"]] == [("rf.cauda_equina", "raised", "diary")]
    pathway = state["pathway"]
    assert (pathway["may_proceed"], pathway["plan"], pathway["guided_session"]) == (False, False, False)
    assert pathway["manipulation"] == "contraindicated"
    assert state["decision"]["action"] == "refer"


def test_a_flag_excluded_by_the_doctor_lets_the_pathway_go_on(capsys: pytest.CaptureFixture[str]) -> None:
    state = evaluate(EXAMPLES / "red-flag-excluded-by-gp.json", capsys)
    assert state["urgency"] == "none"
    assert [(f["id"], f["stage"]) for f in state["red_flags"]] == [("rf.cauda_equina", "excluded")]
    assert state["pathway"]["may_proceed"] is True and state["pathway"]["reasons"] == []
    assert state["new_red_flags"] == [] and state["closed"] is False
    assert state["decision"]["action"] != "refer"


def test_an_episode_not_screened_promises_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 8: "not screened yet" instead of "no red flags"; manipulation not decided."""
    state = evaluate(EXAMPLES / "new-episode-not-screened.json", capsys)
    assert state["screening"]["status"] == "not_screened" and state["screening"]["not_asked"]
    assert state["red_flags"] == []
    assert state["pathway"]["may_proceed"] is False and state["pathway"]["manipulation"] is None
    assert any("screening" in reason for reason in state["pathway"]["reasons"])


def test_a_clearly_improved_patient_at_re_evaluation_progresses(capsys: pytest.CaptureFixture[str]) -> None:
    """NPRS 7→3 and ODI 40→18 after four weeks: clinically important (Ostelo 2008); the PSK has no verified MCID,
    so its change cannot be judged. The pathway goes on."""
    state = evaluate(EXAMPLES / "re-evaluation-after-four-weeks.json", capsys)
    assert state["pathway"]["may_proceed"] is True
    assert {c["instrument"]: c["clinically_important"] for c in state["changes"]} == {
        "nprs": True,
        "odi": True,
        "psk": None,
    }
    assert state["decision"]["action"] == "progress"
    assert [m["status"] for m in state["moments"]][:2] == ["done", "done"]


def test_text_in_dutch_has_dutch_headings(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        ["evaluate", str(EXAMPLES / "diary-alarm-open.json"), "--format", "text", "--lang", "nl"], capsys
    )
    assert (code, err) == (0, "")
    for heading in ("Screening op rode vlaggen:", "Traject mag verder: nee", "Manipulatie:", "Profiel:", "risico:"):
        assert heading in out, heading
    assert "Besluit:" in out and "Vermoeden van caudasyndroom" in out
    for english in ("Red-flag screening", "Pathway may proceed", "Manipulation:", "Profile:", "risk:", "Decision:"):
        assert english not in out, english


def test_text_for_a_new_episode_says_not_screened_first(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["evaluate", str(EXAMPLES / "new-episode-not-screened.json"), "--format", "text"], capsys)
    assert code == 0
    assert out.splitlines()[0] == "Red-flag screening: NOT DONE YET"
    assert "Pathway may proceed: no" in out


# --- bad input: exit 2, one line naming the field, nothing on stdout -----------------------------------------------

BASE = '"region": "low_back", "today": "2026-11-20", "started_on": "2026-11-02"'
FLAG = (
    '"key": "1", "rule_id": "rf.cauda_equina", "origin": "diary", "urgency": "emergency", '
    '"raised_at": "2026-11-19T21:04:00+01:00"'
)
ASSESSED = '{"kind": "excluded", "at": "2026-11-20T10:00:00+01:00", "note": "MRI normaal", "counterpart": "GP"}'
ACTED = '{"kind": "action", "at": "2026-11-19T21:30:00+01:00", "note": "SEH", "counterpart": "SEH UMC Utrecht"}'
BLANK_NOTE = '{"kind": "action", "at": "2026-11-19T21:30:00+01:00", "note": " "}'
NOBODY = '{"kind": "excluded", "at": "2026-11-20T10:00:00+01:00", "note": "MRI normaal"}'


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        pytest.param(f'{{{BASE}, "colour": "red"}}', "colour", id="unknown-field"),
        pytest.param('{"region": "low_back", "today": "2026-13-01", "started_on": "2026-11-02"}', "today", id="date"),
        pytest.param(f'{{{BASE}, "onset_on": "1800-01-01"}}', "onset_on", id="date-out-of-range"),
        pytest.param(f'{{{BASE}, "started_on": "2026-12-01"}}', "started_on", id="start-after-today"),
        pytest.param(f'{{{BASE}, "flags": [{{{FLAG}, "events": [{ASSESSED}]}}]}}', "flags[0].events", id="no-action"),
        pytest.param(f'{{{BASE}, "flags": [{{{FLAG}, "rule_id": "rf.nope"}}]}}', "flags[0].rule_id", id="rule"),
        pytest.param(
            f'{{{BASE}, "flags": [{{{FLAG}, "events": [{BLANK_NOTE}]}}]}}', "flags[0].events[0].note", id="blank-note"
        ),
        pytest.param(
            f'{{{BASE}, "flags": [{{{FLAG}, "events": [{ACTED}, {NOBODY}]}}]}}',
            "flags[0].events[1].counterpart",
            id="assessed-by-nobody",
        ),
        pytest.param(
            f'{{{BASE}, "measurements": [{{"instrument": "nprs", "completed_on": "2026-11-02", "score": NaN}}]}}',
            "measurements[0].score",
            id="nan-score",
        ),
        pytest.param(
            f'{{{BASE}, "measurements": [{{"instrument": "nprs", "completed_on": "2026-11-02", "score": Infinity}}]}}',
            "measurements[0].score",
            id="infinite-score",
        ),
        pytest.param(f'{{{BASE}, "work_absence_weeks": NaN}}', "work_absence_weeks", id="nan-weeks"),
        pytest.param(
            f'{{{BASE}, "screening": {{"on": "2026-11-02", "asked": ["foo"]}}}}', "screening.asked[0]", id="sign"
        ),
        pytest.param(f'{{{BASE}, "region": "knee"}}', "region", id="region"),
        pytest.param(f'{{{BASE}, "startback": {{"1": 5}}}}', "startback: item 1", id="startback"),
        pytest.param('{"today": "2026-11-20", "started_on": "2026-11-02"}', "region", id="missing-region"),
        pytest.param("[1, 2]", "file", id="not-an-object"),
        pytest.param("{not json", "file", id="not-json"),
    ],
)
def test_bad_input_exits_2_with_one_line_naming_the_field(
    payload: str, field: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = tmp_path / "facts.json"
    case.write_text(payload, encoding="utf-8")
    code, out, err = run(["evaluate", str(case)], capsys)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"rugpad: {field}: "), err


def test_no_traceback_for_bad_facts_in_a_real_process(tmp_path: Path) -> None:
    case = tmp_path / "facts.json"
    case.write_text(f'{{{BASE}, "flags": [{{{FLAG}, "events": [{ASSESSED}]}}]}}', encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from rugpad.cli import main; sys.exit(main())", "evaluate", str(case)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("rugpad: flags[0].events: record the action taken")
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1
