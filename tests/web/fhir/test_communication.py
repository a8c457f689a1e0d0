"""Communication: the messages of an episode's thread, with who wrote to whom, when, and when it was read."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from fhir.resources.R4B.communication import Communication

import rugpad.web.fhir.build.extra  # noqa: F401  (registers the types)
from rugpad.web.audit.models import AuditAction, AuditEvent
from rugpad.web.demo import as_user
from rugpad.web.fhir.registry import KINDS, BuildContext
from rugpad.web.portal import actions
from rugpad.web.portal.models import Message
from rugpad.web.practice.models import User
from tests.web.conftest import TODAY, World, client_for


def built(user: User) -> list[dict[str, Any]]:
    kind = KINDS["Communication"]
    rows = list(kind.records(user).order_by("pk"))
    return kind.build(rows, BuildContext(user=user, base_url="http://testserver/fhir", today=TODAY))


@pytest.fixture
def thread(world: World) -> World:
    actions.do_send_message(as_user(world.clinician), world.episode, "Hoe gaan de oefeningen?")
    actions.do_read_messages(as_user(world.patient_user), world.episode)
    actions.do_send_message(as_user(world.patient_user), world.episode, "Goed, dank u.")
    actions.do_send_message(as_user(world.other_clinician), world.other_episode, "Andere praktijk")
    return world


def test_each_message_is_a_communication_of_its_episode(thread: World) -> None:
    question, answer = built(thread.clinician)
    for resource in (question, answer):
        Communication.model_validate(resource)
        assert resource["status"] == "completed"
        assert resource["subject"]["reference"] == f"Patient/{thread.patient.pk}"
        assert resource["about"] == [{"reference": f"EpisodeOfCare/{thread.episode.pk}"}]
    assert question["payload"] == [{"contentString": "Hoe gaan de oefeningen?"}]
    assert question["sender"] == {"display": thread.clinician.get_username()}
    assert question["recipient"] == [answer["sender"]]
    assert answer["sender"]["reference"] == f"Patient/{thread.patient.pk}"
    assert answer["recipient"] == [{"display": str(thread.practice)}]


def test_sent_and_read_times_are_the_stored_ones(thread: World) -> None:
    question, answer = built(thread.clinician)
    stored = {m.body: m for m in Message.objects.filter(episode=thread.episode)}
    read = stored["Hoe gaan de oefeningen?"].read_at
    assert read is not None
    assert question["received"] == read.isoformat().replace("+00:00", "Z")
    assert question["meta"]["lastUpdated"] == question["received"]
    assert "received" not in answer  # nobody at the practice has read it yet


def test_nobody_outside_the_practice_or_the_patient_sees_the_messages(thread: World) -> None:
    assert [r["payload"][0]["contentString"] for r in built(thread.other_clinician)] == ["Andere praktijk"]
    assert len(built(thread.patient_user)) == 2
    assert built(thread.other_patient_user) == built(thread.other_clinician)  # their own thread only
    assert built(thread.admin) == []


def test_a_page_costs_the_same_queries_for_one_message_or_many(thread: World) -> None:
    kind = KINDS["Communication"]

    def queries() -> int:
        rows = list(kind.records(thread.clinician).order_by("pk"))
        with CaptureQueriesContext(connection) as captured:
            kind.build(rows, BuildContext(user=thread.clinician, base_url="http://t/fhir", today=TODAY))
        return len(captured)

    few = queries()
    for number in range(5):
        actions.do_send_message(as_user(thread.clinician), thread.episode, f"Bericht {number}")
    assert queries() == few == 0  # everything a message needs comes with it from `records`


def test_read_and_search_over_http_answer_the_practice_only(thread: World) -> None:
    world = thread
    first = built(world.clinician)[0]
    url = f"/fhir/Communication/{first['id']}"
    response = client_for(world.clinician).get(url)
    assert response.status_code == 200 and response.json() == first
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, patient_id=world.patient.pk, actor=world.clinician)
    assert client_for(world.other_clinician).get(url).status_code == 404
    found = client_for(world.other_clinician).get(f"/fhir/Communication?patient={world.patient.pk}").json()
    assert found.get("entry", []) == []
