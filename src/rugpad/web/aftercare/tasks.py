"""The aftercare job, run by the Huey consumer (djhuey finds this module by its name). It may run twice at once and
tells nobody twice (see `scheduling`). The crontab is in UTC (HUEY["utc"])."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab  # type: ignore[import-untyped]
from huey.contrib.djhuey import db_periodic_task  # type: ignore[import-untyped]

from rugpad.web.aftercare import scheduling
from rugpad.web.outcomes import clock


@db_periodic_task(crontab(minute="45", hour="4"))  # type: ignore[untyped-decorator]
def announce_due_checkins() -> dict[str, int]:
    """Daily, early in the Dutch and Belgian morning (04:45 UTC, after the questionnaires): each patient whose
    check-in after discharge has come is told there is something for them in rugpad."""
    run = scheduling.notify_due_checkins(clock.today(), timezone.now())
    return {"notified": run.notified, "skipped": run.skipped}
