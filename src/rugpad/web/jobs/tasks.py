"""rugpad's periodic jobs, run by the Huey consumer (`rugpad serve` starts one beside the web server in the embedded
SQLite mode; `rugpad worker` runs one alone, on any number of machines in the Redis mode). Huey finds this module
by its name (djhuey's autodiscovery of `tasks`). Each job may run twice at once and sends nothing twice (see
`scheduling`). The crontabs are in UTC (HUEY["utc"])."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab  # type: ignore[import-untyped]
from huey.contrib.djhuey import db_periodic_task  # type: ignore[import-untyped]

from rugpad.web.jobs import scheduling
from rugpad.web.outcomes import clock


@db_periodic_task(crontab(minute="30", hour="4"))  # type: ignore[untyped-decorator]
def request_due_questionnaires() -> dict[str, int]:
    """Daily, early in the Dutch and Belgian morning (04:30 UTC): every questionnaire that has fallen due is
    requested once, and its patient told there is something for them in rugpad."""
    run = scheduling.request_due_questionnaires(clock.today())
    return {"requested": run.requested, "raised": run.raised, "skipped": run.skipped, "notified": run.notified}


@db_periodic_task(crontab(minute="*/5"))  # type: ignore[untyped-decorator]
def send_reminders() -> int:
    """Every five minutes: the reminders whose chosen time has come."""
    return len(scheduling.send_reminders(timezone.now()))
