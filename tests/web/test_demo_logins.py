"""The logins `rugpad serve --demo` prints are true on every start: each one it lists under "password (all)" signs in
with that password, also on a second start after accounts changed (a patient chose a password of their own, an
account without a usable password, a deactivated one). The server's own command runs twice on a private data
folder (SQLite, whatever DATABASE_URL says), and the printed names are then signed in with Django's authenticate().
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.web.realserver import migrated_sqlite

pytestmark = [
    pytest.mark.db_agnostic,  # the same SQL on every database: CI runs it on SQLite only
    pytest.mark.real_server,  # starts rugpad's own commands: run beside the other web tests in CI
]

CLI = [sys.executable, "-c", "import sys; from rugpad.cli import main; sys.exit(main())"]
LINE = re.compile(
    r"^  (clinicians|practice admin|patients|participants|password \(all\)|own password|invited):\s+(.*)$"
)

CHANGE_ACCOUNTS = """
import django
django.setup()
from rugpad.web.practice.models import Role, User
from rugpad.web.care.models import Patient

lotte = User.objects.get(username="lotte")
lotte.set_password("lottes-own-secret-9")  # a demo patient who changed her password
lotte.save()
pieter = User.objects.get(username="pieter")
pieter.is_active = False  # a clinician who left the practice
pieter.save()
noor = Patient.objects.get(first_name="Noor", last_name="Bos")
account = User(username="noor", first_name="Noor", last_name="Bos", practice=noor.practice, role=Role.PATIENT)
account.set_unusable_password()  # an invited patient with an account but no password yet
account.save()
noor.user = account
noor.save(update_fields=["user"])
"""

SIGN_IN = """
import json, sys
import django
django.setup()
from django.contrib.auth import authenticate
from django.test import RequestFactory

names, password = json.loads(sys.argv[1])
request = RequestFactory().post("/login/", REMOTE_ADDR="127.0.0.1")
print(json.dumps({name: authenticate(request, username=name, password=password) is not None for name in names}))
"""


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(RUGPAD_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="rugpad.web.settings")
    return env


def _printed(output: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for line in output.splitlines() if (m := LINE.match(line))}


def _names(value: str) -> list[str]:
    return [name.strip() for name in value.split("(")[0].split(",") if name.strip()]


def _prepare(env: dict[str, str]) -> dict[str, str]:
    done = subprocess.run(
        [*CLI, "serve", "--demo", "--prepare-only"], env=env, capture_output=True, text=True, check=True
    )
    return _printed(done.stdout)


def _python(code: str, env: dict[str, str], *argv: str) -> str:
    done = subprocess.run([sys.executable, "-c", code, *argv], env=env, capture_output=True, text=True, check=True)
    return done.stdout


def _sign_in(printed: dict[str, str], env: dict[str, str]) -> dict[str, bool]:
    names = [name for label in ("clinicians", "practice admin", "patients", "participants")
             for name in _names(printed.get(label, ""))]  # fmt: skip
    answer: dict[str, bool] = json.loads(_python(SIGN_IN, env, json.dumps([names, printed["password (all)"]])))
    return answer


def test_every_printed_login_signs_in_on_the_first_and_the_second_start(tmp_path: Path) -> None:
    env = _env(tmp_path / "data")
    migrated_sqlite(tmp_path / "data")  # the demo's first load, not the first install, is what this is about

    first = _prepare(env)
    assert _names(first["clinicians"]) == ["anna", "pieter"]
    assert _names(first["practice admin"]) == ["beheer"]
    assert set(_names(first["patients"])) == {"emma", "lotte", "marleen", "sanne"}
    assert _names(first["participants"]) == ["ellen"]
    assert _names(first["invited"]) == ["Noor Bos"]
    assert all(_sign_in(first, env).values()), first

    _python(CHANGE_ACCOUNTS, env)
    second = _prepare(env)
    signed_in = _sign_in(second, env)
    assert signed_in and all(signed_in.values()), second
    assert _names(second["clinicians"]) == ["anna"]
    assert set(_names(second["patients"])) == {"emma", "marleen", "sanne"}
    assert _names(second["own password"]) == ["lotte"]
    assert "noor" not in second["patients"] and "noor" not in second.get("own password", "")
    # Noor has an account now, so she is no longer "invited, no account yet".
    assert "invited" not in second
