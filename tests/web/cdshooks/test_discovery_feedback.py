"""Discovery, feedback and the explanation page that cards link to."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from rugpad.web.audit.models import AuditAction, AuditEvent
from rugpad.web.cdshooks.models import CdsFeedback
from tests.web.cdshooks.conftest import BASE, ORDER_SELECT, PATIENT_VIEW, Keys, token


def test_discovery_lists_both_services_with_their_prefetch(client: Client) -> None:
    response = client.get("/cds-services", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    services = {s["id"]: s for s in response.json()["services"]}
    assert services[PATIENT_VIEW]["hook"] == "patient-view"
    assert services[ORDER_SELECT]["hook"] == "order-select"
    for service in services.values():
        assert service["title"] and service["description"] and service["usageRequirements"]
        assert service["prefetch"] == {
            "patient": "Patient/{{context.patientId}}",
            "conditions": "Condition?patient={{context.patientId}}",
            "observations": "Observation?patient={{context.patientId}}&_count=100",
            "questionnaireResponses": "QuestionnaireResponse?patient={{context.patientId}}&_count=50",
        }


def test_discovery_is_get_only_and_an_unknown_service_is_404(client: Client, keys: Keys) -> None:
    assert client.post("/cds-services").status_code == 405
    response = client.post("/cds-services/nope", data="{}", content_type="application/json")
    assert response.status_code == 404 and response.json()["resourceType"] == "OperationOutcome"


def _feedback(client: Client, keys: Keys, body: Any, aud: str = f"{BASE}/{PATIENT_VIEW}/feedback") -> Any:
    return client.post(
        f"/cds-services/{PATIENT_VIEW}/feedback",
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token(keys, aud)}"},
    )


SPEC_EXAMPLE = {  # the CDS Hooks 2.0 spec's overridden-card feedback example
    "feedback": [
        {
            "card": "9368d37b-283f-44a0-93ea-547cebab93ed",
            "outcome": "overridden",
            "overrideReason": {
                "reason": {
                    "code": "reason-code-provided-by-service",
                    "system": "http://example.org/cds-services/fhir/CodeSystem/override-reasons",
                },
                "userComment": "clinician entered comment",
            },
            "outcomeTimestamp": "2020-12-11T00:00:00Z",
        }
    ]
}


def test_feedback_is_stored_and_audited(client: Client, keys: Keys) -> None:
    accepted = {
        "card": "abc",
        "outcome": "accepted",
        "acceptedSuggestions": [{"id": "s1"}],
        "outcomeTimestamp": "2026-12-02T08:00:00+01:00",
    }
    body = {"feedback": [*SPEC_EXAMPLE["feedback"], accepted]}
    response = _feedback(client, keys, body)
    assert response.status_code == 200, response.content
    stored = {f.card: f for f in CdsFeedback.objects.all()}
    over = stored["9368d37b-283f-44a0-93ea-547cebab93ed"]
    assert (over.outcome, over.override_code, over.user_comment) == (
        "overridden",
        "reason-code-provided-by-service",
        "clinician entered comment",
    )
    assert stored["abc"].accepted_suggestions == ["s1"] and stored["abc"].outcome_at.hour == 7
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="cdscall")
    assert event.summary.endswith("1 accepted, 1 overridden") and event.patient_id is None


def test_feedback_accepts_the_service_url_as_audience(client: Client, keys: Keys) -> None:
    assert _feedback(client, keys, SPEC_EXAMPLE, aud=f"{BASE}/{PATIENT_VIEW}").status_code == 200


def test_feedback_needs_a_valid_token(client: Client, keys: Keys) -> None:
    assert _feedback(client, keys, SPEC_EXAMPLE, aud=f"{BASE}/{ORDER_SELECT}").status_code == 401
    assert not CdsFeedback.objects.exists()


def _field(response: Any) -> str:
    assert response.status_code == 400
    return str(response.json()["issue"][0]["expression"][0])


def test_bad_feedback_is_400_naming_the_field(client: Client, keys: Keys) -> None:
    item = SPEC_EXAMPLE["feedback"][0]
    assert _field(_feedback(client, keys, {})) == "feedback"
    assert _field(_feedback(client, keys, {"feedback": [{**item, "outcome": "ignored"}]})) == "feedback[0].outcome"
    assert _field(_feedback(client, keys, {"feedback": [{**item, "outcomeTimestamp": "yesterday"}]})) == (
        "feedback[0].outcomeTimestamp"
    )
    no_card = {k: v for k, v in item.items() if k != "card"}
    assert _field(_feedback(client, keys, {"feedback": [no_card]})) == "feedback[0].card"
    accepted_with_reason = {**item, "outcome": "accepted"}
    assert _field(_feedback(client, keys, {"feedback": [accepted_with_reason]})) == "feedback[0].overrideReason"
    assert not CdsFeedback.objects.exists()


def test_the_explanation_page_shows_the_rule_and_its_source(client: Client) -> None:
    response = client.get("/cds-services/rules/lb.all.no_routine_imaging", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Do not request or advise imaging" in page
    assert 'href="https://www.nice.org.uk/guidance/ng59/chapter/Recommendations"' in page
    dutch = client.get("/cds-services/rules/rf.cauda_equina").content.decode()
    assert "Vermoeden van caudasyndroom" in dutch and "Bron" in dutch
    assert client.get("/cds-services/rules/no.such.rule").status_code == 404


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("rule", ["rf.cauda_equina", "lb.all.no_routine_imaging", "strat.lb.profile_2"])
def test_the_explanation_page_shows_no_raw_words(client: Client, lang: str, rule: str) -> None:
    from tests.web.test_no_raw_words import PageText, problems

    response = client.get(f"/cds-services/rules/{rule}", headers={"Accept-Language": lang})
    parser = PageText()
    parser.feed(response.content.decode())
    assert sorted(set(problems(parser.chunks, parser.options, lang))) == []


def test_browser_clients_may_call_from_another_origin(client: Client, keys: Keys) -> None:
    preflight = client.options(
        f"/cds-services/{PATIENT_VIEW}",
        headers={"Origin": "https://sandbox.example", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "Authorization" in preflight["Access-Control-Allow-Headers"]
    assert client.get("/cds-services")["Access-Control-Allow-Origin"] == "*"
    refused = _feedback(client, keys, SPEC_EXAMPLE, aud="https://elsewhere.example")
    assert refused.status_code == 401 and refused["Access-Control-Allow-Origin"] == "*"
