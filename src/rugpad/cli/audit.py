"""`rugpad audit verify`: walk the audit log's hash chain and report the first broken link.

Exit 0 when every event follows from the one before it (the count and the head hash are printed: note the head
elsewhere, and a later run proves nothing was cut off the end); exit 1 naming the first event that does not
follow — it was changed or inserted, or the event before it was removed. Reads the database of the settings
(`rugpad.web.settings` unless DJANGO_SETTINGS_MODULE names others), like `rugpad serve`.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

EXIT_BROKEN = 1


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser("audit", help="check the audit log")
    actions = parser.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    verify = actions.add_parser("verify", help="walk the hash chain and report the first broken link")
    verify.set_defaults(run=run_verify)


def run_verify(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rugpad.web.settings")
    import django

    django.setup()
    from rugpad.web.audit import chain
    from rugpad.web.audit.models import AuditEvent

    events = AuditEvent.objects.order_by("id").iterator(chunk_size=2000)
    verdict = chain.verify(events)
    if verdict.intact:
        print(f"audit log intact: {verdict.checked} events, head {verdict.head}")
        return 0
    print(
        f"audit log broken at event {verdict.broken_at}: its hash does not follow from the event before it "
        f"(this event was changed or inserted, or the one before it removed); {verdict.checked} events before it "
        "are intact"
    )
    return EXIT_BROKEN
