"""The bulk export (`$export`) end to end, as an outside system drives it: kick-off with a bearer token, the status
URL, the manifest, the NDJSON files read back with `fhir.resources`, `_type` and `_since`, cancel, and the audit."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from fhir.resources.R4B import get_fhir_model_class

from rugpad.web.audit.models import AuditAction, AuditEvent
from rugpad.web.demo import as_user
from rugpad.web.fhir import export
from rugpad.web.fhir.models import ExportJob, ExportStatus
from rugpad.web.fhir.registry import CONTENT, KINDS
from rugpad.web.outcomes import actions as outcome_actions
from rugpad.web.portal import actions as portal_actions
from rugpad.web.practice.models import User
from rugpad.web.practice.tokens import do_create_token
from tests.web.conftest import TODAY, World, client_for

ASYNC = {"HTTP_PREFER": "respond-async", "HTTP_ACCEPT": "application/fhir+json"}


def bearer(user: User) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {do_create_token(user, 'export test')}"}


@pytest.fixture
def records(world: World) -> World:
    """Each practice with a message and a consented GP letter (a type of FHIR-1's and one of each of ours)."""
    for clinician, episode in ((world.clinician, world.episode), (world.other_clinician, world.other_episode)):
        portal_actions.do_send_message(as_user(clinician), episode, f"Bericht van {clinician.username}")
        outcome_actions.do_generate_report(as_user(clinician), episode, kind="interim", treatment="", advice="",
                                           today=TODAY)  # fmt: skip
        outcome_actions.do_record_consent(as_user(clinician), episode, decision="given", method="verbal",
                                          given_by="Pat", recipient="GP", note="")  # fmt: skip
    return world


def kick_off(client: Client, capture: Callable[..., Any], query: str = "", **headers: str) -> tuple[int, str]:
    with capture(execute=True):  # the task is queued on commit; Huey runs it at once in the tests
        response = client.get(f"/fhir/$export{query}", **{**ASYNC, **headers})
    return response.status_code, response.headers.get("Content-Location", "")


def ndjson(client: Client, url: str, **headers: str) -> list[dict[str, Any]]:
    response = client.get(url, **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/fhir+ndjson"
    lines = b"".join(response.streaming_content).decode().splitlines()  # type: ignore[attr-defined]
    return [json.loads(line) for line in lines]


def test_a_whole_practice_export_end_to_end(records: World, django_capture_on_commit_callbacks: Any) -> None:
    world = records
    client, auth = Client(), bearer(world.clinician)
    status, location = kick_off(client, django_capture_on_commit_callbacks, **auth)
    assert status == 202 and location.startswith("http://testserver/fhir/$export-status/")
    response = client.get(location, **auth)
    assert response.status_code == 200
    manifest = response.json()
    assert manifest["requiresAccessToken"] is True
    assert manifest["request"] == "http://testserver/fhir/$export"
    assert dt.datetime.fromisoformat(manifest["transactionTime"]) <= timezone.now()
    assert manifest["error"] == []
    assert [part["type"] for part in manifest["output"]] == export.exportable()
    assert manifest["output"][0]["type"] == "Patient" and set(KINDS) | set(CONTENT) == set(export.exportable())
    found: dict[str, list[dict[str, Any]]] = {}
    for part in manifest["output"]:
        resources = ndjson(client, part["url"], **auth)
        assert len(resources) == part["count"]
        for resource in resources:
            get_fhir_model_class(part["type"]).model_validate(resource)  # each line parses as its resource
        found[part["type"]] = resources
    patients = {
        (r.get("subject") or r.get("patient") or {}).get("reference") or f"Patient/{r['id']}"
        for type_, rs in found.items() for r in rs if type_ != "Questionnaire"
    }  # fmt: skip
    assert patients == {f"Patient/{world.patient.pk}"}  # practice B's patient is absent from every file
    assert [r["payload"][0]["contentString"] for r in found["Communication"]] == ["Bericht van clina"]
    assert len(found["DocumentReference"]) == len(found["Composition"]) == 1
    assert [r["id"] for r in found["Patient"]] == [str(world.patient.pk)]
    assert len(found["Questionnaire"]) == len(CONTENT["Questionnaire"].resources())  # the definitions, whole
    (event,) = AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="exportjob")
    assert event.actor == world.clinician and event.summary.startswith("FHIR bulk export of 1 patients")


def test_type_and_since_narrow_the_export(records: World, django_capture_on_commit_callbacks: Any) -> None:
    world = records
    client = client_for(world.clinician)
    _status, location = kick_off(client, django_capture_on_commit_callbacks, "?_type=Communication,CarePlan")
    manifest = client.get(location).json()
    assert [(p["type"], p["count"]) for p in manifest["output"]] == [("Communication", 1), ("CarePlan", 0)]
    later = timezone.now()
    portal_actions.do_send_message(as_user(world.clinician), world.episode, "Nieuw bericht")
    since = later.isoformat().replace("+00:00", "Z")
    _status, location = kick_off(client, django_capture_on_commit_callbacks, f"?_type=Communication&_since={since}")
    (part,) = client.get(location).json()["output"]
    assert [r["payload"][0]["contentString"] for r in ndjson(client, part["url"])] == ["Nieuw bericht"]


def test_the_status_is_202_with_progress_while_it_runs(records: World) -> None:
    world = records
    client = client_for(world.clinician)
    response = client.get("/fhir/$export?_type=Communication", **ASYNC)  # not committed: the task has not run
    assert response.status_code == 202
    location = response["Content-Location"]
    running = client.get(location)
    assert running.status_code == 202 and running["X-Progress"] == "queued"
    job = ExportJob.objects.get()
    export.run(str(job.pk))
    assert client.get(location).status_code == 200
    assert export.run(str(job.pk)) is None  # a second delivery of the task does nothing


def test_delete_cancels_and_removes_the_files(records: World, django_capture_on_commit_callbacks: Any) -> None:
    world = records
    client = client_for(world.clinician)
    _status, location = kick_off(client, django_capture_on_commit_callbacks, "?_type=Communication")
    (part,) = client.get(location).json()["output"]
    job = ExportJob.objects.get()
    assert export.export_folder(job.pk).is_dir()
    assert client.delete(location).status_code == 202
    assert not export.export_folder(job.pk).exists()
    assert client.get(location).status_code == 404
    assert client.get(part["url"]).status_code == 404


def test_a_running_export_stops_when_cancelled(records: World, monkeypatch: pytest.MonkeyPatch) -> None:
    world = records
    client = client_for(world.clinician)
    client.get("/fhir/$export?_type=Communication,DocumentReference", **ASYNC)
    job = ExportJob.objects.get()
    original = export._write_type

    def cancel_midway(*args: Any) -> int:
        ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.CANCELLED)
        return original(*args)

    monkeypatch.setattr(export, "_write_type", cancel_midway)
    export.run(str(job.pk))
    assert ExportJob.objects.get().status == ExportStatus.CANCELLED
    assert not export.export_folder(job.pk).exists()
    assert not AuditEvent.objects.filter(object_type="exportjob").exists()


