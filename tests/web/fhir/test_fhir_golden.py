"""Golden files: each resource type this API builds, for one demo patient, fetched as an outside system fetches it
and compared whole with `golden/<Type>.json` — ids numbered by first appearance, dates within two years of today
written as days from today (`today-63d`), other dates as they are. Rewrite them after an intended change with
`RUGPAD_REWRITE_GOLDEN=1 pytest tests/web/fhir/test_fhir_golden.py` and read the diff.

And every resource the demo practice yields — every patient's `$everything`, every Questionnaire — validates with
`fhir.resources` (R4B models), the Bundles as a whole included."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from rugpad.web.care.models import Patient
from tests.web.fhir.conftest import Demo, bearer, get, next_link, resources

pytestmark = pytest.mark.db_agnostic  # the same SQL on every database: CI runs it on SQLite only

GOLDEN = Path(__file__).parent / "golden"
REWRITE = os.environ.get("RUGPAD_REWRITE_GOLDEN") == "1"
DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(T[0-9:.]+(Z|[+-]\d{2}:\d{2})?)?$")
REFERENCE = re.compile(r"^(?P<type>[A-Z][A-Za-z]+)/(?P<id>\d+)$")
OWN_TYPES = ("Patient", "EpisodeOfCare", "Condition", "QuestionnaireResponse", "Observation", "Flag")


class Normaliser:
    """Replaces what differs between runs (ids, today's dates, clock times) by stable marks."""

    def __init__(self, today: dt.date) -> None:
        self.today = today
        self.ids: dict[tuple[str, str], str] = {}

    def _id(self, resource_type: str, value: str) -> str:
        key = (resource_type, value)
        if key not in self.ids:
            self.ids[key] = f"#{sum(1 for t, _v in self.ids if t == resource_type) + 1}"
        return self.ids[key]

    def _text(self, value: str) -> str:
        match = DATE.match(value)
        if match:
            day = dt.date.fromisoformat(match.group(1))
            if match.group(2):  # a time of day: compared as its local date only
                moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
                day = timezone.localdate(moment)
            if abs((day - self.today).days) <= 730:
                return f"today{(day - self.today).days:+d}d" + ("T…" if match.group(2) else "")
            return value
        reference = REFERENCE.match(value)
        if reference:
            return f"{reference['type']}/{self._id(reference['type'], reference['id'])}"
        return value

    def __call__(self, node: Any, resource_type: str | None = None) -> Any:
        if isinstance(node, dict):
            own_type = node.get("resourceType", resource_type)
            result = {}
            for key, value in node.items():
                if key == "id" and "resourceType" in node:
                    result[key] = self._id(node["resourceType"], str(value))
                elif key == "identifier" and isinstance(value, list):
                    result[key] = [
                        {**i, "value": self._id(str(own_type), i["value"])}
                        if "rugpad.org/fhir/sid/" in i["system"]
                        else i
                        for i in value
                    ]
                else:
                    result[key] = self(value, own_type)
            return result
        if isinstance(node, list):
            return [self(item, resource_type) for item in node]
        if isinstance(node, str):
            return self._text(node)
        return node


def _compare(name: str, found: Any) -> None:
    path = GOLDEN / f"{name}.json"
    text = json.dumps(found, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    if REWRITE or not path.exists():
        if not REWRITE:
            pytest.fail(f"{path} is missing: run with RUGPAD_REWRITE_GOLDEN=1 to write it")
        path.write_text(text, encoding="utf-8")
    assert json.loads(path.read_text(encoding="utf-8")) == found, f"{name} differs from {path}"


@pytest.mark.parametrize("resource_type", OWN_TYPES)
def test_each_resource_type_of_one_demo_patient_matches_its_golden_file(
    demo: Demo, db: None, resource_type: str
) -> None:
    patient = demo.flagged if resource_type == "Flag" else demo.discharged
    query = f"_id={patient}" if resource_type == "Patient" else f"patient={patient}"
    bundle = get(bearer(demo.token), f"/fhir/{resource_type}?{query}&_count=200")
    found = resources(bundle)
    assert found, f"the demo patient has no {resource_type}"
    normalise = Normaliser(timezone.localdate())
    normalise({"resourceType": "Patient", "id": str(patient)})  # the patient is #1 in every file
    _compare(resource_type, normalise(sorted(found, key=lambda r: int(r["id"]))))


def test_every_questionnaire_matches_its_golden_file(demo: Demo, db: None) -> None:
    found = resources(get(bearer(demo.token), "/fhir/Questionnaire"))
    assert [q["id"] for q in found] == ["gpe", "ndi", "nprs", "odi", "psk", "qbpds", "rmdq", "startback"]
    _compare("Questionnaire", found)


def test_every_resource_of_the_demo_practice_validates(demo: Demo, db: None) -> None:
    client = bearer(demo.token)
    seen: dict[str, int] = {}
    for patient in Patient.objects.order_by("pk"):
        url: str | None = f"/fhir/Patient/{patient.pk}/$everything?_count=40"
        while url:
            bundle = get(client, url)
            Bundle.model_validate(bundle)  # the whole page, as a client reads it back
            for resource in resources(bundle):
                get_fhir_model_class(resource["resourceType"]).model_validate(resource)
                seen[resource["resourceType"]] = seen.get(resource["resourceType"], 0) + 1
            url = next_link(bundle)
    for questionnaire in resources(get(client, "/fhir/Questionnaire")):
        get_fhir_model_class("Questionnaire").model_validate(questionnaire)
    assert set(OWN_TYPES) <= set(seen), seen
    assert seen["Patient"] == Patient.objects.count()
