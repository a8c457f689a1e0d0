"""The work app's periodic job, found by djhuey's autodiscovery of `tasks` modules. Crontabs are in UTC; the breaks
themselves are local times, judged in `scheduling`."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab  # type: ignore[import-untyped]
from huey.contrib.djhuey import db_periodic_task  # type: ignore[import-untyped]

from rugpad.web.work import scheduling


@db_periodic_task(crontab(minute="*/5"))  # type: ignore[untyped-decorator]
def send_break_reminders() -> int:
    """Every five minutes: the breaks whose time has come (each reminded of at most once, see `scheduling`)."""
    return len(scheduling.send_break_reminders(timezone.now()))
