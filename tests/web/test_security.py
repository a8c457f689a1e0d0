"""Security defaults: login throttling, production settings, API tokens, the OpenAPI schema, the language switch."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from rugpad.web.practice.tokens import do_create_token
from tests.web.conftest import World

ROOT = Path(__file__).resolve().parents[2]


def test_five_failed_logins_lock_the_account_even_for_the_right_password(world: World) -> None:
    client = Client()
    for _ in range(5):
        client.post(reverse("login"), {"username": world.clinician.username, "password": "wrong"})
    response = client.post(reverse("login"), {"username": world.clinician.username, "password": "pw-123456789"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_passwords_are_hashed_with_argon2_in_the_real_settings() -> None:
    from rugpad.web import settings as real

    assert real.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_production_settings_pass_the_deployment_check(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "rugpad.web.settings_production",
        "RUGPAD_SECRET_KEY": "x" * 60 + "production-like-secret-key-for-the-check",
        "RUGPAD_DATA_DIR": str(tmp_path),
        "RUGPAD_ALLOWED_HOSTS": "rugpad.example.org",
    }
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_refuse_to_start_without_a_secret(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "RUGPAD_SECRET_KEY"}
    env |= {"DJANGO_SETTINGS_MODULE": "rugpad.web.settings_production", "RUGPAD_DATA_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, str(ROOT / "manage.py"), "check"], capture_output=True, text=True, env=env)
    assert result.returncode != 0
    assert "RUGPAD_SECRET_KEY" in result.stderr


def test_api_accepts_a_bearer_token_and_refuses_a_wrong_one(world: World) -> None:
    token = do_create_token(world.clinician, "test")
    ok = Client().get("/api/patients", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert ok.status_code == 200 and [p["id"] for p in ok.json()] == [world.patient.pk]
    assert Client().get("/api/patients", HTTP_AUTHORIZATION="Bearer nope").status_code == 401


def test_api_token_is_stored_only_as_a_digest(world: World) -> None:
    token = do_create_token(world.clinician, "test")
    assert not world.clinician.api_tokens.filter(digest=token).exists()


def test_openapi_schema_lists_the_engine_and_record_routes(db: None) -> None:
    schema = Client().get("/api/openapi.json").json()
    assert {"/api/triage", "/api/score/{instrument}", "/api/patients"} <= set(schema["paths"])


def test_api_triage_answers_the_cli_contract(world: World) -> None:
    client = Client()
    client.force_login(world.clinician)
    case = {"region": "low_back", "age": 60, "signs": ["saddle_anaesthesia"]}
    result = client.post("/api/triage", case, content_type="application/json").json()
    assert result["urgency"] == "emergency"
    assert {"red_flags", "risk", "profile", "radicular", "manipulation", "recommendations"} <= set(result)


def test_api_triage_names_the_bad_field(world: World) -> None:
    client = Client()
    client.force_login(world.clinician)
    response = client.post("/api/triage", {"region": "knee"}, content_type="application/json")
    assert response.status_code == 422 and response.json()["field"] == "region"


@pytest.mark.parametrize(("language", "word"), [("nl", "Uitloggen"), ("en", "Log out")])
def test_language_switch(world: World, language: str, word: str) -> None:
    client = Client()
    client.force_login(world.clinician)
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    assert word in client.get(reverse("home")).content.decode()
