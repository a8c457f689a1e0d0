"""Portal settings with their defaults; a deployment may set them in the Django settings."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

INVITATION_DAYS = 7
"""How long an invitation link works (setting PORTAL_INVITATION_DAYS)."""
DIARY_EDIT_HOURS = 24
"""How long after saving a diary entry the patient may still correct it (setting PORTAL_DIARY_EDIT_HOURS)."""


def invitation_lifetime() -> dt.timedelta:
    return dt.timedelta(days=getattr(settings, "PORTAL_INVITATION_DAYS", INVITATION_DAYS))


def diary_edit_window() -> dt.timedelta:
    return dt.timedelta(hours=getattr(settings, "PORTAL_DIARY_EDIT_HOURS", DIARY_EDIT_HOURS))
