"""ServiceRequest: a red flag's action step (referred to or contacted whom) as a referral, its priority from the
flag's urgency and its status from the flag's stage, both as the engine's state reports them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from fhir.resources.R4B.servicerequest import ServiceRequest

import rugpad.web.fhir.build.extra  # noqa: F401  (registers the types)
from rugpad.web.audit.models import AuditAction, AuditEvent
from rugpad.web.care import actions
from rugpad.web.care.models import RedFlag
from rugpad.web.demo import as_user
from rugpad.web.fhir.registry import KINDS, BuildContext
from rugpad.web.practice.models import User
from tests.web.conftest import TODAY, World, client_for


def built(user: User) -> list[dict[str, Any]]:
    kind = KINDS["ServiceRequest"]
    rows = list(kind.records(user).order_by("pk"))
    return kind.build(rows, BuildContext(user=user, base_url="http://testserver/fhir", today=TODAY))


def _flags(world: World, clinician: User, episode: Any, signs: list[str]) -> list[RedFlag]:
    actions.do_save_screening(as_user(clinician), episode, signs, notes="")
    return list(RedFlag.objects.filter(episode=episode).order_by("pk"))


def _act(clinician: User, flag: RedFlag, kind: str = "action", to: str = "Huisarts Jansen") -> None:
    actions.do_record_flag_event(
        as_user(clinician), flag, kind=kind, at=timezone.now() - dt.timedelta(minutes=5), note=f"{kind} noted",
        counterpart=to,
    )  # fmt: skip


@pytest.fixture
def referred(world: World) -> tuple[World, RedFlag]:
    (flag,) = _flags(world, world.clinician, world.episode, ["saddle_anaesthesia"])
    _act(world.clinician, flag)
    (other,) = _flags(world, world.other_clinician, world.other_episode, ["saddle_anaesthesia"])
    _act(world.other_clinician, other)
    return world, flag


def test_a_flags_action_is_a_referral_with_its_priority_reason_and_performer(referred: tuple[World, RedFlag]) -> None:
    world, flag = referred
    (request,) = built(world.clinician)
    ServiceRequest.model_validate(request)
    assert request["status"] == "active" and request["intent"] == "order"
    assert flag.urgency == "emergency" and request["priority"] == "stat"
    assert request["reasonReference"][0]["reference"] == f"Flag/{flag.pk}"
    assert request["performer"] == [{"display": "Huisarts Jansen"}]
    assert request["note"][0]["text"] == "action noted"
    assert request["subject"]["reference"] == f"Patient/{world.patient.pk}"
    assert request["code"]["coding"][0]["code"] == flag.rule_id


def test_the_doctors_assessment_completes_it_and_a_withdrawal_revokes_it(referred: tuple[World, RedFlag]) -> None:
    world, flag = referred
    _act(world.clinician, flag, "excluded", "dr. Jansen")
    (request,) = built(world.clinician)
    assert request["status"] == "completed"
    (other_flag,) = RedFlag.objects.filter(episode=world.other_episode)
    _act(world.other_clinician, other_flag, "withdrawn", "")
    (other,) = built(world.other_clinician)
    assert other["status"] == "revoked"


def test_a_flag_nobody_acted_on_is_no_referral(world: World) -> None:
    _flags(world, world.clinician, world.episode, ["saddle_anaesthesia"])
    assert built(world.clinician) == []


def test_only_the_practice_sees_its_referrals(referred: tuple[World, RedFlag]) -> None:
    world, flag = referred
    assert [r["reasonReference"][0]["reference"] for r in built(world.clinician)] == [f"Flag/{flag.pk}"]
    assert f"Flag/{flag.pk}" not in [r["reasonReference"][0]["reference"] for r in built(world.other_clinician)]
    assert built(world.admin) == []


def test_a_page_costs_the_same_queries_for_one_referral_or_many(referred: tuple[World, RedFlag]) -> None:
    world, _flag = referred
    kind = KINDS["ServiceRequest"]

    def queries() -> int:
        rows = list(kind.records(world.clinician).order_by("pk"))
        with CaptureQueriesContext(connection) as captured:
            kind.build(rows, BuildContext(user=world.clinician, base_url="http://t/fhir", today=TODAY))
        return len(captured)

    one = queries()
    for name in ("B", "C"):
        patient = actions.do_create_patient(as_user(world.clinician), first_name="X", last_name=name,
                                            date_of_birth=dt.date(1950, 1, 1), sex="male")  # fmt: skip
        episode = actions.do_open_episode(as_user(world.clinician), patient, region="low_back", started_on=TODAY,
                                          onset_on=TODAY)  # fmt: skip
        for flag in _flags(world, world.clinician, episode, ["saddle_anaesthesia", "bladder_dysfunction"]):
            _act(world.clinician, flag)
    assert len(built(world.clinician)) >= 3
    assert queries() == one


def test_read_and_search_over_http_answer_the_practice_only(referred: tuple[World, RedFlag]) -> None:
    world = referred[0]
    first = built(world.clinician)[0]
    url = f"/fhir/ServiceRequest/{first['id']}"
    response = client_for(world.clinician).get(url)
    assert response.status_code == 200 and response.json() == first
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, patient_id=world.patient.pk, actor=world.clinician)
    assert client_for(world.other_clinician).get(url).status_code == 404
    found = client_for(world.other_clinician).get(f"/fhir/ServiceRequest?patient={world.patient.pk}").json()
    assert found.get("entry", []) == []
