"""`manage.py rugpad_schedule [--date YYYY-MM-DD]`: request every due questionnaire of every open episode, and keep
every red flag that time alone has raised (an age or a duration that passed a rule's threshold).

Run it daily (cron). Idempotent: a moment's questionnaire is never requested twice, a flag never raised twice. The
audit trail names the treating clinician, on whose behalf the request goes out (NEN 7513)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from rugpad.web.care.actions import do_store_pending_flags
from rugpad.web.care.models import Episode, EpisodeStatus
from rugpad.web.demo import as_user
from rugpad.web.outcomes import actions, clock


class Command(BaseCommand):
    help = "Send the questionnaires that have fallen due to patients (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=dt.date.fromisoformat, default=None, help="today's date (for testing)")

    def handle(self, *args: Any, **options: Any) -> None:
        today = options["date"] or clock.today()
        sent = skipped = raised = 0
        for episode in Episode.objects.filter(status=EpisodeStatus.OPEN).select_related("patient__clinician"):
            clinician = episode.patient.clinician
            if clinician is None:
                skipped += 1
                continue
            raised += len(do_store_pending_flags(as_user(clinician), episode, today))
            sent += len(actions.do_request_due(as_user(clinician), episode, today))
        self.stdout.write(
            f"{sent} questionnaires requested; {raised} red flags raised; "
            f"{skipped} episodes without a treating clinician skipped"
        )