@pytest.mark.parametrize("who", ["other_clinician", "admin", "patient_user"])
def test_status_and_files_are_the_practice_clinicians_only(
    records: World, django_capture_on_commit_callbacks: Any, who: str
) -> None:
    world = records
    own = client_for(world.clinician)
    _status, location = kick_off(own, django_capture_on_commit_callbacks, "?_type=Communication")
    (part,) = own.get(location).json()["output"]
    other = client_for(getattr(world, who))
    assert other.get(location).status_code == 404
    assert other.get(part["url"]).status_code == 404
    assert other.delete(location).status_code == 404
    assert own.get(location).status_code == 200


@pytest.mark.parametrize("who", ["admin", "patient_user"])
def test_only_clinicians_may_start_an_export(records: World, who: str) -> None:
    assert client_for(getattr(records, who)).get("/fhir/$export", **ASYNC).status_code == 404
    assert Client().get("/fhir/$export", **ASYNC).status_code == 401
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize(
    ("query", "headers", "expression"),
    [
        ("", {"HTTP_PREFER": ""}, None),
        ("?_type=Nonsense", {}, "_type"),
        ("?_since=yesterday", {}, "_since"),
        ("?_since=2026-11-01T00:00:00", {}, "_since"),  # no time zone
        ("?_outputFormat=text/csv", {}, "_outputFormat"),
        ("?_elements=id", {}, "_elements"),
    ],
)
def test_a_bad_kick_off_is_a_400_naming_the_parameter(
    records: World, query: str, headers: dict[str, str], expression: str | None
) -> None:
    response = client_for(records.clinician).get(f"/fhir/$export{query}", **{**ASYNC, **headers})
    assert response.status_code == 400
    issue = response.json()["issue"][0]
    assert issue.get("expression", [None])[0] == expression
    assert not ExportJob.objects.exists()


