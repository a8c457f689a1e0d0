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
        "DATABASE_URL": f"sqlite:///{tmp_path / 'check.sqlite3'}",  # the check needs no server
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


def test_api_refuses_an_overlong_psk_activity_and_stores_nothing(world: World) -> None:
    client = Client()
    client.force_login(world.clinician)
    before = world.episode.responses.count()
    body = {"answers": {"1": 5, "2": 4, "3": 6}, "activities": {"1": "x" * 1000}}
    response = client.post(f"/api/episodes/{world.episode.pk}/responses/psk", body, content_type="application/json")
    assert response.status_code == 422
    assert world.episode.responses.count() == before


def test_production_settings_refuse_the_sqlite_default(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "RUGPAD_ALLOW_SQLITE")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "rugpad.web.settings_production",
        "RUGPAD_DATA_DIR": str(tmp_path),
        "RUGPAD_SECRET_KEY": "Zq8-vN3xL2mTp0cRw7KfYb5Hs1GdJ4uEo9AiCk6Xt_Vn-rP2aQ7",  # only the database is wrong
    }
    result = subprocess.run([sys.executable, str(ROOT / "manage.py"), "check"], capture_output=True, text=True, env=env)
    assert result.returncode != 0 and "DATABASE_URL" in result.stderr


def test_behind_a_proxy_the_audit_and_the_lockout_see_the_client_not_the_proxy(world: World, settings: object) -> None:
    from rugpad.web.audit.models import AuditEvent

    settings.RUGPAD_PROXY_COUNT = 1  # type: ignore[attr-defined]
    client = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    client.post(reverse("login"), {"username": world.clinician.username, "password": "wrong"})
    event = AuditEvent.objects.filter(action="login_failed").latest("at")
    assert event.ip_address == "198.51.100.7"
    assert event.practice_id == world.practice.pk  # the practice admin sees failed logins on their accounts


def test_text_typed_as_an_unknown_user_name_is_not_stored(db: None) -> None:
    from rugpad.web.audit.models import AuditEvent

    Client().post(reverse("login"), {"username": "MySecretPassword!", "password": "x"})
    assert not AuditEvent.objects.filter(summary__contains="MySecretPassword").exists()


def test_pages_with_patient_data_are_never_stored_by_the_browser(world: World) -> None:
    client = Client()
    client.force_login(world.clinician)
    response = client.get(reverse("episode_detail", args=[world.episode.pk]))
    assert "no-store" in response["Cache-Control"]


def test_sessions_end_with_the_browser_and_after_two_idle_hours(world: World) -> None:
    from django.conf import settings
    from django.contrib.sessions.models import Session

    from rugpad.web.middleware import RENEWED_AT

    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_AGE <= 2 * 60 * 60
    assert settings.RUGPAD_SESSION_RENEW_SECONDS <= 5 * 60
    client = Client()
    client.force_login(world.clinician)
    client.get(reverse("home"))
    key = client.session.session_key

    def expires() -> object:
        return Session.objects.get(session_key=key).expire_date

    first = expires()
    client.get(reverse("home"))
    assert expires() == first, "a request soon after the last renewal does not write the session"
    session = client.session
    session[RENEWED_AT] = session[RENEWED_AT] - settings.RUGPAD_SESSION_RENEW_SECONDS
    session.save()
    stale = expires()
    client.get(reverse("home"))
    assert expires() > stale, "once the renewal interval has passed, a request renews the idle timeout"


def test_a_user_changes_their_own_password_and_a_weak_one_is_refused(world: World) -> None:
    client = Client()
    client.force_login(world.clinician)
    weak = client.post(
        reverse("password_change"),
        {"old_password": "pw-123456789", "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert weak.status_code == 200 and "new_password2" in weak.context["form"].errors
    strong = "lente-fiets-wolk-2031"
    done = client.post(
        reverse("password_change"), {"old_password": "pw-123456789", "new_password1": strong, "new_password2": strong}
    )
    assert done.status_code == 302
    world.clinician.refresh_from_db()
    assert world.clinician.check_password(strong)
