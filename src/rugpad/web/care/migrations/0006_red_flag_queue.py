"""The practice's open red flags in the order the pages show them come from one index: each flag repeats its
patient's practice, its urgency's rank (the core's vocabulary) and whether its stage is open. The backfill is three
set-based UPDATEs, whatever the number of flags."""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Case, OuterRef, Subquery, Value, When

from rugpad.core.vocab import Urgency

OPEN_STAGES = ("raised", "acted")


def fill(apps: Any, schema_editor: Any) -> None:
    RedFlag = apps.get_model("care", "RedFlag")
    Episode = apps.get_model("care", "Episode")
    practice = Episode.objects.filter(pk=OuterRef("episode_id")).values("patient__practice_id")[:1]
    rank = Case(*(When(urgency=u.value, then=Value(u.rank)) for u in Urgency), default=Value(Urgency.NONE.rank))
    RedFlag.objects.update(practice_id=Subquery(practice), urgency_rank=rank)
    RedFlag.objects.exclude(stage__in=OPEN_STAGES).update(is_open=False)


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0005_scale_indexes_2"),
        ("practice", "0004_staff_invitations_and_password_resets"),
    ]

    operations = [
        migrations.AddField(
            model_name="redflag",
            name="practice",
            field=models.ForeignKey(
                db_index=False,
                help_text="The patient's practice.",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="practice.practice",
            ),
        ),
        migrations.AddField(
            model_name="redflag",
            name="urgency_rank",
            field=models.PositiveSmallIntegerField(
                default=0, help_text="The urgency's rank in the core's vocabulary, 0 first."
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="redflag",
            name="is_open",
            field=models.BooleanField(default=True, help_text="The stage is one of `OPEN_STAGES`."),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="redflag",
            name="practice",
            field=models.ForeignKey(
                db_index=False,
                help_text="The patient's practice.",
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="practice.practice",
            ),
        ),
        migrations.AddIndex(
            model_name="redflag",
            index=models.Index(
                fields=["practice", "urgency_rank", "-stage", "raised_at", "id"],
                condition=models.Q(is_open=True),
                name="care_redflag_queue",
            ),
        ),
    ]
