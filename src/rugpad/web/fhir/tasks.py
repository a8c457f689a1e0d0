"""The background work of /fhir/ (Huey finds this module by its name): the bulk export, and the removal of old
exports' files."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab  # type: ignore[import-untyped]
from huey.contrib.djhuey import db_periodic_task, db_task  # type: ignore[import-untyped]

from rugpad.web.fhir import export


@db_task()  # type: ignore[untyped-decorator]
def run_export(job_id: str) -> None:
    """One `$export` from start to manifest (see `fhir.export`); a second delivery of the task does nothing."""
    export.run(job_id)


@db_periodic_task(crontab(minute="23"))  # type: ignore[untyped-decorator]
def remove_old_exports() -> int:
    """Hourly: exports older than `export.KEEP_HOURS` leave the data folder."""
    return export.remove_old_exports(timezone.now())
