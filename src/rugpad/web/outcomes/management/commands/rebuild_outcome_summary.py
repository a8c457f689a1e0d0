"""`manage.py rebuild_outcome_summary`: recomputes the practice dashboard's per-episode summary from the records.

The actions keep the summary up to date in their own transactions; this is for records changed outside them (a
restore, a repair by hand) and for checking: it deletes every row and computes each again, a chunk of episodes per
transaction. The dashboard shows fewer episodes while it runs.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from rugpad.web.outcomes.summary import rebuild


class Command(BaseCommand):
    help = "Recompute the practice outcome dashboard's per-episode summary from the records."

    def handle(self, *args: Any, **options: Any) -> None:
        def progress(done: int) -> None:
            if options["verbosity"] > 1:
                self.stdout.write(f"{done:,} episodes")

        total = rebuild(progress)
        if options["verbosity"] > 0:
            self.stdout.write(f"Outcome summary rebuilt: {total:,} episodes.")