def test_old_exports_leave_the_data_folder(records: World, django_capture_on_commit_callbacks: Any) -> None:
    client = client_for(records.clinician)
    _status, location = kick_off(client, django_capture_on_commit_callbacks, "?_type=Communication")
    job = ExportJob.objects.get()
    assert export.remove_old_exports(timezone.now()) == 0
    assert export.remove_old_exports(timezone.now() + dt.timedelta(hours=export.KEEP_HOURS + 1)) == 1
    assert not export.export_folder(job.pk).exists() and not ExportJob.objects.exists()
    assert client.get(location).status_code == 404


def test_memory_stays_one_page(records: World, django_capture_on_commit_callbacks: Any, monkeypatch: Any) -> None:
    """Pages of one record: every message still arrives, in id order, each page built on its own."""
    world = records
    for number in range(4):
        portal_actions.do_send_message(as_user(world.clinician), world.episode, f"Bericht {number}")
    monkeypatch.setattr(export, "PAGE", 1)
    client = client_for(world.clinician)
    _status, location = kick_off(client, django_capture_on_commit_callbacks, "?_type=Communication")
    (part,) = client.get(location).json()["output"]
    bodies = [r["payload"][0]["contentString"] for r in ndjson(client, part["url"])]
    assert bodies == ["Bericht van clina", *(f"Bericht {n}" for n in range(4))]


def test_each_page_costs_the_same_queries(records: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """With pages of one record, every further record costs one more page: the same few queries, however many came
    before (no query per row, no list of the practice held)."""
    world = records
    monkeypatch.setattr(export, "PAGE", 1)
    client = client_for(world.clinician)

    def queries() -> int:
        client.get("/fhir/$export?_type=CarePlan,ServiceRequest,Communication", **ASYNC)
        job = ExportJob.objects.filter(status=ExportStatus.QUEUED).get()
        with CaptureQueriesContext(connection) as captured:
            export.run(str(job.pk))
        return len(captured)

    counts = []
    for number in range(3):
        counts.append(queries())
        portal_actions.do_send_message(as_user(world.clinician), world.episode, f"Bericht {number}")
    assert 0 < counts[2] - counts[1] == counts[1] - counts[0] <= 3


def test_since_applies_to_every_type(records: World, django_capture_on_commit_callbacks: Any) -> None:
    client = client_for(records.clinician)
    _status, everything = kick_off(client, django_capture_on_commit_callbacks)
    _status, since_long_ago = kick_off(client, django_capture_on_commit_callbacks, "?_since=2000-01-01T00:00:00Z")
    future = (timezone.now() + dt.timedelta(days=1)).isoformat().replace("+00:00", "Z")
    _status, since_tomorrow = kick_off(client, django_capture_on_commit_callbacks, f"?_since={future}")
    counts = [{p["type"]: p["count"] for p in client.get(url).json()["output"]}
              for url in (everything, since_long_ago, since_tomorrow)]  # fmt: skip
    assert counts[0] == counts[1]
    assert {type_ for type_, count in counts[2].items() if count} == set(CONTENT)  # definitions only
