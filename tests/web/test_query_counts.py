"""Every clinician and patient page runs as many queries in a large practice as in a small one.

The demo practice is grown (`rugpad.web.populate`) in three steps: a small practice with a short history per patient,
a larger practice with the same history, and the larger practice with a longer history for the demo patients whose
pages are read. Every page's queries are counted at each step (after one warm-up request); the test fails once,
naming every page whose count grows, and with what: the practice's size, or the patient's history.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from rugpad.web.care.models import Patient
from rugpad.web.plans.models import ItemKind, PlanItem
from rugpad.web.populate import Shares, populate
from rugpad.web.practice.models import User

CLINICIAN, PATIENT, ADMIN = "anna", "sanne", "beheer"
SMALL, LARGE = 20, 60
"""Patients in all (the demo's 13 included)."""
SHORT, LONG = 3, 12
"""Diary entries and set logs per patient."""
SHARES = Shares(open_episode=0.5, earlier_episode=0.3, open_flag=0.2, referred=0.1, account=0.5)
"""Many open episodes and flags, so the dashboard's lists grow from the small practice to the larger one."""


def _pages(episode: int, patient: int) -> list[tuple[str, str, str]]:
    return [
        ("dashboard /", CLINICIAN, "/"),
        ("patient list /patients/", CLINICIAN, "/patients/"),
        ("open alarms /alarms/", CLINICIAN, "/alarms/"),
        ("name search /patients/?q=", CLINICIAN, "/patients/?q=van"),
        ("patient detail", CLINICIAN, f"/patients/{patient}/"),
        ("episode detail", CLINICIAN, f"/episodes/{episode}/"),
        ("plan editor", CLINICIAN, f"/plans/episodes/{episode}/"),
        ("evaluation", CLINICIAN, f"/outcomes/episodes/{episode}/"),
        ("API /api/patients", CLINICIAN, "/api/patients"),
        ("API episode state", CLINICIAN, f"/api/episodes/{episode}/state"),
        ("audit log /audit/ (admin)", ADMIN, "/audit/"),
        ("patient home /me/", PATIENT, "/me/"),
        ("my exercises /plans/me/", PATIENT, "/plans/me/"),
        ("guided session /plans/session/", PATIENT, "/plans/session/"),
        ("diary /portal/diary/", PATIENT, "/portal/diary/"),
        ("my progress /outcomes/me/", PATIENT, "/outcomes/me/"),
    ]


def _counts() -> dict[str, int | str]:
    """Every page's query count (or its unexpected status), each after one warm-up request."""
    patient = Patient.objects.get(user__username=PATIENT)
    episode = patient.episodes.order_by("-started_on", "-id").first()
    assert episode is not None
    item = PlanItem.objects.filter(plan__episode=episode, kind=ItemKind.EXERCISE).order_by("id").first()
    assert item is not None
    clients = {}
    for username in (CLINICIAN, PATIENT, ADMIN):
        clients[username] = Client()
        clients[username].force_login(User.objects.get(username=username))
    session_key = str(uuid.uuid4())

    def set_log() -> Any:
        body = {"key": str(uuid.uuid4()), "session_key": session_key, "item_id": item.pk, "exercise_id": item.ref,
                "sets_done": 2, "reps_done": 10, "pain_during": 3, "effort": "ok"}  # fmt: skip
        return clients[PATIENT].post("/plans/session/log/", json.dumps(body), content_type="application/json")

    calls: list[tuple[str, Callable[[], Any]]] = [
        (name, lambda client=clients[who], path=path: client.get(path))
        for name, who, path in _pages(episode.pk, patient.pk)
    ]
    calls.append(("set-log POST /plans/session/log/", set_log))
    counts: dict[str, int | str] = {}
    for name, call in calls:
        call()
        with CaptureQueriesContext(connection) as queries:
            response = call()
        ok = response.status_code in (200, 201)
        counts[name] = len(queries) if ok else f"status {response.status_code}"
    return counts


@pytest.mark.django_db
def test_no_page_runs_more_queries_as_the_practice_and_the_history_grow() -> None:
    populate(SMALL, per_patient=SHORT, clinicians=2, shares=SHARES)
    small = _counts()
    populate(LARGE, per_patient=SHORT, clinicians=2, shares=SHARES)
    large = _counts()
    populate(LARGE, per_patient=LONG, clinicians=2, shares=SHARES)  # only the demo patients' history grows
    longer = _counts()

    assert Patient.objects.count() == LARGE
    problems = []
    for page in small:
        a, b, c = small[page], large[page], longer[page]
        if not all(isinstance(n, int) for n in (a, b, c)):
            problems.append(f"{page}: {a} / {b} / {c}")
        elif b != a or c != b:
            what = [
                f"{SMALL}→{LARGE} patients: {a}→{b}" if b != a else "",
                f"history {SHORT}→{LONG}: {b}→{c}" if c != b else "",
            ]
            problems.append(f"{page}: queries grow ({', '.join(w for w in what if w)})")
    assert not problems, "query counts that grow with the data:\n" + "\n".join(problems)
