"""Moves every sheet of django-otp's plain-text recovery codes (`otp_static`) into `RecoveryDevice`s holding only
keyed hashes, and deletes the plain ones: a user's unused codes keep working, and the database no longer holds any.

Not reversible in effect: a hash cannot be turned back into a code, so going back leaves the users without recovery
codes (they make a new sheet on their two-step sign-in page)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from rugpad.web.twofactor.models import code_digest, new_salt


def hash_plain_codes(apps: Any, schema_editor: Any) -> None:
    static_device = apps.get_model("otp_static", "StaticDevice")
    static_token = apps.get_model("otp_static", "StaticToken")
    recovery_device = apps.get_model("twofactor", "RecoveryDevice")
    recovery_code = apps.get_model("twofactor", "RecoveryCode")
    for old in static_device.objects.order_by("pk").iterator():
        new = recovery_device.objects.create(
            user_id=old.user_id,
            name=old.name,
            confirmed=old.confirmed,
            salt=new_salt(),
            throttling_failure_timestamp=old.throttling_failure_timestamp,
            throttling_failure_count=old.throttling_failure_count,
            last_used_at=old.last_used_at,
        )
        if old.created_at is not None:  # auto_now_add set it to now; keep the day the sheet was made
            recovery_device.objects.filter(pk=new.pk).update(created_at=old.created_at)
        tokens = static_token.objects.filter(device_id=old.pk).values_list("token", flat=True)
        recovery_code.objects.bulk_create(
            recovery_code(device_id=new.pk, digest=code_digest(new.salt, token.lower())) for token in tokens
        )
    static_token.objects.all().delete()
    static_device.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("twofactor", "0001_initial"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(hash_plain_codes, migrations.RunPython.noop)]
