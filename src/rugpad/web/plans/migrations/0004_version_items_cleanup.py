"""Plan versions list their items through `VersionItem`, step 3 of 3: an item belongs to its plan, and its place
lives only in the versions that list it."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("plans", "0003_version_items_data")]

    operations = [
        migrations.AlterModelOptions(name="planitem", options={}),
        migrations.RemoveField(model_name="planitem", name="position"),
        migrations.RemoveField(model_name="planitem", name="version"),
        migrations.AlterField(
            model_name="planitem",
            name="plan",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="items", to="plans.treatmentplan"
            ),
        ),
    ]
