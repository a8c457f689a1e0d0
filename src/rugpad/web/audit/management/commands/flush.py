"""Django's `flush` (wipe every table), allowed to empty the append-only audit log too.

The audit table's triggers refuse every DELETE (and TRUNCATE on PostgreSQL) unless `audit_flush_permit` holds a
row (migration 0005 explains the design). This command writes that row, runs Django's flush and removes the row,
all in one transaction: no other connection ever sees the permit, and a failed flush leaves none behind. Django's
test runner calls `flush` by name after each transactional test, so it runs this command too.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush
from django.db import connections, transaction


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        if options["interactive"]:
            confirm = input(
                f"You have requested a flush of the database {connection.settings_dict['NAME']!r}.\n"
                "This will IRREVERSIBLY DESTROY all data in it, the audit log included.\n"
                "Are you sure you want to do this?\n\n    Type 'yes' to continue, or 'no' to cancel: "
            )
            if confirm != "yes":
                self.stdout.write("Flush cancelled.")
                return
        with transaction.atomic(using=connection.alias):
            permit = "audit_flush_permit" in connection.introspection.table_names()
            with connection.cursor() as cursor:
                if permit:
                    cursor.execute("INSERT INTO audit_flush_permit (flushing) VALUES (1)")
                super().handle(**{**options, "interactive": False})
                if permit:
                    cursor.execute("DELETE FROM audit_flush_permit")
