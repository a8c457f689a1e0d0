"""The pages whose cost must not grow with the practice — one list, read by the query-count test
(`tests/web/test_query_counts.py`, which counts each page's queries at several sizes) and by the scale bench
(`bench/bench_scale.py`, which times them at 1,000 and 100,000 patients), so a page added here is held by both.

The pages are read in a practice grown by `populate` (the demo practice and its filler), as the demo clinician
`anna`, the demo patient `sanne` and the practice admin `beheer`; the pages about one patient are Sanne de Vries's
(her patient page, her latest episode with its plan editor, evaluation and API state), and the set-log POST logs one
result of the first exercise of her plan, a new key each call, as her phone would. It lives beside `populate.py`,
which the test and the bench share for the same reason; a bench script is not importable from the tests.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

CLINICIAN, PATIENT, ADMIN = "anna", "sanne", "beheer"
SEARCH_SOME = "jans"
"""A name search that matches a share of the practice at every size (Jansen, Janssen, Jansma…): a few rows in a
small practice, a full page in a large one (so its time also holds the larger page's rendering)."""
SEARCH_FULL = "de"
"""A name search that fills the page at every size (de Vries, Dekker, de Jong…): the same output, so its ratio is
the search's own cost of a larger practice."""
COUNT_AGAIN = "count figures (admin POST)"
"""The practice outcomes page reads the figures counted today (`outcomes.figures`); this call counts them again,
as its button and the nightly job do, so that the counting's cost is measured too (answers 302)."""
SET_LOG = "set-log POST"
"""The last call: one exercise result to `/plans/session/log/`."""


@dataclass(frozen=True, slots=True)
class Subject:
    """The demo patient whose pages are read, with the records the paths name."""

    patient_id: int
    episode_id: int
    item_id: int
    exercise_id: str


def subject() -> Subject:
    """Sanne's ids in the default database (Django is set up)."""
    from rugpad.web.care.models import Patient
    from rugpad.web.plans.models import ItemKind, PlanItem

    patient = Patient.objects.get(user__username=PATIENT)
    episode = patient.episodes.order_by("-started_on", "-id").first()
    assert episode is not None, "the demo patient has an episode"
    item = PlanItem.objects.filter(plan__episode=episode, kind=ItemKind.EXERCISE).order_by("id").first()
    assert item is not None, "the demo patient's plan has an exercise"
    return Subject(patient.pk, episode.pk, item.pk, item.ref)


def pages(of: Subject) -> list[tuple[str, str, str]]:
    """(name, who reads it, path) of every page; the set-log POST is `calls`' last."""
    episode, patient = of.episode_id, of.patient_id
    return [
        ("dashboard /", CLINICIAN, "/"),
        ("patient list", CLINICIAN, "/patients/"),
        ("name search", CLINICIAN, f"/patients/?q={SEARCH_SOME}"),
        ("name search, full page", CLINICIAN, f"/patients/?q={SEARCH_FULL}"),
        ("open alarms", CLINICIAN, "/alarms/"),
        ("aftercare", CLINICIAN, "/aftercare/"),
        ("practice outcomes (admin)", ADMIN, "/outcomes/practice/"),
        ("patient detail", CLINICIAN, f"/patients/{patient}/"),
        ("episode detail", CLINICIAN, f"/episodes/{episode}/"),
        ("plan editor", CLINICIAN, f"/plans/episodes/{episode}/"),
        ("evaluation", CLINICIAN, f"/outcomes/episodes/{episode}/"),
        ("API patients", CLINICIAN, "/api/patients"),
        ("API episode state", CLINICIAN, f"/api/episodes/{episode}/state"),
        ("audit log (admin)", ADMIN, "/audit/"),
        ("tariffs (admin)", ADMIN, "/costs/tariffs/"),
        ("patient home /me/", PATIENT, "/me/"),
        ("my exercises", PATIENT, "/plans/me/"),
        ("guided session", PATIENT, "/plans/session/"),
        ("diary", PATIENT, "/portal/diary/"),
        ("my progress", PATIENT, "/outcomes/me/"),
    ]


def calls(of: Subject) -> list[tuple[str, Callable[[], Any]]]:
    """(name, call) per page, then the practice outcomes' counting again and the set-log POST, each call one request
    through Django's test client, signed in as its reader in the default database (a client per reader, made now)."""
    from django.test import Client

    from rugpad.web.practice.models import User

    clients: dict[str, Client] = {}
    for username in (CLINICIAN, PATIENT, ADMIN):
        clients[username] = Client()
        clients[username].force_login(User.objects.get(username=username))
    made = [(name, _get(clients[who], path)) for name, who, path in pages(of)]
    session_key = str(uuid.uuid4())

    def set_log() -> Any:
        body = {"key": str(uuid.uuid4()), "session_key": session_key, "item_id": of.item_id,
                "exercise_id": of.exercise_id, "sets_done": 2, "reps_done": 10, "pain_during": 3,
                "effort": "ok"}  # fmt: skip
        return clients[PATIENT].post("/plans/session/log/", json.dumps(body), content_type="application/json")

    made.append((COUNT_AGAIN, lambda: clients[ADMIN].post("/outcomes/practice/")))
    made.append((SET_LOG, set_log))
    return made


def _get(client: Any, path: str) -> Callable[[], Any]:
    return lambda: client.get(path)
