"""Plan versions list their items through `VersionItem`, step 2 of 3: every existing item is linked to the version
that held it, at its position, and belongs to that version's plan. (Existing versions keep their own copies; only
saves from now on share unchanged rows.)"""

from typing import Any

from django.db import migrations

BATCH = 2000


def link_items(apps: Any, schema_editor: Any) -> None:
    PlanItem = apps.get_model("plans", "PlanItem")
    PlanVersion = apps.get_model("plans", "PlanVersion")
    VersionItem = apps.get_model("plans", "VersionItem")
    for version_id, plan_id in PlanVersion.objects.order_by("pk").values_list("pk", "plan_id").iterator(BATCH):
        PlanItem.objects.filter(version_id=version_id).update(plan_id=plan_id)
    rows = PlanItem.objects.order_by("pk").values_list("pk", "version_id", "position")
    links = []
    for pk, version_id, position in rows.iterator(chunk_size=BATCH):
        links.append(VersionItem(version_id=version_id, item_id=pk, position=position))
        if len(links) >= BATCH:
            VersionItem.objects.bulk_create(links)
            links = []
    VersionItem.objects.bulk_create(links)


def unlink_items(apps: Any, schema_editor: Any) -> None:
    PlanItem = apps.get_model("plans", "PlanItem")
    VersionItem = apps.get_model("plans", "VersionItem")
    for link in VersionItem.objects.order_by("pk").iterator(chunk_size=BATCH):
        # a shared row belongs to one version again: the first one listing it keeps it, later ones get a copy
        item = PlanItem.objects.get(pk=link.item_id)
        if item.version_id is None:
            PlanItem.objects.filter(pk=item.pk).update(version_id=link.version_id, position=link.position)
        else:
            item.pk = None
            item.version_id, item.position = link.version_id, link.position
            item.save()
    VersionItem.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("plans", "0002_version_items_shared")]

    operations = [migrations.RunPython(link_items, unlink_items)]
