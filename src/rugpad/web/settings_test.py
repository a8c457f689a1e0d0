"""Settings for the test suite: the normal settings in a throw-away data folder, with a fast password hasher."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("RUGPAD_DATA_DIR", tempfile.mkdtemp(prefix="rugpad-test-"))

from rugpad.web.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # tests only: Argon2 is slow on purpose
