"""Who may use /fhir/: every route for every kind of visitor (`tests/web/conftest.py`'s two practices).

Decided (as for /api/): the record routes are for clinicians of the patient's practice. A patient reads their own
record in the portal, not here; a practice admin sees no clinical records. So: anonymous 401, the clinician of the
practice 200 (201 for a POST), everybody else signed in 404 — the same 404 as a record that does not exist. A search
by another practice's clinician is not refused: it finds nothing (an empty searchset), as for any unknown id.
Tokens: a working token acts for its clinician; a wrong, expired or revoked one is 401 even beside a session."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rugpad.web.care import actions
from rugpad.web.care.models import InstrumentResponse, RedFlag
from rugpad.web.demo import as_user
from rugpad.web.practice.models import ApiToken
from rugpad.web.practice.tokens import do_create_token, do_revoke_token
from tests.web.conftest import ROLES, World, client_for, user_for_role

pytestmark = pytest.mark.db_agnostic  # the same SQL on every database: CI runs it on SQLite only


@pytest.fixture
def recorded(world: World) -> dict[str, Any]:
    """Patient A with a scored questionnaire and a red flag, and the body of a QuestionnaireResponse for them."""
    request = as_user(world.clinician)
    response = actions.do_record_response(request, world.episode, "nprs", {"1": 6})
    actions.do_save_screening(request, world.episode, ["saddle_anaesthesia", "bladder_dysfunction"], notes="")
    flag = RedFlag.objects.filter(episode=world.episode).first()
    assert flag is not None
    body = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": "https://rugpad.org/fhir/Questionnaire/nprs",
        "status": "completed",
        "subject": {"reference": f"Patient/{world.patient.pk}"},
        "item": [{"linkId": "1", "answer": [{"valueInteger": 3}]}],
    }
    return {"response": response.pk, "flag": flag.pk, "body": body}


def _routes(world: World, recorded: dict[str, Any]) -> list[tuple[str, str]]:
    p, e, r, f = world.patient.pk, world.episode.pk, recorded["response"], recorded["flag"]
    return [
        ("GET", f"/fhir/Patient/{p}"),
        ("GET", f"/fhir/EpisodeOfCare/{e}"),
        ("GET", f"/fhir/Condition/{e}"),
        ("GET", f"/fhir/Flag/{f}"),
        ("GET", f"/fhir/QuestionnaireResponse/{r}"),
        ("GET", f"/fhir/Observation/{r}"),
        ("GET", f"/fhir/Patient/{p}/$everything"),
        ("POST", "/fhir/QuestionnaireResponse"),
    ]


def _call(client: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    if method == "POST":
        return client.post(url, json.dumps(body), content_type="application/fhir+json")
    return client.get(url)


@pytest.mark.parametrize("role", ROLES)
def test_every_record_route_for_every_role(world: World, recorded: dict[str, Any], role: str) -> None:
    client = client_for(user_for_role(world, role))
    for method, url in _routes(world, recorded):
        response = _call(client, method, url, recorded["body"])
        assert response["Content-Type"].startswith("application/fhir+json"), (role, url)
        body = response.json()
        if role == "clinician_same_practice":
            assert response.status_code == (201 if method == "POST" else 200), (url, body)
        elif role == "anonymous":
            assert response.status_code == 401 and response["WWW-Authenticate"], (url, response.status_code)
            assert body["issue"][0]["code"] == "login"
        else:
            assert response.status_code == 404, (role, url, response.status_code)
            assert body["resourceType"] == "OperationOutcome"
    posted = InstrumentResponse.objects.filter(episode=world.episode, instrument="nprs").count()
    assert posted == (2 if role == "clinician_same_practice" else 1)  # a refused POST files nothing


@pytest.mark.parametrize("role", ROLES)
def test_searches_for_every_role(world: World, recorded: dict[str, Any], role: str) -> None:
    client = client_for(user_for_role(world, role))
    for url in (f"/fhir/Observation?patient={world.patient.pk}", "/fhir/Patient", "/fhir/Questionnaire"):
        response = client.get(url)
        if role == "anonymous":
            assert response.status_code == 401
        elif role.startswith("clinician"):
            assert response.status_code == 200
            ids = [entry["resource"]["id"] for entry in response.json().get("entry", [])]
            if role == "clinician_other_practice" and url != "/fhir/Questionnaire":
                assert str(world.patient.pk) not in ids and str(recorded["response"]) not in ids
        else:
            assert response.status_code == 404, (role, url)
    assert client.get("/fhir/metadata").status_code == 200  # open to all


def test_a_working_token_acts_for_its_clinician_and_every_broken_one_is_401(
    world: World, recorded: dict[str, Any]
) -> None:
    url = f"/fhir/Patient/{world.patient.pk}/$everything"
    token = do_create_token(world.clinician, "ehr")
    assert Client(HTTP_AUTHORIZATION=f"Bearer {token}").get(url).status_code == 200
    other = do_create_token(world.other_clinician, "their ehr")
    assert Client(HTTP_AUTHORIZATION=f"Bearer {other}").get(url).status_code == 404
    expired = do_create_token(world.clinician, "old")
    ApiToken.objects.filter(user=world.clinician, name="old").update(expires_at=timezone.now() - dt.timedelta(1))
    revoked = do_create_token(world.clinician, "revoked")
    do_revoke_token(None, ApiToken.objects.get(name="revoked"), actor=world.clinician)
    for broken in (expired, revoked, "not-a-token", ""):
        client = Client(HTTP_AUTHORIZATION=f"Bearer {broken}")
        assert client.get(url).status_code == 401, broken
        response = client.post("/fhir/QuestionnaireResponse", json.dumps(recorded["body"]),
                               content_type="application/fhir+json")  # fmt: skip
        assert response.status_code == 401
    beside_a_session = client_for(world.clinician)
    beside_a_session.defaults["HTTP_AUTHORIZATION"] = f"Bearer {revoked}"
    assert beside_a_session.get(url).status_code == 401


def test_a_session_post_needs_the_csrf_token_and_a_token_post_does_not(world: World, recorded: dict[str, Any]) -> None:
    body = json.dumps(recorded["body"])
    session = Client(enforce_csrf_checks=True)
    session.force_login(world.clinician)
    session.get(reverse("home"))  # a page with a form: the CSRF cookie is set
    refused = session.post("/fhir/QuestionnaireResponse", body, content_type="application/fhir+json")
    assert refused.status_code == 403 and refused.json()["issue"][0]["code"] == "forbidden"
    accepted = session.post("/fhir/QuestionnaireResponse", body, content_type="application/fhir+json",
                            HTTP_X_CSRFTOKEN=session.cookies["csrftoken"].value)  # fmt: skip
    assert accepted.status_code == 201
    token = do_create_token(world.clinician, "app")
    by_token = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert by_token.post("/fhir/QuestionnaireResponse", body, content_type="application/fhir+json").status_code == 201
    assert session.get(f"/fhir/Patient/{world.patient.pk}").status_code == 200  # reads need no CSRF token
