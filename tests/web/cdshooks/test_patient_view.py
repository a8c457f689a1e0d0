"""patient-view: the caller's prefetched (or fetched) FHIR data → the engine → cards."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from rugpad.web.audit.models import AuditAction, AuditEvent
from rugpad.web.cdshooks.models import CdsCall
from tests.web.cdshooks.conftest import (
    LOW_RISK,
    PATIENT_VIEW,
    SNOMED,
    FakeFhir,
    Keys,
    bundle,
    call,
    coded,
    condition,
    finding,
    patient,
    patient_view,
    prefetch,
    startback,
)

LOW_BACK_PAIN = "279039007"


def _cards(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["systemActions"] == []
    for card in body["cards"]:  # the CDS Hooks card shape
        assert len(card["summary"]) < 140
        assert card["indicator"] in ("info", "warning", "critical")
        assert card["source"]["label"]
        assert card["uuid"]
    return body["cards"]


def test_cauda_equina_signs_give_a_critical_card_with_the_action(client: Client, keys: Keys) -> None:
    data = prefetch(
        [condition(LOW_BACK_PAIN)], [finding("saddle_anaesthesia")], [startback(LOW_RISK)], birth="1966-01-01"
    )
    cards = _cards(call(client, keys, PATIENT_VIEW, patient_view(data), lang="en"))
    critical = [card for card in cards if card["indicator"] == "critical"]
    assert len(critical) == 1
    card = critical[0]
    assert "cauda equina" in card["summary"]
    assert "Go to the emergency department now" in card["detail"]  # the rule's action for the clinician
    assert "huisartsenpost" in card["detail"] or "112" in card["detail"]  # what the patient is told (NL numbers)
    assert "rf.cauda_equina" in card["source"]["label"] and "NHG" in card["source"]["label"]
    assert card["source"]["url"] == "http://testserver/cds-services/rules/rf.cauda_equina"
    assert card["links"][0] == {
        "label": "Why: rugpad's explanation of this rule",
        "url": "http://testserver/cds-services/rules/rf.cauda_equina",
        "type": "absolute",
    }
    # the pathway stops: no profile card and no "do not image" advice beside an emergency
    assert [c for c in cards if c["indicator"] == "info"] == []


def test_a_standard_snomed_finding_counts_as_the_sign(client: Client, keys: Keys) -> None:
    data = prefetch([condition(LOW_BACK_PAIN)], [finding("267064002", system=SNOMED)])  # retention of urine
    cards = _cards(call(client, keys, PATIENT_VIEW, patient_view(data)))
    assert [c["indicator"] for c in cards] == ["critical"]


def test_non_specific_low_back_pain_gives_profile_and_do_not_image_and_no_alarm(client: Client, keys: Keys) -> None:
    data = prefetch([condition(LOW_BACK_PAIN)], [finding("fever", present=False)], [startback(LOW_RISK)])
    cards = _cards(call(client, keys, PATIENT_VIEW, patient_view(data), lang="en"))
    assert {c["indicator"] for c in cards} == {"info"}  # no critical or warning red-flag card
    profile = next(c for c in cards if "profile 1" in c["summary"])
    assert profile["summary"] == "Low back pain: profile 1 (STarT Back: low risk)"
    assert "strat.lb.profile_1" in profile["source"]["label"]
    assert "lb.all.reassure_stay_active" in profile["detail"]
    imaging = next(c for c in cards if "lb.all.no_routine_imaging" in c["source"]["label"])
    assert imaging["summary"].startswith("Do not request or advise imaging")
    # NICE, KCE and NHG give this advice; a Dutch caller reads the Dutch guideline first (data/country/care.yaml).
    assert "NHG-Standaard" in imaging["source"]["label"]
    source_link = imaging["links"][1]
    assert source_link["url"] == "https://henw.org/artikelen/nhg-standaard-aspecifieke-lagerugpijn-tweede-herziening"
    assert source_link["type"] == "absolute" and source_link["label"].startswith("Source: NHG-Standaard")
    assert any("lb.all.no_opioids_chronic" in c["source"]["label"] for c in cards)
    assert "lb.all.no_routine_imaging" not in profile["detail"]  # shown once, on its own card


def test_cards_are_dutch_by_default(client: Client, keys: Keys) -> None:
    data = prefetch([condition(LOW_BACK_PAIN)], [], [startback(LOW_RISK)])
    cards = _cards(call(client, keys, PATIENT_VIEW, patient_view(data)))
    assert any(c["summary"] == "Lage rugpijn: profiel 1 (STarT Back: laag risico)" for c in cards)
    assert any(c["summary"].startswith("Geen beeldvorming") for c in cards)


def test_without_startback_the_card_says_what_decides_the_profile(client: Client, keys: Keys) -> None:
    cards = _cards(call(client, keys, PATIENT_VIEW, patient_view(prefetch([condition(LOW_BACK_PAIN)])), lang="en"))
    assert any(c["summary"] == "Low back pain: no profile yet — rugpad needs the STarT Back answers" for c in cards)


def test_a_patient_without_back_or_neck_pain_gets_no_cards(client: Client, keys: Keys) -> None:
    data = prefetch([condition("38341003")], [finding("saddle_anaesthesia")])  # hypertension
    assert _cards(call(client, keys, PATIENT_VIEW, patient_view(data))) == []


def test_a_resolved_or_refuted_diagnosis_does_not_count(client: Client, keys: Keys) -> None:
    data = prefetch([condition(LOW_BACK_PAIN, status="resolved")], [finding("saddle_anaesthesia")])
    assert _cards(call(client, keys, PATIENT_VIEW, patient_view(data))) == []


def test_neck_pain_by_rugpads_own_region_code_and_an_alarm_answer(client: Client, keys: Keys) -> None:
    alarm = {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "questionnaire": "https://rugpad.org/fhir/Questionnaire/alarm-questions|1",
        "item": [{"linkId": "bladder", "answer": [{"valueBoolean": True}]}],
    }
    data = prefetch([condition("neck", "https://rugpad.org/fhir/CodeSystem/region")], [], [alarm])
    cards = _cards(call(client, keys, PATIENT_VIEW, patient_view(data), lang="en"))
    assert [c["indicator"] for c in cards] == ["critical"]
    assert "spinal cord" in cards[0]["summary"]


def test_the_call_is_audited_without_a_patient(client: Client, keys: Keys) -> None:
    data = prefetch([condition(LOW_BACK_PAIN)], [finding("saddle_anaesthesia")])
    cards = _cards(call(client, keys, PATIENT_VIEW, patient_view(data)))
    event = AuditEvent.objects.get(object_type="cdscall")
    assert event.action == AuditAction.VIEW and event.patient_id is None
    assert event.summary.startswith(f"CDS Hooks patient-view {PATIENT_VIEW} for ehr-client (https://ehr.example.nl)")
    assert f"{len(cards)} cards (1 critical)" in event.summary
    assert CdsCall.objects.get().service == PATIENT_VIEW


def test_missing_prefetch_is_fetched_from_the_fhir_server(client: Client, keys: Keys, fake_fhir: FakeFhir) -> None:
    fake_fhir.answers = {
        "Patient/p1": patient(),
        "Condition?patient=p1": bundle(condition(LOW_BACK_PAIN)),
        "Observation?patient=p1&_count=100": bundle(finding("saddle_anaesthesia", present=None)),
        "QuestionnaireResponse?patient=p1&_count=50": bundle(),
    }
    body = patient_view(
        {"patient": patient()},  # the client prefetched only the patient
        fhirServer=fake_fhir.url,
        fhirAuthorization={
            "access_token": "opaque-token",
            "token_type": "Bearer",
            "expires_in": 300,
            "scope": "x",
            "subject": "s",
        },
    )
    cards = _cards(call(client, keys, PATIENT_VIEW, body))
    assert [c["indicator"] for c in cards] == ["critical"]
    assert sorted(path for path, _ in fake_fhir.seen) == sorted(list(fake_fhir.answers)[1:])
    assert {auth for _, auth in fake_fhir.seen} == {"Bearer opaque-token"}
    assert "opaque-token" not in json.dumps(list(AuditEvent.objects.values()), default=str)


def test_an_operation_outcome_in_the_prefetch_is_fetched_again(client: Client, keys: Keys, fake_fhir: FakeFhir) -> None:
    fake_fhir.answers = {"Condition?patient=p1": bundle(condition(LOW_BACK_PAIN))}
    data = prefetch([])
    data["conditions"] = {"resourceType": "OperationOutcome", "issue": [{"severity": "error", "code": "timeout"}]}
    body = patient_view(data, fhirServer=fake_fhir.url, fhirAuthorization={"access_token": "t", "token_type": "Bearer"})
    assert _cards(call(client, keys, PATIENT_VIEW, body))  # the fetched Condition made it a low back patient


def test_missing_prefetch_without_a_fhir_server_is_412(client: Client, keys: Keys) -> None:
    data = prefetch([condition(LOW_BACK_PAIN)])
    del data["observations"]
    response = call(client, keys, PATIENT_VIEW, patient_view(data))
    assert response.status_code == 412
    assert response.json()["issue"][0]["expression"] == ["prefetch.observations"]


def test_a_fhir_server_that_fails_is_412(client: Client, keys: Keys, fake_fhir: FakeFhir) -> None:
    body = patient_view({}, fhirServer=fake_fhir.url, fhirAuthorization={"access_token": "t", "token_type": "Bearer"})
    response = call(client, keys, PATIENT_VIEW, body)
    assert response.status_code == 412
    assert "HTTP 404" in response.json()["issue"][0]["diagnostics"]


def test_null_prefetch_means_no_data_not_missing(client: Client, keys: Keys) -> None:
    data = {
        "patient": patient(),
        "conditions": bundle(condition(LOW_BACK_PAIN)),
        "observations": None,
        "questionnaireResponses": None,
    }
    assert _cards(call(client, keys, PATIENT_VIEW, patient_view(data)))


def _problem(response: Any) -> tuple[int, str, str]:
    issue = response.json()["issue"][0]
    return response.status_code, issue.get("expression", [""])[0], issue["diagnostics"]


def test_bad_bodies_are_400_naming_the_field(client: Client, keys: Keys) -> None:
    good = prefetch([condition(LOW_BACK_PAIN)])
    assert _problem(call(client, keys, PATIENT_VIEW, patient_view(good, hook="order-select")))[:2] == (400, "hook")
    assert _problem(call(client, keys, PATIENT_VIEW, patient_view(good, hookInstance=7)))[:2] == (400, "hookInstance")
    assert _problem(call(client, keys, PATIENT_VIEW, patient_view(good, context=[])))[:2] == (400, "context")
    no_patient = patient_view(good, context={"userId": "Practitioner/1"})
    assert _problem(call(client, keys, PATIENT_VIEW, no_patient))[:2] == (400, "context.patientId")
    broken = prefetch([condition(LOW_BACK_PAIN)], birth="1980-13-40")
    status, field, message = _problem(call(client, keys, PATIENT_VIEW, patient_view(broken)))
    assert (status, field) == (400, "prefetch.patient.birthDate")
    bad_answer = prefetch([condition(LOW_BACK_PAIN)], [], [startback({**LOW_RISK, "9": 7})])
    status, field, message = _problem(call(client, keys, PATIENT_VIEW, patient_view(bad_answer)))
    assert status == 400 and field.startswith("prefetch (startback") and "7" in message
    assert _problem(call(client, keys, PATIENT_VIEW, "{not json"))[:2] == (400, "body")


def test_the_specs_patient_view_example_shape(client: Client, keys: Keys, fake_fhir: FakeFhir) -> None:
    """The request of the CDS Hooks 2.0 spec's patient-view example (its FHIR server replaced by the fake one,
    which knows this patient); its own prefetch key is not one rugpad asks for, so the rest is fetched."""
    fake_fhir.answers = {
        "Condition?patient=1288992": bundle(),
        "Observation?patient=1288992&_count=100": bundle(),
        "QuestionnaireResponse?patient=1288992&_count=50": bundle(),
        "Patient/1288992": {
            "resourceType": "Patient",
            "gender": "male",
            "birthDate": "1925-12-23",
            "id": "1288992",
            "active": True,
        },
    }
    body = {
        "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
        "fhirServer": fake_fhir.url,
        "hook": "patient-view",
        "fhirAuthorization": {
            "access_token": "some-opaque-fhir-access-token",
            "token_type": "Bearer",
            "expires_in": 300,
            "scope": "user/Patient.read user/Observation.read",
            "subject": "cds-service4",
        },
        "context": {"userId": "Practitioner/example", "patientId": "1288992", "encounterId": "89284"},
        "prefetch": {
            "patientToGreet": {
                "resourceType": "Patient",
                "gender": "male",
                "birthDate": "1925-12-23",
                "id": "1288992",
                "active": True,
            }
        },
    }
    assert _cards(call(client, keys, PATIENT_VIEW, body)) == []  # no back or neck pain on record: nothing to say
    assert len(fake_fhir.seen) == 4


def test_a_coded_no_or_a_missing_value_reason_is_not_the_sign(client: Client, keys: Keys) -> None:
    no = {**finding("saddle_anaesthesia", present=None), "valueCodeableConcept": coded(SNOMED, "373067005")}
    unknown = {
        **finding("bladder_dysfunction", present=None),
        "dataAbsentReason": coded("http://terminology.hl7.org/CodeSystem/data-absent-reason", "unknown"),
    }
    data = prefetch([condition(LOW_BACK_PAIN)], [no, unknown], [startback(LOW_RISK)])
    assert {c["indicator"] for c in _cards(call(client, keys, PATIENT_VIEW, patient_view(data)))} == {"info"}
    yes = {**finding("saddle_anaesthesia", present=None), "valueCodeableConcept": coded(SNOMED, "373066001")}
    data = prefetch([condition(LOW_BACK_PAIN)], [yes])
    assert [c["indicator"] for c in _cards(call(client, keys, PATIENT_VIEW, patient_view(data)))] == ["critical"]


def test_an_older_woman_with_ordinary_back_pain_raises_no_alarm(client: Client, keys: Keys) -> None:
    """Facts 6.2 vignette 5 (synthetic, rule-derived): a 67-year-old woman with ordinary mechanical pain and nothing
    else gets no red flag, only her profile by STarT Back."""
    data = prefetch(
        [condition(LOW_BACK_PAIN)], [], [startback({**LOW_RISK, "1": 1, "2": 1, "3": 1, "4": 1})], birth="1959-05-01"
    )
    cards = _cards(call(client, keys, PATIENT_VIEW, patient_view(data), lang="en"))
    assert {c["indicator"] for c in cards} == {"info"}
    assert any(c["summary"] == "Low back pain: profile 2 (STarT Back: medium risk)" for c in cards)


def test_data_of_another_patient_is_refused(client: Client, keys: Keys) -> None:
    other = prefetch([condition(LOW_BACK_PAIN)], pid="p2")
    assert _problem(call(client, keys, PATIENT_VIEW, patient_view(other)))[:2] == (400, "prefetch.patient.id")
    mixed = prefetch([condition(LOW_BACK_PAIN), {**condition(LOW_BACK_PAIN), "subject": {"reference": "Patient/p2"}}])
    response = call(client, keys, PATIENT_VIEW, patient_view(mixed))
    assert _problem(response)[:2] == (400, "prefetch.conditions[1].subject")
    absolute = {**condition(LOW_BACK_PAIN), "subject": {"reference": "https://ehr.example.nl/fhir/Patient/p1"}}
    assert _cards(call(client, keys, PATIENT_VIEW, patient_view(prefetch([absolute]))))


def test_a_red_flag_that_needs_the_age_is_a_warning_saying_so(client: Client, keys: Keys) -> None:
    data = prefetch([condition(LOW_BACK_PAIN)], [finding("long_term_corticosteroids")])
    del data["patient"]["birthDate"]
    cards = _cards(call(client, keys, PATIENT_VIEW, patient_view(data), lang="en"))
    undecided = [c for c in cards if "rf.fracture_features" in c["source"]["label"]]
    assert [c["indicator"] for c in undecided] == ["warning"]
    assert not any(c["indicator"] == "critical" for c in cards)
    assert not any("no_routine_imaging" in c["source"]["label"] for c in cards)  # not known to be "without a flag"
    assert undecided[0]["summary"].endswith("— needs the age")
    data["patient"]["birthDate"] = "1990-01-01"  # young: the age decides it, and it does not hold
    cards = _cards(call(client, keys, PATIENT_VIEW, patient_view(data), lang="en"))
    assert not any("rf.fracture_features" in c["source"]["label"] for c in cards)


def test_startback_answers_may_sit_in_a_group_and_be_codings(client: Client, keys: Keys) -> None:
    grouped = startback({})
    grouped["item"] = [
        {
            "linkId": "startback",
            "item": [
                *({"linkId": str(i), "answer": [{"valueBoolean": i <= 4}]} for i in range(1, 9)),
                {"linkId": "9", "answer": [{"valueCoding": {"system": "https://rugpad.org/x", "code": "4"}}]},
            ],
        }
    ]
    data = prefetch([condition(LOW_BACK_PAIN)], [], [grouped])
    cards = _cards(call(client, keys, PATIENT_VIEW, patient_view(data), lang="en"))
    assert any(c["summary"] == "Low back pain: profile 2 (STarT Back: medium risk)" for c in cards)


def test_with_a_practice_configured_the_call_is_in_that_practices_audit_log(
    client: Client, keys: Keys, settings: Any
) -> None:
    from rugpad.web.practice.models import Practice, Role, User
    from tests.web.cdshooks.conftest import ISSUER
    from tests.web.conftest import client_for

    practice, other = Practice.objects.create(name="Praktijk A"), Practice.objects.create(name="Praktijk B")
    settings.RUGPAD_CDS_ISSUERS = json.dumps({ISSUER: {"jwks_file": str(keys.jwks_path), "practice": practice.pk}})
    _cards(call(client, keys, PATIENT_VIEW, patient_view(prefetch([condition(LOW_BACK_PAIN)], []))))
    event = AuditEvent.objects.get(object_type="cdscall")
    assert event.practice_id == practice.pk
    admin = User.objects.create_user("beheer-a", password="pw-123456789", practice=practice, role=Role.ADMIN)
    outsider = User.objects.create_user("beheer-b", password="pw-123456789", practice=other, role=Role.ADMIN)
    asked = "advies gevraagd door een ander systeem"  # the record kind, in words (summaries are not shown there)
    assert asked in client_for(admin).get("/audit/").content.decode().lower()
    assert asked not in client_for(outsider).get("/audit/").content.decode().lower()
