"""Settings for the test suite: the normal settings in a throw-away data folder, with a fast password hasher."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("RUGPAD_DATA_DIR", tempfile.mkdtemp(prefix="rugpad-test-"))

from rugpad.web.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # tests only: Argon2 is slow on purpose

# Most tests render pages without running collectstatic first: plain names, files found in the source folders.
# `tests/web/test_static_files.py` checks the production storage (hashed, compressed, cached for ever).
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
WHITENOISE_USE_FINDERS = True

# Background jobs run at once, in the test's own process (`rugpad.web.jobs` tests drive the real SQLite and Redis
# queues explicitly).
HUEY = {**HUEY, "immediate": True}  # noqa: F405
