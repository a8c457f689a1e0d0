"""Django settings for rugpad, read from the environment once, at start-up.

Defaults make a fresh clone run with no set-up: SQLite in RUGPAD_DATA_DIR (default: the user's data folder)
and a development secret kept there. Production (`rugpad.web.settings_production`) refuses both defaults.

Environment:
- RUGPAD_DATA_DIR   where the SQLite database and the development secret live
- DATABASE_URL      e.g. postgres://user@127.0.0.1:5432/rugpad; SQLite in the data folder when absent
- RUGPAD_SECRET_KEY the secret key (required in production)
- RUGPAD_DEBUG      "1" for Django's debug pages (development only)
- RUGPAD_ALLOWED_HOSTS comma-separated host names
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
import django_stubs_ext
import platformdirs

from rugpad.core.vocab import LANGUAGE_NAMES

django_stubs_ext.monkeypatch()  # lets `forms.ModelForm[Patient]` and friends be subscripted at run time

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("RUGPAD_DATA_DIR") or platformdirs.user_data_dir("rugpad")).expanduser()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _development_secret() -> str:
    """A per-installation secret kept in the data folder, so sessions survive restarts in development."""
    path = DATA_DIR / "secret.key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = os.environ.get("RUGPAD_SECRET_KEY") or _development_secret()
DEBUG = os.environ.get("RUGPAD_DEBUG") == "1"
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("RUGPAD_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")]

INSTALLED_APPS = [
    # rugpad's apps first: for a msgid two catalogues share ("Change", "Sessions"), Django takes the first app's
    # translation, and the admin's wording is not rugpad's.
    "rugpad.web.practice",
    "rugpad.web.audit",
    "rugpad.web.care",
    "rugpad.web.plans",
    "rugpad.web.portal",
    "rugpad.web.outcomes",
    "rugpad.web.twofactor",
    "rugpad.web.jobs",
    "rugpad.web.fhir",
    "rugpad.web.cdshooks",
    "rugpad.web.costs",
    "rugpad.web.aftercare",
    "rugpad.web.work",
    "rugpad.web.groups",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "huey.contrib.djhuey",
    "ninja",  # the API docs page from its own pinned static files (no CDN, no inline script: see the CSP)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "rugpad.web.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "rugpad.web.twofactor.middleware.TwoFactorMiddleware",
    "rugpad.web.audit.log.AuditReadsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "rugpad.web.middleware.AbsoluteSessionLifetimeMiddleware",
    "rugpad.web.middleware.NoStoreMiddleware",
]

ROOT_URLCONF = "rugpad.web.urls"
WSGI_APPLICATION = "rugpad.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'rugpad.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] in ("django.db.backends.sqlite3", "rugpad.web.sqlite_queue"):
    # SQLite under several workers: a write transaction takes the write lock when it begins (IMMEDIATE), so a
    # read-then-write never fails half-way with "database is locked"; waiting writers queue for up to 20 s
    # (busy timeout); WAL lets readers go on while one writes; synchronous=NORMAL is safe with WAL (a power cut
    # may lose the last commits, never corrupt the file).
    # Writers of all workers queue on an operating-system lock instead of sleeping in SQLite's busy handler
    # (`rugpad.web.sqlite_queue`).
    DATABASES["default"]["ENGINE"] = "rugpad.web.sqlite_queue"
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "practice.User"

# Argon2 first: new passwords are hashed with it; older hashes are upgraded on the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: five failures lock the username+address pair for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Password spraying (one address, many accounts) is refused by the login view (`rugpad.web.login`) past this many
# failures from one address within the cool-off time; higher than the per-account limit (staff share a router).
RUGPAD_LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("RUGPAD_LOGIN_FAILURES_PER_ADDRESS", "20"))
# Behind reverse proxies (production: at least the TLS proxy) the client address comes from X-Forwarded-For.
RUGPAD_PROXY_COUNT = int(os.environ.get("RUGPAD_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "rugpad.web.audit.log.client_address"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 2 * 60 * 60  # two hours without a request ends the session
# The idle timeout is renewed by `AbsoluteSessionLifetimeMiddleware` at most once per this many seconds, not by a
# write on every request (SESSION_SAVE_EVERY_REQUEST): a page read then writes only its audit event.
RUGPAD_SESSION_RENEW_SECONDS = 300
SESSION_EXPIRE_AT_BROWSER_CLOSE = True  # shared computers and phones: closing the browser logs out
# However active, a sign-in ends after this many hours (`AbsoluteSessionLifetimeMiddleware`).
RUGPAD_SESSION_MAX_HOURS = float(os.environ.get("RUGPAD_SESSION_MAX_HOURS", "12"))
LOGIN_URL_PATH = "/login/"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "nl"
LANGUAGES = [(lang.value, name) for lang, name in LANGUAGE_NAMES.items()]  # one list: rugpad.core.vocab.Lang
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Amsterdam"
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # collectstatic fills it; WhiteNoise wants it to exist before that
# `rugpad serve` collects the static files once at start: compressed (gzip, and Brotli when installed) copies
# under content-hashed names, which WhiteNoise serves with a cache lifetime of a year ("immutable": a changed file
# gets a new name). Development with RUGPAD_DEBUG=1 serves them straight from the source folders instead.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# Mail (patient invitations): printed to the console unless an SMTP server is configured.
EMAIL_BACKEND = os.environ.get("RUGPAD_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("RUGPAD_EMAIL_HOST", "localhost")
DEFAULT_FROM_EMAIL = os.environ.get("RUGPAD_FROM_EMAIL", "rugpad@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Background jobs (Huey, `rugpad.web.jobs`): an SQLite queue in the data folder by default, so `rugpad serve` runs its
# worker beside the web server on a fresh machine; with RUGPAD_REDIS_URL (e.g. redis://127.0.0.1:6379/0) the queue
# lives in Redis and `rugpad worker` runs on any number of machines.
RUGPAD_REDIS_URL = os.environ.get("RUGPAD_REDIS_URL", "")
HUEY = {
    "name": "rugpad",
    "immediate": False,
    "utc": True,
    **(
        {"huey_class": "huey.RedisHuey", "url": RUGPAD_REDIS_URL}
        if RUGPAD_REDIS_URL
        else {"huey_class": "huey.SqliteHuey", "filename": str(DATA_DIR / "jobs.sqlite3")}
    ),
}

# Two-step sign-in (`rugpad.web.twofactor`): after the password, a code from an authenticator app (or a recovery
# code) for everybody who set it up; `settings_production` requires it of clinicians and admins, the demo leaves it
# optional. Wrong codes lock the account's second step like wrong passwords lock its first (django-axes).
RUGPAD_REQUIRE_2FA = False
RUGPAD_2FA_FAILURE_LIMIT = AXES_FAILURE_LIMIT
RUGPAD_2FA_LOCKOUT_HOURS = AXES_COOLOFF_TIME
OTP_TOTP_ISSUER = "rugpad"

# Reminders by Web Push (`rugpad.web.jobs`): the VAPID key pair that signs each push, and the contact the push services
# may write to (an e-mail address or https:// URL). Push is off, and reminders go by e-mail only, unless all three are
# set. Make a pair with `python -m rugpad.web.jobs.vapid` (README).
RUGPAD_VAPID_PUBLIC_KEY = os.environ.get("RUGPAD_VAPID_PUBLIC_KEY", "")
RUGPAD_VAPID_PRIVATE_KEY = os.environ.get("RUGPAD_VAPID_PRIVATE_KEY", "")
RUGPAD_VAPID_SUBJECT = os.environ.get("RUGPAD_VAPID_SUBJECT", "")
