"""Every /fhir/ page runs as many queries in a larger practice, and for a patient with a longer history, as before
(ARCHITECTURE: every page costs the same). Counted after one warm-up request, on the demo practice, then again after
ten more patients and a longer questionnaire history for the patient whose pages are read."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rugpad.web.care import actions
from rugpad.web.care.models import Episode, InstrumentResponse
from rugpad.web.demo import as_user
from rugpad.web.fhir.registry import KINDS
from rugpad.web.practice.models import User
from tests.web.fhir.conftest import Demo, bearer

POSTED = itertools.count(1)


def _pages(demo: Demo) -> dict[str, Callable[[Client], Any]]:
    patient = demo.open
    response = InstrumentResponse.objects.filter(episode__patient_id=patient, score__isnull=False).earliest("pk")
    episode = response.episode_id
    pages: dict[str, Callable[[Client], Any]] = {
        "Patient search, a page of 5": lambda c: c.get("/fhir/Patient?_count=5"),
        "$everything": lambda c: c.get(f"/fhir/Patient/{patient}/$everything"),
        "Patient read": lambda c: c.get(f"/fhir/Patient/{patient}"),
        "EpisodeOfCare read": lambda c: c.get(f"/fhir/EpisodeOfCare/{episode}"),
        "Condition read": lambda c: c.get(f"/fhir/Condition/{episode}"),
        "QuestionnaireResponse read": lambda c: c.get(f"/fhir/QuestionnaireResponse/{response.pk}"),
        "Observation read": lambda c: c.get(f"/fhir/Observation/{response.pk}"),
        "Questionnaire search": lambda c: c.get("/fhir/Questionnaire"),
        "metadata": lambda c: c.get("/fhir/metadata"),
        "QuestionnaireResponse create": lambda c: c.post(
            "/fhir/QuestionnaireResponse",
            json.dumps(
                {
                    "resourceType": "QuestionnaireResponse",
                    "questionnaire": "https://rugpad.org/fhir/Questionnaire/gpe",
                    "identifier": {"system": "urn:test", "value": f"post-{next(POSTED)}"},
                    "status": "completed",
                    "subject": {"reference": f"Patient/{patient}"},
                    "item": [{"linkId": "1", "answer": [{"valueCoding": {"code": "2"}}]}],
                }
            ),
            content_type="application/fhir+json",
        ),
    }
    for name in KINDS:  # every registered type, one patient's page of 5
        query = f"_id={patient}" if name == "Patient" else f"patient={patient}&_count=5"
        pages[f"{name} search of one patient"] = lambda c, name=name, query=query: c.get(f"/fhir/{name}?{query}")
    return pages


def _counts(demo: Demo) -> dict[str, int | str]:
    client = bearer(demo.token)
    counts: dict[str, int | str] = {}
    for name, call in _pages(demo).items():
        call(client)
        with CaptureQueriesContext(connection) as queries:
            response = call(client)
        counts[name] = len(queries) if response.status_code in (200, 201) else f"status {response.status_code}"
    return counts


def _grow(demo: Demo) -> None:
    """Ten more patients with a scored questionnaire each, and six more questionnaires for the open patient."""
    request = as_user(User.objects.get(username="anna"))
    today = timezone.localdate()
    for n in range(10):
        patient = actions.do_create_patient(
            request, first_name="Extra", last_name=f"Patient {n}", date_of_birth=dt.date(1970, 1, 1), sex="male"
        )
        episode = actions.do_open_episode(request, patient, region="low_back", started_on=today, onset_on=None)
        actions.do_save_screening(request, episode, [], notes="")
        actions.do_record_response(request, episode, "nprs", {"1": 5})
    episode = Episode.objects.get(patient_id=demo.open)
    for score in (6, 5, 4):
        actions.do_record_response(request, episode, "nprs", {"1": score})
        actions.do_record_response(request, episode, "odi", {str(i): 2 for i in range(1, 11)})


def test_no_fhir_page_runs_more_queries_as_the_practice_and_the_history_grow(demo: Demo, db: None) -> None:
    before = _counts(demo)
    _grow(demo)
    after = _counts(demo)
    problems = [f"{page}: {before[page]} → {after[page]}" for page in before if before[page] != after[page]]
    assert not problems, "query counts that grow with the data:\n" + "\n".join(problems)
    assert all(isinstance(count, int) for count in after.values()), after
