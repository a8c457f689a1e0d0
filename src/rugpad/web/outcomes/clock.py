"""The one clock of the outcomes app: every schedule decision takes `today` as a parameter, and pages and the
`rugpad_schedule` command read it here, so tests move time by replacing `today`."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def today() -> dt.date:
    return timezone.localdate()
