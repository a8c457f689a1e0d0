"""`rugpad triage` and `rugpad explain`: JSON contract, text format, exit codes and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from rugpad.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_the_contract_example_gives_the_contract_fields(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["triage", str(EXAMPLES / "triage-low-back.json")], capsys)
    assert (code, err) == (0, "")
    result = json.loads(out)
    assert {"urgency", "red_flags", "risk", "profile", "radicular", "manipulation", "recommendations"} <= set(result)
    assert result["urgency"] == "none"
    assert result["risk"] == "low"
    assert result["profile"] == "1"
    assert result["radicular"] is True
    assert result["manipulation"] == "caution"
    assert all({"id", "strength", "text", "source"} <= set(rec) for rec in result["recommendations"])


@pytest.mark.parametrize(
    ("example", "urgency", "profile"),
    [
        ("triage-cauda-equina.json", "emergency", None),
        ("triage-osteoporotic-fracture.json", "urgent", None),
        ("triage-neck-radicular.json", "none", "D"),
        ("triage-neck-profile-c.json", "none", "C"),
        ("triage-older-woman-mechanical.json", "none", "1"),  # Downie 2013: no flag for age 67 + female + a lift
        ("triage-axial-spondyloarthritis.json", "soon", "1"),  # NICE NG65: reported, exercise goes on
        ("triage-metastatic-cord-compression.json", "emergency", None),  # NICE CG75/NG234 (secondary)
        ("triage-neck-cancer-spurling.json", "emergency", None),  # radicular pain counts as a new deficit (MSCC)
        ("triage-history-of-cancer-alone.json", "soon", None),  # facts 2.1: GP referral; urgent only with neuro signs
    ],
)
def test_every_example_case_triages(
    example: str, urgency: str, profile: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["triage", str(EXAMPLES / example)], capsys)
    result = json.loads(out)
    assert code == 0
    assert (result["urgency"], result["profile"]) == (urgency, profile)


def test_stdin_is_read_with_a_dash(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO('{"region": "neck", "signs": ["diplopia"]}'))
    code, out, _ = run(["triage", "-"], capsys)
    assert code == 0
    assert json.loads(out)["urgency"] == "emergency"


def test_text_format_puts_the_urgency_first_and_lists_actions_and_rule_ids(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(["triage", str(EXAMPLES / "triage-cauda-equina.json"), "--format", "text"], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("!!! EMERGENCY")
    assert "rf.cauda_equina" in out and "Go to the emergency department now" in out
    assert "Manipulation: CONTRAINDICATED" in out


def test_text_format_in_dutch_groups_recommendations(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["triage", str(EXAMPLES / "triage-low-back.json"), "--format", "text", "--lang", "nl"], capsys)
    assert code == 0
    assert out.splitlines()[0] == "Geen rode vlag gevonden."
    assert out.index("  Doen:") < out.index("  Overwegen:") < out.index("  Niet doen:")
    assert "(lb.p1.self_exercise; kngf-lbp-2021)" in out


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ('{"region": "neck", "signs": ["dizziness", "foo"]}', "signs[1]"),
        ('{"signs": []}', "region"),
        ('{"region": "neck", "age": 200}', "age"),
        ("[1, 2]", "file"),
        ("{not json", "file"),
    ],
)
def test_bad_input_exits_2_with_one_line_naming_the_field(
    payload: str, field: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = tmp_path / "case.json"
    case.write_text(payload, encoding="utf-8")
    code, out, err = run(["triage", str(case)], capsys)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith(f"rugpad: {field}: ")


def test_a_missing_file_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["triage", "/nonexistent/case.json"], capsys)
    assert code == 2 and err.startswith("rugpad: file: ")


def test_no_traceback_for_bad_input_in_a_real_process(tmp_path: Path) -> None:
    case = tmp_path / "case.json"
    case.write_text('{"region": "neck", "signs": ["foo"]}', encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from rugpad.cli import main; sys.exit(main())", "triage", str(case)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr == "rugpad: signs[0]: unknown sign 'foo'\n"
    assert "Traceback" not in done.stderr


def test_explain_gives_the_rule_in_words_with_its_source(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["explain", "rf.cervical_myelopathy"], capsys)
    result = json.loads(out)
    assert code == 0
    assert result["kind"] == "red_flag"
    assert result["outcome"] == "urgent"
    assert result["condition"].startswith("at least 3 of:")
    assert result["source"]["id"] == "cook-2010-myelopathy"
    assert result["evidence"] == "unverified"  # the cluster is sourced (Cook 2010); its time frame is not


def test_explain_text_flags_unverified_rules(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["explain", "lb.all.kce_timepoints", "--format", "text", "--lang", "nl"], capsys)
    assert code == 0
    assert "Bewijs: niet geverifieerd" in out
    assert "Let op:" in out


def test_explain_of_an_unknown_rule_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["explain", "rf.nope"], capsys)
    assert (code, out) == (2, "")
    assert err == "rugpad: rule: unknown rule id 'rf.nope'\n"


def test_a_red_flag_that_leaves_the_pathway_open_shows_the_profile_in_text(capsys: pytest.CaptureFixture[str]) -> None:
    """NICE NG65 (secondary): suspected axial spondyloarthritis is reported, the profile is still given."""
    code, out, _ = run(["triage", str(EXAMPLES / "triage-axial-spondyloarthritis.json"), "--format", "text"], capsys)
    assert code == 0
    assert "rf.axial_spondyloarthritis" in out
    assert "Profile: 1 (strat.lb.profile_1)" in out


def test_text_output_says_up_front_when_missing_data_keeps_a_red_flag_open(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    case = tmp_path / "case.json"
    case.write_text('{"region": "low_back", "signs": ["long_term_corticosteroids"]}', encoding="utf-8")
    assert main(["triage", str(case), "--format", "text"]) == 0
    top = capsys.readouterr().out.splitlines()[:4]
    assert any("not ruled out" in line for line in top)
    assert any("rf.fracture_features" in line for line in top)
