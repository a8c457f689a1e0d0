"""Plan versions list their items through `VersionItem`, step 1 of 3: the new table and `PlanItem.plan` (nullable
until step 2 fills it). The old `PlanItem.version` and `position` become nullable (so the way back can re-add them
before filling them) and the old link's reverse name moves aside for the new `items` field."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="planitem",
            name="version",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="legacy_items",
                to="plans.planversion",
            ),
        ),
        migrations.AlterField(
            model_name="planitem", name="position", field=models.PositiveSmallIntegerField(null=True)
        ),
        migrations.AddField(
            model_name="planitem",
            name="plan",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.CASCADE, related_name="items", to="plans.treatmentplan"
            ),
        ),
        migrations.CreateModel(
            name="VersionItem",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("position", models.PositiveSmallIntegerField()),
                (
                    "item",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="placements", to="plans.planitem"
                    ),
                ),
                (
                    "version",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="placements", to="plans.planversion"
                    ),
                ),
            ],
            options={"ordering": ["version", "position"]},
        ),
        migrations.AddField(
            model_name="planversion",
            name="items",
            field=models.ManyToManyField(related_name="versions", through="plans.VersionItem", to="plans.planitem"),
        ),
        migrations.AddConstraint(
            model_name="versionitem",
            constraint=models.UniqueConstraint(
                fields=("version", "position"), name="plans_versionitem_position_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="versionitem",
            constraint=models.UniqueConstraint(fields=("version", "item"), name="plans_versionitem_item_unique"),
        ),
    ]
