"""Links the events written before the hash chain existed into it, in id order (see `audit/chain.py`).

The chain then vouches for these events from now on; what happened to them before this migration cannot be
proven either way. Runs before the triggers of 0005, which refuse every UPDATE afterwards.
"""

from typing import Any

from django.db import migrations

from rugpad.web.audit import chain


def chain_existing_events(apps: Any, schema_editor: Any) -> None:
    events = apps.get_model("audit", "AuditEvent").objects.using(schema_editor.connection.alias)
    previous, last_id = chain.GENESIS, 0
    while batch := list(events.filter(pk__gt=last_id).order_by("id")[:2000]):
        for event in batch:
            previous = chain.link(previous, event)
            events.filter(pk=event.pk).update(chain_hash=previous)
        last_id = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_hash_chain_and_protected_actor")]

    operations = [migrations.RunPython(chain_existing_events, migrations.RunPython.noop)]
