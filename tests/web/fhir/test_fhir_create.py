"""`POST /fhir/QuestionnaireResponse` as an outside questionnaire app uses it: answers read from rugpad come back
with the same score (round trip), a retry with the same identifier files nothing twice, and bad answers are refused
with the message the app's own forms and JSON API give, naming the item."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from django.test import Client

from rugpad import engine
from rugpad.core.errors import InvalidInput
from rugpad.web.audit.models import AuditAction, AuditEvent
from rugpad.web.care import actions
from rugpad.web.care.models import Episode, InstrumentResponse, ResponseStatus
from rugpad.web.demo import as_user
from rugpad.web.practice.models import User
from tests.web.fhir.conftest import Demo, bearer, get, resources

POST = {"content_type": "application/fhir+json"}


def _post(client: Client, body: dict[str, Any]) -> Any:
    return client.post("/fhir/QuestionnaireResponse", json.dumps(body), **POST)


def _for(resource: dict[str, Any], patient: int, **changes: Any) -> dict[str, Any]:
    """A response as an outside app would send it again: no server id, meta or episode; for `patient`."""
    body = {k: v for k, v in copy.deepcopy(resource).items() if k not in ("id", "meta", "extension", "identifier")}
    body["subject"] = {"reference": f"Patient/{patient}"}
    return {**body, **changes}


def _score(client: Client, response_id: str) -> Any:
    return get(client, f"/fhir/Observation/{response_id}")["valueQuantity"]["value"]


def test_every_response_read_and_posted_back_scores_the_same(demo: Demo, db: None) -> None:
    client = bearer(demo.token)
    originals = resources(get(client, f"/fhir/QuestionnaireResponse?patient={demo.discharged}&_count=200"))
    instruments = {r["questionnaire"].split("/")[-1].split("|")[0] for r in originals}
    assert {"odi", "nprs", "startback"} <= instruments
    for original in originals:
        posted = _post(client, _for(original, demo.open))
        assert posted.status_code == 201, posted.content
        stored = posted.json()
        assert posted["Location"] == f"http://testserver/fhir/QuestionnaireResponse/{stored['id']}"
        assert get(client, f"/fhir/QuestionnaireResponse/{stored['id']}") == stored
        assert stored["item"] == original["item"] and stored["questionnaire"] == original["questionnaire"]
        assert stored["subject"] == {"reference": f"Patient/{demo.open}"}
        if InstrumentResponse.objects.get(pk=original["id"]).score is not None:
            assert _score(client, stored["id"]) == _score(client, original["id"])


def test_a_response_posted_back_for_its_own_patient_scores_the_same(demo: Demo, db: None) -> None:
    client = bearer(demo.token)
    episode = Episode.objects.get(patient_id=demo.open)
    psk = actions.do_record_response(
        as_user(User.objects.get(username="anna")), episode, "psk", {"1": 7, "2": 5, "3": 6},
        activities={"1": "Fietsen naar het werk", "3": "Tuinieren"},
    )  # fmt: skip
    for original in resources(get(client, f"/fhir/QuestionnaireResponse?patient={demo.open}")):
        posted = _post(client, _for(original, demo.open))
        assert posted.status_code == 201, posted.content
        assert _score(client, posted.json()["id"]) == _score(client, original["id"])
        assert posted.json()["item"] == original["item"]
    again = InstrumentResponse.objects.filter(episode=episode, instrument="psk").exclude(pk=psk.pk).get()
    assert again.activities == {"1": "Fietsen naar het werk", "3": "Tuinieren"} and again.score == psk.score


def test_the_same_identifier_files_once(demo: Demo, db: None) -> None:
    client = bearer(demo.token)
    original = resources(get(client, f"/fhir/QuestionnaireResponse?patient={demo.discharged}"))[0]
    body = _for(original, demo.open, identifier={"system": "urn:uuid:app", "value": "7f1c-retry"})
    before = InstrumentResponse.objects.count()
    first, retry = _post(client, body), _post(client, body)
    assert (first.status_code, retry.status_code) == (201, 200)
    assert first.json() == retry.json() and first["Location"] == retry["Location"]
    assert first.json()["identifier"] == {"system": "urn:uuid:app", "value": "7f1c-retry"}
    assert InstrumentResponse.objects.count() == before + 1
    created = AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="instrumentresponse",
                                        object_id=first.json()["id"])  # fmt: skip
    assert created.count() == 1
    other = _post(client, {**body, "subject": {"reference": f"Patient/{demo.flagged}"}})
    assert other.status_code == 409 and other.json()["issue"][0]["expression"] == ["QuestionnaireResponse.identifier"]
    fresh = _post(client, {**body, "identifier": {"system": "urn:uuid:app", "value": "another"}})
    assert fresh.status_code == 201 and InstrumentResponse.objects.count() == before + 2


def test_a_waiting_questionnaire_is_completed_by_the_posted_answers(demo: Demo, db: None) -> None:
    episode = Episode.objects.get(patient_id=demo.open)
    waiting = InstrumentResponse.objects.get(episode=episode, instrument="nprs", status=ResponseStatus.REQUESTED)
    body = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": "https://rugpad.org/fhir/Questionnaire/nprs",
        "status": "completed",
        "subject": {"reference": f"Patient/{demo.open}"},
        "extension": [{"url": "https://rugpad.org/fhir/StructureDefinition/episode-of-care",
                       "valueReference": {"reference": f"EpisodeOfCare/{episode.pk}"}}],
        "item": [{"linkId": "1", "answer": [{"valueInteger": 4}]}],
    }  # fmt: skip
    posted = _post(bearer(demo.token), body)
    assert posted.status_code == 201 and posted.json()["id"] == str(waiting.pk)
    waiting.refresh_from_db()
    assert (waiting.status, waiting.score, waiting.moment) == (ResponseStatus.COMPLETED, 4.0, "intake")
    assert get(bearer(demo.token), f"/fhir/Observation/{waiting.pk}")["valueQuantity"]["value"] == 4.0


def _nprs(patient: int, answer: dict[str, Any], **changes: Any) -> dict[str, Any]:
    body = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": "https://rugpad.org/fhir/Questionnaire/nprs|1",
        "status": "completed",
        "subject": {"reference": f"Patient/{patient}"},
        "item": [{"linkId": "1", "answer": [answer]}],
    }
    return {**body, **changes}


def test_a_bad_answer_is_refused_with_the_message_the_forms_and_the_api_give(demo: Demo, db: None) -> None:
    client = bearer(demo.token)
    before = InstrumentResponse.objects.count()
    refused = _post(client, _nprs(demo.open, {"valueInteger": 11}))
    assert refused.status_code == 422
    (issue,) = refused.json()["issue"]
    with pytest.raises(InvalidInput) as engine_says:
        engine.score("nprs", {"1": 11})
    assert issue["diagnostics"] == str(engine_says.value) == "nprs: item 1: 11 is out of range 0..10"
    assert issue["expression"] == ["QuestionnaireResponse.item.where(linkId='1')"]
    episode = Episode.objects.get(patient_id=demo.open)
    api = client.post(f"/api/episodes/{episode.pk}/responses/nprs", {"answers": {"1": 11}},
                      content_type="application/json")  # fmt: skip
    assert api.status_code == 422 and api.json()["detail"] == issue["diagnostics"]
    odi = get(client, "/fhir/Questionnaire/odi")
    body = {
        "resourceType": "QuestionnaireResponse", "questionnaire": odi["url"], "status": "completed",
        "subject": {"reference": f"Patient/{demo.open}"},
        "item": [{"linkId": "4", "answer": [{"valueCoding": {"code": "9"}}]}],
    }  # fmt: skip
    assert _post(client, body).json()["issue"][0]["diagnostics"] == "odi: item 4: 9 is out of range 0..5"
    long_activity = {"valueInteger": 5, "item": [{"linkId": "1.activity", "answer": [{"valueString": "x" * 121}]}]}
    psk = _post(
        client, {**_nprs(demo.open, long_activity), "questionnaire": "https://rugpad.org/fhir/Questionnaire/psk"}
    )
    assert psk.status_code == 422
    assert psk.json()["issue"][0]["expression"][0].endswith("item.where(linkId='1.activity')")
    assert InstrumentResponse.objects.count() == before


@pytest.mark.parametrize(
    ("change", "status", "named"),
    [
        ({"questionnaire": "https://example.org/Questionnaire/odi"}, 422, "questionnaire"),
        ({"questionnaire": "https://rugpad.org/fhir/Questionnaire/nprs|0.9"}, 422, "questionnaire"),
        ({"status": "in-progress"}, 422, "status"),
        ({"subject": {"reference": "Group/1"}}, 422, "subject"),
        ({"item": [{"linkId": "12", "answer": [{"valueInteger": 1}]}]}, 422, "item.where(linkId='12')"),
        ({"item": [{"linkId": "1", "answer": [{"valueInteger": 1}, {"valueInteger": 2}]}]}, 422,
         "item.where(linkId='1')"),
        ({"item": [{"linkId": "1", "answer": [{"valueString": "vier"}]}]}, 422, "item.where(linkId='1')"),
        ({"extension": [{"url": "https://rugpad.org/fhir/StructureDefinition/episode-of-care",
                         "valueReference": {"reference": "EpisodeOfCare/999999"}}]}, 422, "extension"),
        ({"authored": "yesterday"}, 400, "authored"),
        ({"colour": "blue"}, 400, "colour"),
    ],
)  # fmt: skip
def test_a_wrong_submission_is_refused_naming_the_element(
    demo: Demo, db: None, change: dict[str, Any], status: int, named: str
) -> None:
    before = InstrumentResponse.objects.count()
    refused = _post(bearer(demo.token), _nprs(demo.open, {"valueInteger": 3}, **change))
    assert refused.status_code == status, refused.content
    (issue,) = refused.json()["issue"]
    assert issue["expression"][0].startswith(f"QuestionnaireResponse.{named}"), issue
    assert InstrumentResponse.objects.count() == before


def test_a_patient_without_an_open_episode_cannot_be_sent_answers(demo: Demo, db: None) -> None:
    refused = _post(bearer(demo.token), _nprs(demo.discharged, {"valueInteger": 3}))
    assert refused.status_code == 422 and "no open episode" in refused.json()["issue"][0]["diagnostics"]
    assert _post(bearer(demo.token), _nprs(999999, {"valueInteger": 3})).status_code == 404
    not_json = bearer(demo.token).post("/fhir/QuestionnaireResponse", "{", **POST)
    assert not_json.status_code == 400
    wrong_type = _post(bearer(demo.token), {"resourceType": "Observation"})
    assert wrong_type.status_code == 400


def test_a_body_beyond_the_upload_limit_is_a_413(demo: Demo, db: None, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    body = _nprs(demo.open, {"valueInteger": 3}, text={"status": "generated", "div": "<div>" + "x" * 2_000 + "</div>"})
    refused = _post(bearer(demo.token), body)
    assert refused.status_code == 413 and refused.json()["issue"][0]["code"] == "too-costly"
