"""A sign-in has an absolute lifetime, and production refuses a secret key that is long but not random
(issue 9, item 8)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse

from rugpad.web.middleware import SIGNED_IN_AT
from tests.web.conftest import World, client_for

ROOT = Path(__file__).resolve().parents[2]


def test_a_session_ends_after_its_absolute_lifetime_however_active(world: World, settings: object) -> None:
    settings.RUGPAD_SESSION_MAX_HOURS = 12  # type: ignore[attr-defined]
    client = client_for(world.clinician)
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    assert SIGNED_IN_AT in session, "the first request after sign-in stamps the time"
    session[SIGNED_IN_AT] = time.time() - 11 * 3600
    session.save()
    assert client.get(reverse("home")).status_code == 200, "within the lifetime: still signed in"
    session = client.session
    session[SIGNED_IN_AT] = time.time() - 13 * 3600
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert "_auth_user_id" not in client.session, "signed out, not just redirected"


@pytest.mark.parametrize(
    ("secret", "accepted"),
    [
        ("a" * 60, False),
        ("ab" * 40, False),
        ("Zq8-vN3xL2mTp0cRw7KfYb5Hs1GdJ4uEo9AiCk6Xt_Vn", False),  # varied but too short
        ("Zq8-vN3xL2mTp0cRw7KfYb5Hs1GdJ4uEo9AiCk6Xt_Vn-rP2aQ7", True),
    ],
)
def test_production_refuses_a_secret_that_is_not_long_and_random(tmp_path: Path, secret: str, accepted: bool) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE",)}
    env |= {
        "DJANGO_SETTINGS_MODULE": "rugpad.web.settings_production",
        "RUGPAD_DATA_DIR": str(tmp_path),
        "RUGPAD_SECRET_KEY": secret,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'check.sqlite3'}",
        "RUGPAD_ALLOWED_HOSTS": "rugpad.example.org",
    }
    result = subprocess.run([sys.executable, str(ROOT / "manage.py"), "check"], capture_output=True, text=True, env=env)
    assert (result.returncode == 0) is accepted, result.stderr[-400:]
    if not accepted:
        assert "RUGPAD_SECRET_KEY" in result.stderr


def test_password_spraying_from_one_address_is_refused_past_the_address_limit(world: World, settings: object) -> None:
    """One address trying one password on many accounts never trips the per-account lock; the address limit does."""
    from django.test import Client

    from rugpad.web.practice.models import Role, User

    settings.RUGPAD_LOGIN_FAILURES_PER_ADDRESS = 6  # type: ignore[attr-defined]
    sprayer = Client(REMOTE_ADDR="203.0.113.9")
    for number in range(6):
        user = User.objects.create_user(
            f"staff{number}", password="pw-123456789", practice=world.practice, role=Role.CLINICIAN
        )
        assert sprayer.post(reverse("login"), {"username": user.username, "password": "Zomer2026!"}).status_code == 200
    refused = sprayer.post(reverse("login"), {"username": world.clinician.username, "password": "pw-123456789"})
    assert refused.status_code == 429 and "_auth_user_id" not in sprayer.session
    elsewhere = Client(REMOTE_ADDR="198.51.100.20")
    signed_in = elsewhere.post(reverse("login"), {"username": world.clinician.username, "password": "pw-123456789"})
    assert signed_in.status_code == 302, "another address is not affected"
