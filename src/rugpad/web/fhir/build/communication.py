"""Communication: the messages of an episode's thread between the patient and the practice's clinicians.

`sent` is when the message was written, `received` when the other side first read it (the patient for a clinician's
message, any clinician of the practice for the patient's); `about` points at the thread's EpisodeOfCare (R4's
`encounter` takes an Encounter only). A clinician's note written when acknowledging a portal alert is a message of
the thread too, and says so in its category. Messages are delivered as they are stored, so the status is
`completed`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.db.models.functions import Coalesce

from rugpad.web.care.access import reach
from rugpad.web.fhir.codes import code_system
from rugpad.web.fhir.registry import BuildContext, ResourceKind, register
from rugpad.web.fhir.validate import validated
from rugpad.web.portal.models import Message
from rugpad.web.practice.models import User

CATEGORY = code_system("message-kind")


def records(user: User) -> QuerySet[Message]:
    """The messages of the patients the user may see; a message changes once, when it is first read."""
    return (
        Message.objects.filter(reach(user, "patient__"))
        .select_related("patient__practice", "author")
        .annotate(last_changed=Coalesce("read_at", "created_at"))
    )


def _person(user: User | None) -> dict[str, Any]:
    if user is None:
        return {"display": "?"}
    return {"display": user.get_full_name() or user.get_username()}


def build(rows: Sequence[Message], ctx: BuildContext) -> list[dict[str, Any]]:
    return [_message(row) for row in rows]


def _message(message: Message) -> dict[str, Any]:
    patient = message.patient
    patient_ref = {"reference": f"Patient/{patient.pk}", "display": str(patient)}
    practice_ref = {"display": str(patient.practice)}
    kind = "from-patient" if message.from_patient else ("alert-note" if message.alert_id else "to-patient")
    resource: dict[str, Any] = {
        "resourceType": "Communication",
        "id": str(message.pk),
        "meta": {"lastUpdated": message.last_changed},  # type: ignore[attr-defined]
        "status": "completed",
        "category": [{"coding": [{"system": CATEGORY, "code": kind}]}],
        "subject": patient_ref,
        "sent": message.created_at,
        "sender": patient_ref if message.from_patient else _person(message.author),
        "recipient": [practice_ref if message.from_patient else patient_ref],
        "payload": [{"contentString": message.body}],
    }
    if message.episode_id is not None:
        resource["about"] = [{"reference": f"EpisodeOfCare/{message.episode_id}"}]
    if message.read_at is not None:
        resource["received"] = message.read_at
    return validated(resource)


KIND = register(
    ResourceKind(
        type="Communication",
        records=records,
        patient_field="patient_id",
        date_field="created_at",
        updated_field="last_changed",
        build=build,
    )
)
