"""A plan item's words move from one column per language (text_nl, text_en, why_nl, why_en) to one mapping per
text keyed by language code, so a language is added as data, not as a column."""

from __future__ import annotations

from typing import Any

from django.db import migrations, models


def _by_language(nl: str, en: str) -> dict[str, str]:
    return {lang: value for lang, value in (("nl", nl), ("en", en)) if value}


def forward(apps: Any, schema_editor: Any) -> None:
    items = apps.get_model("plans", "PlanItem")
    for item in items.objects.only("pk", "text_nl", "text_en", "why_nl", "why_en").iterator(chunk_size=2000):
        item.text = _by_language(item.text_nl, item.text_en)
        item.why = _by_language(item.why_nl, item.why_en)
        item.save(update_fields=["text", "why"])


def backward(apps: Any, schema_editor: Any) -> None:
    items = apps.get_model("plans", "PlanItem")
    for item in items.objects.only("pk", "text", "why").iterator(chunk_size=2000):
        item.text_nl, item.text_en = item.text.get("nl", ""), item.text.get("en", "")
        item.why_nl, item.why_en = item.why.get("nl", ""), item.why.get("en", "")
        item.save(update_fields=["text_nl", "text_en", "why_nl", "why_en"])


class Migration(migrations.Migration):
    dependencies = [("plans", "0004_version_items_cleanup")]

    operations = [
        migrations.AddField("planitem", "text", models.JSONField(blank=True, default=dict)),
        migrations.AddField("planitem", "why", models.JSONField(blank=True, default=dict)),
        migrations.RunPython(forward, backward),
        migrations.RemoveField("planitem", "text_nl"),
        migrations.RemoveField("planitem", "text_en"),
        migrations.RemoveField("planitem", "why_nl"),
        migrations.RemoveField("planitem", "why_en"),
    ]
