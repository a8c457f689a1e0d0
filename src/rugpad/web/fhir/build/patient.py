"""Patient: the demographics rugpad records — name, birth date, sex, e-mail and phone, the GP (a name only: rugpad
keeps no GP record to point at) and the practice. `meta.lastUpdated` is when the patient was registered: rugpad
keeps no time of a later edit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet

from rugpad.web.care.access import reach
from rugpad.web.care.models import Patient
from rugpad.web.fhir.codes import identifier_system, instant
from rugpad.web.fhir.registry import BuildContext, ResourceKind, register
from rugpad.web.fhir.validate import validated
from rugpad.web.practice.models import User

GENDER = {"female": "female", "male": "male", "other": "other"}
"""rugpad's sex → FHIR's administrative gender (the same three words; anything else is `unknown`)."""


def records(user: User) -> QuerySet[Patient]:
    return Patient.objects.filter(reach(user)).select_related("practice")


def patient_resource(patient: Patient) -> dict[str, Any]:
    telecom = [{"system": "email", "value": patient.email}] if patient.email else []
    if patient.phone:
        telecom.append({"system": "phone", "value": patient.phone})
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": str(patient.pk),
        "meta": {"lastUpdated": instant(patient.created_at)},
        "identifier": [{"system": identifier_system("patient"), "value": str(patient.pk)}],
        "name": [
            {
                "use": "official",
                "text": f"{patient.first_name} {patient.last_name}",
                "family": patient.last_name,
                "given": [patient.first_name],
            }
        ],
        "telecom": telecom,
        "gender": GENDER.get(patient.sex, "unknown"),
        "birthDate": patient.date_of_birth.isoformat(),
        "generalPractitioner": [{"display": patient.gp_name}] if patient.gp_name else [],
        "managingOrganization": {"display": patient.practice.name},
    }
    return validated({key: value for key, value in resource.items() if value != []})


def build(rows: Sequence[Patient], ctx: BuildContext) -> list[dict[str, Any]]:
    return [patient_resource(patient) for patient in rows]


KIND = register(
    ResourceKind(
        type="Patient", records=records, patient_field="pk", date_field=None, updated_field="created_at", build=build
    )
)
