"""order-select: a warning when a selected imaging or opioid order meets a "do not" rule the engine lists for this
patient; silence when a red flag justifies it (over-alerting makes clinicians switch a tool off)."""

from __future__ import annotations

import uuid
from typing import Any

from django.test import Client

from tests.web.cdshooks.conftest import (
    LOW_RISK,
    ORDER_SELECT,
    SNOMED,
    Keys,
    call,
    coded,
    condition,
    finding,
    prefetch,
    startback,
)

LOW_BACK_PAIN = "279039007"


def _mri(site: str = "122496007", text: str = "MRI") -> dict[str, Any]:
    return {
        "resourceType": "ServiceRequest",
        "id": "sr-1",
        "status": "draft",
        "intent": "order",
        "subject": {"reference": "Patient/p1"},
        "category": [coded(SNOMED, "363679005", "Imaging")],
        "code": {"text": text},
        "bodySite": [coded(SNOMED, site)],
    }


def _medication(mid: str, concept: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceType": "MedicationRequest",
        "id": mid,
        "status": "draft",
        "intent": "order",
        "subject": {"reference": "Patient/p1"},
        "medicationCodeableConcept": concept,
    }


def _body(orders: list[dict[str, Any]], selections: list[str], prefetched: dict[str, Any]) -> dict[str, Any]:
    return {
        "hook": "order-select",
        "hookInstance": str(uuid.uuid4()),
        "context": {
            "userId": "Practitioner/example",
            "patientId": "p1",
            "encounterId": "e1",
            "selections": selections,
            "draftOrders": {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": o} for o in orders]},
        },
        "prefetch": prefetched,
    }


def _cards(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.content
    return list(response.json()["cards"])


NON_SPECIFIC = prefetch([condition(LOW_BACK_PAIN)], [], [startback(LOW_RISK)])


def test_lumbar_mri_without_red_flags_gets_a_warning_with_override_reasons(client: Client, keys: Keys) -> None:
    cards = _cards(call(client, keys, ORDER_SELECT, _body([_mri()], ["ServiceRequest/sr-1"], NON_SPECIFIC), lang="en"))
    assert len(cards) == 1
    card = cards[0]
    assert card["indicator"] == "warning"
    assert card["summary"].startswith("MRI goes against: Do not request or advise imaging")
    # the caller is Dutch: of NICE, KCE and NHG, which all give this advice, the NHG guideline is cited first
    assert "lb.all.no_routine_imaging" in card["source"]["label"] and "NHG-Standaard" in card["source"]["label"]
    assert card["links"][0]["url"] == "http://testserver/cds-services/rules/lb.all.no_routine_imaging"
    reasons = card["overrideReasons"]
    assert {
        "system": "https://rugpad.org/fhir/CodeSystem/cds-override-reason",
        "code": "red-flag-elsewhere",
        "display": "Red flag known outside these records",
    } in reasons


def test_imaging_named_only_in_words_counts_too(client: Client, keys: Keys) -> None:
    order = {**_mri(), "category": [], "bodySite": [], "code": {"text": "Röntgen LWK"}}
    assert len(_cards(call(client, keys, ORDER_SELECT, _body([order], ["ServiceRequest/sr-1"], NON_SPECIFIC)))) == 1


def test_with_a_red_flag_the_imaging_order_gets_no_card(client: Client, keys: Keys) -> None:
    flagged = prefetch([condition(LOW_BACK_PAIN)], [finding("saddle_anaesthesia")], [startback(LOW_RISK)])
    assert _cards(call(client, keys, ORDER_SELECT, _body([_mri()], ["ServiceRequest/sr-1"], flagged))) == []


def test_a_red_flag_that_leaves_the_pathway_open_still_silences_the_imaging_card(client: Client, keys: Keys) -> None:
    """Suspected axial spondyloarthritis is reported without stopping the pathway; "no imaging without a red flag"
    then no longer holds."""
    signs = [
        "morning_stiffness_over_30min",
        "improves_with_exercise_not_rest",
        "alternating_buttock_pain",
        "night_pain_second_half",
    ]
    long = condition(LOW_BACK_PAIN, onset="2025-06-01")  # more than 13 weeks, begun before the age of 45
    flagged = prefetch([long], [finding(s) for s in signs], [startback(LOW_RISK)], birth="1996-01-01")
    assert _cards(call(client, keys, ORDER_SELECT, _body([_mri()], ["ServiceRequest/sr-1"], flagged))) == []
    pv = {**_body([], [], flagged), "hook": "patient-view"}
    del pv["context"]["selections"], pv["context"]["draftOrders"]
    cards = _cards(call(client, keys, "rugpad-back-neck-pain", pv, lang="en"))
    assert [c["indicator"] for c in cards if "rf.axial" in c["source"]["label"]] == ["warning"]  # soon: a warning
    assert not any("no_routine_imaging" in c["source"]["label"] for c in cards)


def test_knee_imaging_and_neck_imaging_get_no_card(client: Client, keys: Keys) -> None:
    knee = {**_mri(site="72696002", text="MRI knie"), "id": "sr-1"}
    assert _cards(call(client, keys, ORDER_SELECT, _body([knee], ["ServiceRequest/sr-1"], NON_SPECIFIC))) == []
    neck = prefetch([condition("81680005")])
    cervical = _mri(site="122494005", text="MRI cervical spine")
    assert (
        _cards(call(client, keys, ORDER_SELECT, _body([cervical], ["ServiceRequest/sr-1"], neck))) == []
    )  # no neck rule


def test_an_opioid_for_low_back_pain_gets_a_warning(client: Client, keys: Keys) -> None:
    oxy = _medication("mr-1", coded("http://www.whocc.no/atc", "N02AA05", "oxycodon"))
    cards = _cards(call(client, keys, ORDER_SELECT, _body([oxy], ["MedicationRequest/mr-1"], NON_SPECIFIC), lang="en"))
    assert [c["indicator"] for c in cards] == ["warning"]
    assert "lb.all.no_opioids_chronic" in cards[0]["source"]["label"]


def test_a_medication_by_reference_to_a_contained_medication(client: Client, keys: Keys) -> None:
    order = {
        "resourceType": "MedicationRequest",
        "id": "mr-2",
        "status": "draft",
        "intent": "order",
        "subject": {"reference": "Patient/p1"},
        "contained": [{"resourceType": "Medication", "id": "med", "code": {"text": "Tramadol 50 mg capsule"}}],
        "medicationReference": {"reference": "#med"},
    }
    assert len(_cards(call(client, keys, ORDER_SELECT, _body([order], ["MedicationRequest/mr-2"], NON_SPECIFIC)))) == 1


def test_only_selected_orders_count(client: Client, keys: Keys) -> None:
    oxy = _medication("mr-1", {"text": "Oxycodone 5 mg"})
    ibu = _medication("mr-9", {"text": "Ibuprofen 400 mg"})
    assert _cards(call(client, keys, ORDER_SELECT, _body([oxy, ibu], ["MedicationRequest/mr-9"], NON_SPECIFIC))) == []


def test_a_selection_that_is_not_a_draft_order_is_400(client: Client, keys: Keys) -> None:
    response = call(client, keys, ORDER_SELECT, _body([_mri()], ["ServiceRequest/other"], NON_SPECIFIC))
    assert response.status_code == 400
    assert response.json()["issue"][0]["expression"] == ["context.selections[0]"]
    no_orders = _body([_mri()], ["ServiceRequest/sr-1"], NON_SPECIFIC)
    del no_orders["context"]["draftOrders"]
    assert call(client, keys, ORDER_SELECT, no_orders).json()["issue"][0]["expression"] == ["context.draftOrders"]


def test_the_specs_order_select_example_shape(client: Client, keys: Keys) -> None:
    """The CDS Hooks order-select example (an amoxicillin draft order, RxNorm-coded): not an opioid, no card."""
    amoxicillin = {
        "resourceType": "MedicationRequest",
        "id": "smart-MedicationRequest-103",
        "status": "draft",
        "intent": "order",
        "medicationCodeableConcept": {
            "coding": [
                {
                    "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                    "code": "617993",
                    "display": "Amoxicillin 120 MG/ML / clavulanate potassium 8.58 MG/ML Oral Suspension",
                }
            ],
            "text": "Amoxicillin 120 MG/ML / clavulanate potassium 8.58 MG/ML Oral Suspension",
        },
        "subject": {"reference": "Patient/p1"},
        "dosageInstruction": [
            {"text": "5 mL bid x 10 days", "timing": {"repeat": {"frequency": 2, "period": 1, "periodUnit": "d"}}}
        ],
    }
    body = _body([amoxicillin], ["MedicationRequest/smart-MedicationRequest-103"], NON_SPECIFIC)
    assert _cards(call(client, keys, ORDER_SELECT, body)) == []


def test_an_undecided_red_flag_also_silences_the_imaging_card(client: Client, keys: Keys) -> None:
    """Long-term corticosteroids in a patient whose age is unknown: the fracture rule cannot be decided (no flag is
    raised), so "no imaging without a red flag" is not known to hold. With the age known (young), it does."""
    data = prefetch([condition(LOW_BACK_PAIN)], [finding("long_term_corticosteroids")], [startback(LOW_RISK)])
    del data["patient"]["birthDate"]
    assert _cards(call(client, keys, ORDER_SELECT, _body([_mri()], ["ServiceRequest/sr-1"], data))) == []
    data["patient"]["birthDate"] = "1990-01-01"
    assert len(_cards(call(client, keys, ORDER_SELECT, _body([_mri()], ["ServiceRequest/sr-1"], data)))) == 1
