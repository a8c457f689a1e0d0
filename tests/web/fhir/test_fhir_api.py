"""/fhir/ as an outside system uses it, on the demo practice: the CapabilityStatement tells the truth, reads and
searches (every parameter, every prefix, paging to the end), errors as OperationOutcomes naming the parameter, and
every record shown audited as a read of its patient."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rugpad.web.audit.models import AuditAction, AuditEvent
from rugpad.web.care.models import InstrumentResponse, Patient
from rugpad.web.fhir import search
from rugpad.web.fhir.registry import CONTENT, KINDS
from tests.web.fhir.conftest import Demo, bearer, get, next_link, resources

OWN = ("Patient", "EpisodeOfCare", "Condition", "Flag", "QuestionnaireResponse", "Observation")


def _ids(bundle: dict[str, Any]) -> list[str]:
    return [resource["id"] for resource in resources(bundle)]


def _all(client: Client, url: str) -> list[dict[str, Any]]:
    """Every resource of a search, following the next links to the end."""
    found: list[dict[str, Any]] = []
    following: str | None = url
    while following:
        bundle = get(client, following)
        found += resources(bundle)
        following = next_link(bundle)
    return found


# --- the CapabilityStatement -----------------------------------------------------------------------------------------


def test_metadata_is_open_and_lists_exactly_what_the_server_answers(demo: Demo, db: None) -> None:
    statement = get(Client(), "/fhir/metadata")  # no credentials: it holds no patient data
    assert statement["resourceType"] == "CapabilityStatement"
    assert statement["fhirVersion"] == "4.0.1"
    assert "application/fhir+json" in statement["format"]
    (rest,) = statement["rest"]
    listed = {resource["type"]: resource for resource in rest["resource"]}
    binary = listed.pop("Binary")  # read only: the consented GP letter's PDF (tests in test_document.py)
    assert binary["interaction"] == [{"code": "read"}]
    assert set(listed) == set(KINDS) | set(CONTENT)
    client = bearer(demo.token)
    for name, resource in listed.items():
        interactions = {i["code"] for i in resource["interaction"]}
        creatable = name in KINDS and KINDS[name].create is not None
        assert interactions == {"read", "search-type"} | ({"create"} if creatable else set()), name
        if name in KINDS:
            assert {p["name"]: p["type"] for p in resource["searchParam"]} == search.parameters(KINDS[name])
        for param in resource["searchParam"]:  # every listed parameter is accepted
            value = {"date": "ge2000", "_lastUpdated": "ge2000", "patient": f"Patient/{demo.discharged}"}.get(
                param["name"], "1"
            )
            get(client, f"/fhir/{name}?{param['name']}={value}&_count=1")
        if not creatable:
            assert client.post(f"/fhir/{name}", "{}", content_type="application/fhir+json").status_code == 405
    assert [op["name"] for op in listed["Patient"]["operation"]] == ["everything"]
    assert [op["name"] for op in rest["operation"]] == ["export"]
    assert reverse("fhir_export") == "/fhir/$export"


# --- read ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("resource_type", OWN)
def test_every_type_reads_each_resource_its_search_shows(demo: Demo, db: None, resource_type: str) -> None:
    client = bearer(demo.token)
    patient = demo.flagged if resource_type == "Flag" else demo.discharged
    query = f"_id={patient}" if resource_type == "Patient" else f"patient={patient}"
    for resource in resources(get(client, f"/fhir/{resource_type}?{query}")):
        assert get(client, f"/fhir/{resource_type}/{resource['id']}") == resource


def test_a_questionnaire_reads_by_its_code_and_searches_by_canonical_url(demo: Demo, db: None) -> None:
    client = bearer(demo.token)
    odi = get(client, "/fhir/Questionnaire/odi")
    assert odi["url"] == "https://rugpad.org/fhir/Questionnaire/odi"
    assert _ids(get(client, f"/fhir/Questionnaire?url={odi['url']}")) == ["odi"]
    assert _ids(get(client, f"/fhir/Questionnaire?url={odi['url']}|{odi['version']}")) == ["odi"]
    assert _ids(get(client, "/fhir/Questionnaire?_id=nprs,psk")) == ["nprs", "psk"]
    psk = get(client, "/fhir/Questionnaire/psk")  # its version has spaces: a canonical percent-encodes them
    canonical = "https://rugpad.org/fhir/Questionnaire/psk|2008%20%2811-point%20scale%29"
    assert psk["version"] == "2008 (11-point scale)"
    assert _ids(get(client, f"/fhir/Questionnaire?{urlencode({'url': canonical})}")) == ["psk"]
    assert _ids(get(client, "/fhir/Observation?_id=123456789012345678901234")) == []
    paged = get(client, "/fhir/Questionnaire?_count=5")
    assert len(_ids(paged)) == 5 and next_link(paged)
    assert len(_all(client, "/fhir/Questionnaire?_count=3")) == len(CONTENT["Questionnaire"].resources())


@pytest.mark.parametrize(
    "url",
    ["/fhir/Patient/999999", "/fhir/Patient/abc", "/fhir/Observation/0", "/fhir/Questionnaire/nope",
     "/fhir/Nothing/1", "/fhir/Nothing", "/fhir/Patient/999999/$everything", "/fhir/Flag/123456789012345678901234",
     "/fhir/Patient/123456789012345678901234/$everything"],
)  # fmt: skip
def test_what_is_not_there_is_a_404_operation_outcome(demo: Demo, db: None, url: str) -> None:
    outcome = get(bearer(demo.token), url, 404)
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["code"] in ("not-found", "not-supported")


# --- search -------------------------------------------------------------------------------------------------------


def test_patient_narrows_by_reference_or_plain_id_and_alternatives_add_up(demo: Demo, db: None) -> None:
    client = bearer(demo.token)
    by_reference = _ids(get(client, f"/fhir/Observation?patient=Patient/{demo.discharged}&_count=200"))
    by_id = _ids(get(client, f"/fhir/Observation?patient={demo.discharged}&_count=200"))
    expected = InstrumentResponse.objects.filter(episode__patient_id=demo.discharged, score__isnull=False).count()
    assert by_reference == by_id and len(by_id) == expected > 3
    both = _ids(get(client, f"/fhir/Observation?patient={demo.discharged},{demo.open}&_count=200"))
    own = _ids(get(client, f"/fhir/Observation?patient={demo.open}&_count=200"))
    assert sorted(both) == sorted(by_id + own)
    narrowed = _ids(get(client, f"/fhir/Observation?patient={demo.discharged}&_id={by_id[0]},{by_id[-1]}"))
    assert sorted(narrowed) == sorted([by_id[0], by_id[-1]])


def test_dates_compare_as_whole_periods_with_every_prefix(demo: Demo, db: None) -> None:
    client = bearer(demo.token)
    rows = InstrumentResponse.objects.filter(episode__patient_id=demo.discharged, score__isnull=False)
    days = sorted({timezone.localdate(r.completed_at) for r in rows})
    assert len(days) >= 3
    middle = days[len(days) // 2]
    base = f"/fhir/Observation?patient={demo.discharged}&_count=200"

    def on(pick: Any) -> set[str]:
        return {str(r.pk) for r in rows if pick(timezone.localdate(r.completed_at))}

    for prefix, pick in [
        ("", lambda d: d == middle), ("eq", lambda d: d == middle), ("lt", lambda d: d < middle),
        ("le", lambda d: d <= middle), ("gt", lambda d: d > middle), ("ge", lambda d: d >= middle),
    ]:  # fmt: skip
        assert set(_ids(get(client, f"{base}&date={prefix}{middle.isoformat()}"))) == on(pick), prefix
    month = f"{middle:%Y-%m}"
    assert set(_ids(get(client, f"{base}&date={month}"))) == on(
        lambda d: (d.year, d.month) == (middle.year, middle.month)
    )
    assert set(_ids(get(client, f"{base}&date=ge{days[0]}&date=lt{days[-1]}"))) == on(lambda d: days[0] <= d < days[-1])
    assert set(_ids(get(client, f"{base}&date={days[0]},{days[-1]}"))) == on(lambda d: d in (days[0], days[-1]))
    assert _ids(get(client, f"{base}&date=gt{days[-1].year + 1}")) == []
    # the episode's date is a plain date: its first contact
    started = Patient.objects.get(pk=demo.discharged).episodes.get().started_on
    assert _ids(get(client, f"/fhir/EpisodeOfCare?patient={demo.discharged}&date={started}")) != []
    assert _ids(get(client, f"/fhir/EpisodeOfCare?patient={demo.discharged}&date=gt{started}")) == []


def test_last_updated_selects_by_when_the_record_last_changed(demo: Demo, db: None) -> None:
    client = bearer(demo.token)
    today = timezone.localdate()
    everything = _ids(get(client, f"/fhir/Flag?patient={demo.flagged}"))
    assert everything
    assert _ids(get(client, f"/fhir/Flag?patient={demo.flagged}&_lastUpdated=le{today}")) == everything
    assert _ids(get(client, f"/fhir/Flag?patient={demo.flagged}&_lastUpdated=gt{today}")) == []
    patients = _ids(get(client, f"/fhir/Patient?_lastUpdated=ge{today - dt.timedelta(days=1)}&_count=200"))
    assert len(patients) == Patient.objects.count()


@pytest.mark.parametrize("resource_type", ["Observation", "QuestionnaireResponse", "Patient", "EpisodeOfCare"])
def test_pages_follow_the_next_link_to_the_end_without_repeats(demo: Demo, db: None, resource_type: str) -> None:
    client = bearer(demo.token)
    whole = _ids(get(client, f"/fhir/{resource_type}?_count=200"))
    first = get(client, f"/fhir/{resource_type}?_count=3")
    assert len(_ids(first)) == 3 and "total" not in first
    assert first["link"][0] == {"relation": "self", "url": f"http://testserver/fhir/{resource_type}?_count=3"}
    paged = [r["id"] for r in _all(client, f"/fhir/{resource_type}?_count=3")]
    assert paged == whole and len(set(paged)) == len(paged)
    updated = [r["meta"]["lastUpdated"] for r in resources(get(client, f"/fhir/{resource_type}?_count=200"))]
    assert updated == sorted(updated, reverse=True)  # newest first


def test_everything_pages_give_the_whole_record_once(demo: Demo, db: None) -> None:
    client = bearer(demo.token)
    whole = get(client, f"/fhir/Patient/{demo.discharged}/$everything")
    keys = [(r["resourceType"], r["id"]) for r in resources(whole)]
    assert keys[0] == ("Patient", str(demo.discharged)) and next_link(whole) is None
    for resource_type in OWN:
        if resource_type != "Flag":
            assert any(t == resource_type for t, _i in keys), resource_type
    paged = [
        (r["resourceType"], r["id"]) for r in _all(client, f"/fhir/Patient/{demo.discharged}/$everything?_count=4")
    ]
    assert paged == keys
    for entry in whole["entry"]:  # every resource is the patient's
        resource = entry["resource"]
        subject = resource.get("subject") or resource.get("patient")
        if resource["resourceType"] not in ("Patient", "Questionnaire") and subject:
            assert subject["reference"] == f"Patient/{demo.discharged}"


def test_count_is_bounded_and_refused_when_not_a_positive_number(demo: Demo, db: None) -> None:
    client = bearer(demo.token)
    big = get(client, "/fhir/Observation?_count=5000")
    assert big["link"][0]["url"].endswith("_count=200")
    for bad in ("0", "-1", "many"):
        outcome = get(client, f"/fhir/Observation?_count={bad}", 400)
        assert outcome["issue"][0]["expression"] == ["_count"]


@pytest.mark.parametrize(
    ("query", "named"),
    [("colour=blue", "colour"), ("date=2026-13-01", "date"), ("date=ne2026-01-01", "date"),
     ("date=2026-01-01T10:00", "date"), ("patient=Observation/3", "patient"),
     ("_lastUpdated=yesterday", "_lastUpdated"),
     ("_cursor=bm9uc2Vuc2U", "_cursor"), ("patient:Patient=1", "patient:Patient")],
)  # fmt: skip
def test_a_bad_parameter_is_a_400_naming_it(demo: Demo, db: None, query: str, named: str) -> None:
    outcome = get(bearer(demo.token), f"/fhir/Observation?{query}", 400)
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["expression"] == [named]
    assert outcome["issue"][0]["severity"] == "error"


def test_lenient_handling_ignores_unknown_parameters_and_says_what_it_applied(demo: Demo, db: None) -> None:
    client = bearer(demo.token)
    bundle = get(client, f"/fhir/Observation?colour=blue&patient={demo.discharged}", Prefer="handling=lenient")
    assert bundle["link"][0]["url"] == f"http://testserver/fhir/Observation?patient={demo.discharged}&_count=50"
    assert _ids(bundle) == _ids(get(client, f"/fhir/Observation?patient={demo.discharged}"))
    get(client, f"/fhir/Patient/{demo.discharged}/$everything?start=2020", 400)
    get(client, f"/fhir/Patient/{demo.discharged}/$everything?start=2020", Prefer="handling=lenient")


# --- formats and methods --------------------------------------------------------------------------------------------


def test_json_is_the_only_format(demo: Demo, db: None) -> None:
    client = bearer(demo.token)
    for fmt in ("json", "application/json", "application/fhir%2Bjson", "application/fhir+json"):
        get(client, f"/fhir/Patient?_format={fmt}&_count=1")
    for accept in ("application/json", "application/fhir+json", "*/*", "text/html,application/xhtml+xml,*/*;q=0.8"):
        get(client, "/fhir/Patient?_count=1", Accept=accept)
    assert get(client, "/fhir/Patient?_format=xml", 406)["issue"][0]["expression"] == ["_format"]
    get(client, "/fhir/Patient?_count=1", 406, Accept="application/fhir+xml")
    get(client, "/fhir/metadata?_format=application/fhir+xml", 406)


def test_other_methods_are_405_naming_what_is_allowed(demo: Demo, db: None) -> None:
    client = bearer(demo.token)
    for response in (
        client.delete(f"/fhir/Patient/{demo.discharged}"),
        client.put(f"/fhir/Patient/{demo.discharged}", "{}", content_type="application/fhir+json"),
        client.post("/fhir/Patient", "{}", content_type="application/fhir+json"),
        client.post("/fhir/metadata"),
        client.post(f"/fhir/Patient/{demo.discharged}/$everything"),
    ):
        assert response.status_code == 405 and response["Allow"]
        assert response.json()["resourceType"] == "OperationOutcome"
    assert client.post("/fhir/QuestionnaireResponse", "x", content_type="text/plain").status_code == 415


# --- the audit --------------------------------------------------------------------------------------------------------


def _events(since: int, **filters: Any) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(pk__gt=since, **filters).order_by("pk"))


def _last() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_a_read_is_one_view_event_of_its_patient(demo: Demo, db: None) -> None:
    client = bearer(demo.token)
    observation = resources(get(client, f"/fhir/Observation?patient={demo.discharged}&_count=1"))[0]
    start = _last()
    get(client, f"/fhir/Observation/{observation['id']}")
    (event,) = _events(start)
    assert (event.action, event.patient_id, event.actor_name) == (AuditAction.VIEW, demo.discharged, "anna")
    assert event.object_id == observation["id"] and "FHIR Observation read" in event.summary


def test_a_search_across_patients_is_a_view_per_patient_and_one_list_event(demo: Demo, db: None) -> None:
    client = bearer(demo.token)
    start = _last()
    bundle = get(client, "/fhir/Patient?_count=5")
    shown = {int(i) for i in _ids(bundle)}
    views = _events(start, action=AuditAction.VIEW)
    assert {e.patient_id for e in views} == shown and len(views) == 5
    (listed,) = _events(start, action=AuditAction.LIST)
    assert listed.summary == "FHIR Patient search: 5 patients"


def test_a_search_of_one_patient_is_one_view_event_and_no_list(demo: Demo, db: None) -> None:
    client = bearer(demo.token)
    start = _last()
    get(client, f"/fhir/QuestionnaireResponse?patient={demo.discharged}")
    (event,) = _events(start)
    assert (event.action, event.patient_id) == (AuditAction.VIEW, demo.discharged)


def test_everything_is_one_view_event_naming_it(demo: Demo, db: None) -> None:
    client = bearer(demo.token)
    start = _last()
    get(client, f"/fhir/Patient/{demo.discharged}/$everything")
    (event,) = _events(start)
    assert (event.action, event.patient_id, event.object_type) == (AuditAction.VIEW, demo.discharged, "patient")
    assert event.summary.startswith("FHIR $everything")


def test_reading_content_or_metadata_writes_no_patient_event(demo: Demo, db: None) -> None:
    client = bearer(demo.token)
    start = _last()
    get(client, "/fhir/metadata")
    get(client, "/fhir/Questionnaire")
    assert _events(start) == []


def test_a_failure_is_a_500_operation_outcome_and_logged(
    demo: Demo, db: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from rugpad.web.fhir.build import patient

    def broken(row: Any) -> dict[str, Any]:
        raise RuntimeError("a build module's mistake")

    monkeypatch.setattr(patient, "patient_resource", broken)
    outcome = get(bearer(demo.token), f"/fhir/Patient/{demo.discharged}", 500)
    assert outcome["issue"][0]["code"] == "exception" and "mistake" not in outcome["issue"][0]["diagnostics"]
    assert "a build module's mistake" in caplog.text
