"""`rugpad createadmin`: the first practice and its admin, non-interactively; refusals are exit 2 with one line
naming the field, and nothing is written then."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from rugpad.cli import main

PASSWORD = "a-long-and-unusual-pass 42"
ARGS = ["createadmin", "--practice", "Fysio De Brug", "--country", "be", "--username", "anna", "--password-stdin"]


def _run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], args: list[str], stdin: str
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    try:
        code = main(args)
    except SystemExit as stop:
        code = int(stop.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_createadmin_creates_the_practice_and_its_admin(
    db: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from rugpad.web.audit.models import AuditEvent
    from rugpad.web.practice.models import Role, User

    code, out, err = _run(monkeypatch, capsys, [*ARGS, "--email", "anna@example.be"], PASSWORD + "\n")
    assert (code, err) == (0, "") and "Fysio De Brug" in out
    admin = User.objects.get(username="anna")
    assert admin.role == Role.ADMIN and admin.is_practice_admin and admin.check_password(PASSWORD)
    assert admin.practice is not None and (admin.practice.name, admin.practice.country) == ("Fysio De Brug", "be")
    assert admin.email == "anna@example.be"
    assert AuditEvent.objects.filter(actor=admin, object_type="practice").exists()


def test_createadmin_refuses_an_existing_username_and_creates_nothing(
    db: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from rugpad.web.practice.models import Practice

    assert _run(monkeypatch, capsys, ARGS, PASSWORD)[0] == 0
    code, _out, err = _run(monkeypatch, capsys, [*ARGS[:-2], "ANNA", "--password-stdin"], PASSWORD)
    assert code == 2 and err.count("\n") == 1 and err.startswith("rugpad: username:")
    assert Practice.objects.count() == 1


@pytest.mark.parametrize("weak", ["short", "1234567890123", "password123", "anna-anna"])
def test_createadmin_refuses_a_weak_password_naming_the_field(
    db: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], weak: str
) -> None:
    from rugpad.web.practice.models import User

    code, out, err = _run(monkeypatch, capsys, ARGS, weak + "\n")
    assert code == 2 and out == "" and err.count("\n") == 1 and err.startswith("rugpad: password:"), err
    assert not User.objects.filter(username="anna").exists()


def test_createadmin_without_a_terminal_needs_password_stdin(
    db: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = _run(monkeypatch, capsys, ARGS[:-1], PASSWORD)
    assert code == 2 and err.startswith("rugpad: password:") and "--password-stdin" in err


def test_createadmin_refuses_a_bad_email_or_username_naming_the_field(
    db: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(monkeypatch, capsys, [*ARGS, "--email", "not-an-address"], PASSWORD)[2].startswith("rugpad: email:")
    bad_name = ["createadmin", "--practice", "P", "--username", "an na", "--password-stdin"]
    assert _run(monkeypatch, capsys, bad_name, PASSWORD)[2].startswith("rugpad: username:")
    no_practice = ["createadmin", "--practice", " ", "--username", "anna", "--password-stdin"]
    assert _run(monkeypatch, capsys, no_practice, PASSWORD)[2].startswith("rugpad: practice:")


def test_createadmin_sets_up_a_fresh_install(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["RUGPAD_DATA_DIR"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from rugpad.cli import main; sys.exit(main())", *ARGS],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(tmp_path / "rugpad.sqlite3") as database:
        rows = database.execute(
            "select u.username, u.role, p.name from practice_user u join practice_practice p on p.id = u.practice_id"
        ).fetchall()
    assert rows == [("anna", "admin", "Fysio De Brug")]
