"""`rugpad score` and `rugpad instruments` as the CLI contract describes them (docs/cli.md)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

import rugpad.cli as cli


@pytest.fixture(autouse=True)
def only_instrument_commands(monkeypatch: pytest.MonkeyPatch) -> None:
    """Register only the commands under test, so these tests do not depend on the other sub-commands."""
    monkeypatch.setattr(cli, "COMMAND_MODULES", ("score", "instruments"))


def write(tmp_path: Path, payload: object) -> str:
    path = tmp_path / "answers.json"
    path.write_text(payload if isinstance(payload, str) else json.dumps(payload), encoding="utf-8")
    return str(path)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = cli.main(argv)
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_score_odi_prints_the_contract_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers = {"answers": {str(n): v for n, v in enumerate([5, 5, 3, 3, 0, 0, 0, 0, 0], start=1)}}
    code, out, err = run(["score", "odi", write(tmp_path, answers)], capsys)
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "instrument": "odi",
        "score": 35.6,
        "missing": [10],
        "band": "moderate",
        "band_label": "Moderate disability",
    }


def test_score_startback_has_total_psychosocial_and_risk(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers = {"answers": {"1": 0, "2": 0, "3": 0, "4": 0, "5": 1, "6": 1, "7": 1, "8": 1, "9": 2}}
    code, out, _ = run(["score", "startback", write(tmp_path, answers)], capsys)
    result = json.loads(out)
    assert code == 0
    assert (result["total"], result["psychosocial"], result["risk"], result["band"]) == (4, 4, "high", "high")


def test_score_reads_standard_input(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps({"answers": {"1": 3, "2": 4, "3": 5}})))
    code, out, _ = run(["score", "psk", "-"], capsys)
    assert code == 0
    assert json.loads(out) == {"instrument": "psk", "score": 4.0, "missing": []}


def test_score_with_too_many_missing_gives_null(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["score", "ndi", write(tmp_path, {"answers": {"1": 2, "2": None}})], capsys)
    result = json.loads(out)
    assert code == 0
    assert result["score"] is None and result["percent"] is None and result["band"] is None
    assert result["missing"] == [2, 3, 4, 5, 6, 7, 8, 9, 10]


def test_score_dutch_band_label(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(["score", "nprs", write(tmp_path, {"answers": {"1": 2}}), "--lang", "nl"], capsys)
    assert json.loads(out)["band_label"] == "Lichte pijn"


def test_score_text_format_names_score_band_missing_and_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = {"answers": {str(n): v for n, v in enumerate([5, 5, 3, 3, 0, 0, 0, 0, 0], start=1)}}
    code, out, _ = run(["score", "odi", write(tmp_path, answers), "--format", "text"], capsys)
    assert code == 0
    assert "Score: 35.6 (0-100, higher is worse)" in out
    assert "Band: Moderate disability" in out
    assert "Missing items: 10" in out
    assert "denominator is reduced by 5" in out
    assert "Unverified (wording_nl)" in out


@pytest.mark.parametrize(
    ("argv_tail", "payload", "message"),
    [
        (["odi"], {"answers": {"4": 7}}, "rugpad: odi: item 4: 7 is out of range 0..5"),
        (["odi"], {"answers": {"4": True}}, "rugpad: odi: item 4: true is not a whole number"),
        (["rmdq"], {"answers": {"25": 1}}, "rugpad: rmdq: item 25: unknown item; rmdq has items 1..24"),
        (["odi"], {"responses": {}}, 'rugpad: answers: missing; expected {"answers": {"1": 0, ...}}'),
        (["odi"], {"answers": [1, 2]}, "rugpad: answers: must be an object of item number to answer"),
        (["odi"], "{not json", "rugpad: file: not valid JSON (line 1, column 2)"),
        (["odi"], "[1, 2]", "rugpad: file: must hold a JSON object"),
        (["womac"], {"answers": {}}, "rugpad: instrument: unknown instrument 'womac'; known: gpe, ndi, nprs,"),
    ],
)
def test_bad_input_exits_2_with_one_line_naming_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv_tail: list[str], payload: object, message: str
) -> None:
    code, out, err = run(["score", *argv_tail, write(tmp_path, payload)], capsys)
    assert code == 2
    assert out == ""
    assert err.startswith(message)
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["score", "odi", str(tmp_path / "nope.json")], capsys)
    assert code == 2
    assert err.startswith("rugpad: file: cannot read")


def test_instruments_lists_every_instrument_with_its_licence(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["instruments"], capsys)
    listing = {entry["code"]: entry for entry in json.loads(out)}
    assert code == 0
    assert set(listing) == {"startback", "odi", "rmdq", "ndi", "nprs", "psk", "gpe", "qbpds"}
    assert listing["startback"]["licence"]["holder"] == "Keele University"
    assert listing["odi"]["score_range"] == [0, 100]
    assert "wording_en" in listing["gpe"]["unverified"]


def test_instruments_text_format_shows_licences(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["instruments", "--format", "text", "--lang", "nl"], capsys)
    assert code == 0
    assert "odi: Oswestry Disability Index (ODI)" in out
    assert "licentie: Mapi Research Trust" in out  # the labels in Dutch too, not only the content
