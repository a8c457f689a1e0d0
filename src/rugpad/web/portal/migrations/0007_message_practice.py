"""Each message repeats its patient's practice, so the dashboard counts the practice's unread messages through one
index range instead of walking the practice's patients. The backfill is one set-based UPDATE."""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Q, Subquery


def fill(apps: Any, schema_editor: Any) -> None:
    Message = apps.get_model("portal", "Message")
    Patient = apps.get_model("care", "Patient")
    Message.objects.update(
        practice_id=Subquery(Patient.objects.filter(pk=OuterRef("patient_id")).values("practice_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0005_scale_indexes_2"),
        ("practice", "0004_staff_invitations_and_password_resets"),
        ("portal", "0006_message_threads"),
    ]

    operations = [
        migrations.AddField(
            model_name="message",
            name="practice",
            field=models.ForeignKey(
                db_index=False,
                help_text="The patient's practice, repeated here so that the practice's unread messages are one index range.",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="practice.practice",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="message",
            name="practice",
            field=models.ForeignKey(
                db_index=False,
                help_text="The patient's practice, repeated here so that the practice's unread messages are one index range.",
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="practice.practice",
            ),
        ),
        migrations.AddIndex(
            model_name="message",
            index=models.Index(
                condition=Q(read_at__isnull=True),
                fields=["practice", "from_patient", "episode"],
                name="portal_message_practice_unread",
            ),
        ),
    ]
