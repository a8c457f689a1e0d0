"""Production settings: everything of `settings`, hardened. Refuses to start with development defaults."""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

from rugpad.web.settings import *  # noqa: F403

MIN_SECRET_LENGTH = 50
MIN_SECRET_DISTINCT = 16  # a random key of 50 URL-safe characters has ~35 distinct ones; "a" * 60 has one


def _strong_secret(secret: str) -> bool:
    """Long and varied enough to be random: at least 50 characters, of at least 16 different kinds."""
    return len(secret) >= MIN_SECRET_LENGTH and len(set(secret)) >= MIN_SECRET_DISTINCT


if not _strong_secret(os.environ.get("RUGPAD_SECRET_KEY", "")):
    raise ImproperlyConfigured(
        "RUGPAD_SECRET_KEY must be set in production: a random string of at least 50 characters "
        "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )
if not os.environ.get("DATABASE_URL") and os.environ.get("RUGPAD_ALLOW_SQLITE") != "1":
    raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL in production (or set RUGPAD_ALLOW_SQLITE=1).")
if os.environ.get("RUGPAD_DEBUG") == "1":
    raise ImproperlyConfigured("RUGPAD_DEBUG must not be set in production.")

DEBUG = False
# How many reverse proxies in front of rugpad append to X-Forwarded-For (1 behind one TLS-terminating proxy). The
# default trusts none: a forged header can then never pick the address that the audit log and the lock-out see.
RUGPAD_PROXY_COUNT = int(os.environ.get("RUGPAD_PROXY_COUNT", "0"))
SECURE_SSL_REDIRECT = os.environ.get("RUGPAD_SSL_REDIRECT", "1") == "1"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
EMAIL_BACKEND = os.environ.get("RUGPAD_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("RUGPAD_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
# Two-step sign-in for everybody who can reach patient records or run the practice (NEN 7510: strong
# authentication); patients may choose it (`rugpad.web.twofactor`).
RUGPAD_REQUIRE_2FA = True
