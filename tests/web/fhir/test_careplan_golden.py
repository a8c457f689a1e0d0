"""Golden files of CarePlan, ServiceRequest, Communication, DocumentReference and Composition (`golden/<Type>.json`):
each type's resources of the demo patient who has them, fetched as an outside system fetches them and compared
whole, normalised as `test_fhir_golden` normalises the other types — plus what only these types hold: contained
Goal ids, the Binary URL's id, and the PDF's size and hash (its metadata holds the moment it was made). Rewrite after
an intended change with `RUGPAD_REWRITE_GOLDEN=1 pytest tests/web/fhir/test_careplan_golden.py`, then read the diff.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone

from rugpad.web.care.models import Patient
from tests.web.fhir.conftest import Demo, bearer, get, resources
from tests.web.fhir.test_fhir_golden import Normaliser, _compare

pytestmark = pytest.mark.db_agnostic  # the same SQL on every database: CI runs it on SQLite only

DEMO_PATIENT = {
    "CarePlan": "Peeters",
    "Communication": "Peeters",
    "ServiceRequest": "Visser",
    "DocumentReference": "de Wit",
    "Composition": "de Wit",
}
"""Whose resources each file holds: the demo patient with a plan and a message thread (Emma Peeters), with red flags
acted on (Truus Visser), and discharged with a consented GP letter (Henk de Wit)."""

CONTAINED = re.compile(r"^(#?)goal-(\d+)$")
URL_ID = re.compile(r"^(https?://.+/)(?P<type>[A-Z][A-Za-z]+)/(?P<id>\d+)$")


class Normalise(Normaliser):
    def _text(self, value: str) -> str:
        if (match := CONTAINED.match(value)) is not None:
            return f"{match.group(1)}goal-{self._id('Goal', match.group(2))}"
        if (match := URL_ID.match(value)) is not None:
            return f"{match.group(1)}{match['type']}/{self._id(match['type'], match['id'])}"
        return super()._text(value)

    def __call__(self, node: Any, resource_type: str | None = None) -> Any:
        if isinstance(node, dict) and "contentType" in node:
            node = {**node, **{k: f"<{k}>" for k in ("size", "hash") if k in node}}
        if isinstance(node, dict) and node.get("resourceType") == "Goal":
            node = {**node, "id": f"goal-{node['id'].removeprefix('goal-')}"}
            return {k: self._text(v) if k == "id" else self(v, "Goal") for k, v in node.items()}
        return super().__call__(node, resource_type)


@pytest.mark.parametrize("resource_type", list(DEMO_PATIENT))
def test_each_type_of_one_demo_patient_matches_its_golden_file(demo: Demo, db: None, resource_type: str) -> None:
    patient = Patient.objects.get(last_name=DEMO_PATIENT[resource_type]).pk
    found = resources(get(bearer(demo.token), f"/fhir/{resource_type}?patient={patient}&_count=200"))
    assert found, f"the demo patient has no {resource_type}"
    normalise = Normalise(timezone.localdate())
    normalise({"resourceType": "Patient", "id": str(patient)})  # the patient is #1 in every file
    _compare(resource_type, normalise(sorted(found, key=lambda r: int(r["id"]))))
