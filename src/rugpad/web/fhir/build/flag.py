"""Flag: every stored red flag (`care.RedFlag`) with its life cycle as the engine's episode state reads it.

- `status`: `active` while the flag is open (raised, or acted on and awaiting the doctor), else `inactive`;
- `period`: from raised to the event that closed it (excluded, confirmed or withdrawn);
- `code`: the red-flag rule in rugpad's `red-flag` code system, its name as display (English) and text (the
  reader's language); `category`: clinical;
- extensions: `red-flag-urgency` and `red-flag-stage` (codes of rugpad's `urgency` and `red-flag-stage` systems),
  `red-flag-action` (what the rule says to do, in the reader's language).
`meta.lastUpdated` is the newest event's recording time, else when the flag was raised.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import DateTimeField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from rugpad.core.episode import FlagView
from rugpad.core.vocab import Lang
from rugpad.web.care.access import reach
from rugpad.web.care.models import RedFlag, RedFlagEvent
from rugpad.web.fhir.codes import coding, extension, instant, reference
from rugpad.web.fhir.registry import BuildContext, ResourceKind, register
from rugpad.web.fhir.validate import validated
from rugpad.web.practice.models import User

URGENCY = extension("red-flag-urgency")
STAGE = extension("red-flag-stage")
ACTION = extension("red-flag-action")
URGENCY_WORDS = {"emergency": "Emergency", "urgent": "Urgent", "soon": "Soon", "none": "None"}
STAGE_WORDS = {
    "raised": "Raised, no action yet",
    "acted": "Action taken, awaiting the doctor's assessment",
    "excluded": "Excluded by a doctor",
    "confirmed": "Confirmed by a doctor, referred",
    "withdrawn": "Withdrawn, raised in error",
}
CLOSING = ("excluded", "confirmed", "withdrawn")


def records(user: User) -> QuerySet[RedFlag]:
    newest_event = RedFlagEvent.objects.filter(flag=OuterRef("pk")).order_by("-recorded_at", "-pk")
    return (
        RedFlag.objects.filter(reach(user, "episode__patient__"))
        .select_related("episode__patient")
        .annotate(
            last_changed=Coalesce(
                Subquery(newest_event.values("recorded_at")[:1]), "raised_at", output_field=DateTimeField()
            )
        )
    )


def flag_resource(flag: Any, view: FlagView, lang: str) -> dict[str, Any]:
    stage = str(view.stage)
    period = {"start": instant(flag.raised_at)}
    if not view.is_open and view.record is not None:
        closing = [event.at for event in view.record.events if str(event.kind) in CLOSING]
        if closing:
            period["end"] = instant(closing[-1])
    return validated(
        {
            "resourceType": "Flag",
            "id": str(flag.pk),
            "meta": {"lastUpdated": instant(flag.last_changed)},
            "extension": [
                {"url": URGENCY, "valueCoding": coding("urgency", str(view.urgency), URGENCY_WORDS[str(view.urgency)])},
                {"url": STAGE, "valueCoding": coding("red-flag-stage", stage, STAGE_WORDS[stage])},
                {"url": ACTION, "valueString": view.action.get(lang)},
            ],
            "status": "active" if view.is_open else "inactive",
            "category": [
                {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/flag-category",
                            "code": "clinical",
                            "display": "Clinical",
                        }
                    ]
                }
            ],
            "code": {"coding": [coding("red-flag", view.rule_id, view.name.get(Lang.EN))], "text": view.name.get(lang)},
            "subject": reference("Patient", flag.episode.patient_id),
            "period": period,
        }
    )


def build(rows: Sequence[RedFlag], ctx: BuildContext) -> list[dict[str, Any]]:
    states = ctx.states([flag.episode for flag in rows])
    views = {int(view.record.key): view for state in states.values() for view in state.flags if view.record is not None}
    return [flag_resource(flag, views[flag.pk], ctx.lang) for flag in rows]


KIND = register(
    ResourceKind(
        type="Flag",
        records=records,
        patient_field="episode__patient_id",
        date_field="raised_at",
        updated_field="last_changed",
        build=build,
    )
)
