"""The outcomes app's periodic job (found by djhuey's autodiscovery of `tasks`; crontabs in UTC)."""

from __future__ import annotations

from huey import crontab  # type: ignore[import-untyped]
from huey.contrib.djhuey import db_periodic_task  # type: ignore[import-untyped]

from rugpad.web.outcomes import clock, figures


@db_periodic_task(crontab(minute="0", hour="3"))  # type: ignore[untyped-decorator]
def compute_practice_figures() -> int:
    """Nightly (03:00 UTC): every practice's outcome dashboard figures of the default period, so that the first
    view of the day reads them instead of counting."""
    return figures.compute_every_practice(clock.today())
