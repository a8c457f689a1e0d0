"""CarePlan: the newest plan version with its activities, exact doses, origins and a status read from the episode
state; built through the registry as the views build it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from fhir.resources.R4B.careplan import CarePlan

import rugpad.web.fhir.build.extra  # noqa: F401  (registers the types)
from rugpad.core.exercises import Dose, DoseKind
from rugpad.core.text import Text
from rugpad.core.vocab import Lang
from rugpad.web.audit.models import AuditAction, AuditEvent
from rugpad.web.care import actions as care_actions
from rugpad.web.care.models import EpisodeStatus
from rugpad.web.demo import SB_LOW, as_user
from rugpad.web.fhir.build.careplan import EXERCISE_DOSE, PLAN_ITEM
from rugpad.web.fhir.registry import KINDS, BuildContext
from rugpad.web.plans import actions
from rugpad.web.plans.clinical import clinician_exercise, exercise_library, propose
from rugpad.web.plans.models import ItemKind, Origin, PlanItem
from rugpad.web.plans.specs import ItemSpec
from rugpad.web.practice.models import User
from tests.web.conftest import TODAY, World, client_for

OWN_DOSE = Dose(kind=DoseKind.HOLD, hold_seconds=25, repetitions=4, sets=3, times_per_day=2, days_per_week=5)


def built(user: User, lang: str = "nl") -> list[dict[str, Any]]:
    kind = KINDS["CarePlan"]
    rows = list(kind.records(user).order_by("pk"))
    return kind.build(rows, BuildContext(user=user, base_url="http://testserver/fhir", today=TODAY, lang=lang))


def _plan(world: World, clinician: User, episode: Any) -> None:
    care_actions.do_record_response(as_user(clinician), episode, "startback", SB_LOW)
    proposal = propose(episode, Lang.NL)
    own = clinician_exercise(exercise_library()["bridge"], "allowed").with_dose(OWN_DOSE)
    goal = ItemSpec(kind=ItemKind.GOAL, text=Text(nl="Weer fietsen naar het werk", en="Cycle to work again"),
                    origin=Origin.CLINICIAN)  # fmt: skip
    confirm = {spec.ref for spec in proposal.specs if spec.suitability == "caution"}
    actions.do_save_version(
        as_user(clinician), episode, [*proposal.specs, own, goal], change="first plan", confirm=confirm,
        starts_on=TODAY, weeks=6, sessions_per_week=2,
    )  # fmt: skip


@pytest.fixture
def planned(world: World) -> World:
    _plan(world, world.clinician, world.episode)
    _plan(world, world.other_clinician, world.other_episode)
    return world


def _ext(extensions: list[dict[str, Any]], url: str) -> dict[str, Any]:
    (found,) = [e for e in extensions if e["url"] == url]
    return {part["url"]: next(v for k, v in part.items() if k.startswith("value")) for part in found["extension"]}


def test_the_plan_is_a_valid_r4_careplan_of_the_episode(planned: World) -> None:
    (plan,) = built(planned.clinician)
    CarePlan.model_validate(plan)
    assert plan["status"] == "active" and plan["intent"] == "plan"
    assert plan["subject"]["reference"] == f"Patient/{planned.patient.pk}"
    assert plan["supportingInfo"] == [{"reference": f"EpisodeOfCare/{planned.episode.pk}"}]
    assert plan["period"] == {"start": TODAY.isoformat(), "end": (TODAY + dt.timedelta(weeks=6)).isoformat()}
    assert plan["author"] == {"display": planned.clinician.get_username()}


def test_every_item_is_an_activity_or_a_goal_in_plan_order(planned: World) -> None:
    (plan,) = built(planned.clinician)
    version = planned.episode.treatment_plan.current()
    assert version is not None
    items = list(version.ordered_items())
    activities = [i for i in items if i.kind != ItemKind.GOAL]
    goals = [i for i in items if i.kind == ItemKind.GOAL]
    assert [_ext(a["extension"], PLAN_ITEM)["kind"] for a in plan["activity"]] == [i.kind for i in activities]
    assert [g["description"]["text"] for g in plan["contained"]] == [g.text["nl"] for g in goals]
    assert plan["goal"] == [{"reference": f"#{g['id']}"} for g in plan["contained"]]
    assert "Weer fietsen naar het werk" in [g["description"]["text"] for g in plan["contained"]]


def test_an_exercise_carries_its_dose_exactly_and_in_the_engines_words(planned: World) -> None:
    (plan,) = built(planned.clinician)
    own = [a for a in plan["activity"] if _ext(a["extension"], PLAN_ITEM)["origin"] == Origin.CLINICIAN
           and _ext(a["extension"], PLAN_ITEM)["kind"] == ItemKind.EXERCISE]  # fmt: skip
    (activity,) = own
    detail = activity["detail"]
    assert detail["code"]["coding"][0]["code"] == "bridge"
    assert detail["description"] == OWN_DOSE.describe(Lang.NL)
    assert _ext(activity["extension"], EXERCISE_DOSE) == {
        "kind": "hold", "hold_seconds": 25, "repetitions": 4, "sets": 3, "times_per_day": 2, "days_per_week": 5,
    }  # fmt: skip
    assert detail["scheduledTiming"]["repeat"] == {"frequency": 2, "period": 1, "periodUnit": "d"}
    assert detail["quantity"]["value"] == 4
    assert _ext(activity["extension"], PLAN_ITEM)["display"]  # "added by clinician", in words


def test_a_proposed_item_names_its_rule_source_and_evidence(planned: World) -> None:
    (plan,) = built(planned.clinician)
    proposed = [_ext(a["extension"], PLAN_ITEM) for a in plan["activity"]]
    proposed = [p for p in proposed if p["origin"] == Origin.PROPOSED]
    assert proposed
    stored = PlanItem.objects.filter(plan__episode=planned.episode, origin=Origin.PROPOSED).exclude(kind=ItemKind.GOAL)
    assert {(p["rule"], p["source"], p["evidence"]) for p in proposed} == {
        (i.rule_id, i.source_id, i.evidence) for i in stored
    }


def test_english_readers_get_english_doses(planned: World) -> None:
    (plan,) = built(planned.clinician, lang="en")
    assert OWN_DOSE.describe(Lang.EN) in [a["detail"].get("description") for a in plan["activity"]]


def test_status_follows_the_episode_state(planned: World) -> None:
    planned.episode.status = EpisodeStatus.CLOSED
    planned.episode.save(update_fields=["status"])
    (plan,) = built(planned.clinician)
    assert plan["status"] == "completed"
    assert {a["detail"]["status"] for a in plan["activity"]} == {"completed"}


def test_an_open_red_flag_puts_the_plan_on_hold(planned: World) -> None:
    care_actions.do_save_screening(as_user(planned.clinician), planned.episode, ["saddle_anaesthesia"], notes="")
    (plan,) = built(planned.clinician)
    assert plan["status"] == "on-hold"


def test_nobody_outside_the_practice_sees_the_plan(planned: World) -> None:
    (other,) = built(planned.other_clinician)
    assert other["subject"]["reference"] == f"Patient/{planned.other_patient.pk}"
    assert built(planned.admin) == []
    (own,) = built(planned.patient_user)  # reach: a patient reaches their own plan only
    assert own["subject"]["reference"] == f"Patient/{planned.patient.pk}"


def test_a_page_costs_the_same_queries_for_one_plan_or_many(planned: World) -> None:
    kind = KINDS["CarePlan"]

    def queries(user: User) -> int:
        rows = list(kind.records(user).order_by("pk"))
        with CaptureQueriesContext(connection) as captured:
            kind.build(rows, BuildContext(user=user, base_url="http://t/fhir", today=TODAY))
        return len(captured)

    one = queries(planned.clinician)
    for _ in range(3):  # three more plans in practice A
        patient = care_actions.do_create_patient(as_user(planned.clinician), first_name="X", last_name="Y",
                                                 date_of_birth=dt.date(1990, 1, 1), sex="male")  # fmt: skip
        episode = care_actions.do_open_episode(as_user(planned.clinician), patient, region="low_back",
                                               started_on=TODAY, onset_on=TODAY)  # fmt: skip
        care_actions.do_save_screening(as_user(planned.clinician), episode, [], notes="")
        _plan(planned, planned.clinician, episode)
    assert queries(planned.clinician) == one


def test_read_and_search_over_http_answer_the_practice_only(planned: World) -> None:
    (plan,) = built(planned.clinician)
    url = f"/fhir/CarePlan/{plan['id']}"
    response = client_for(planned.clinician).get(url)
    assert response.status_code == 200 and response.json() == plan
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, patient_id=planned.patient.pk, actor=planned.clinician)
    assert client_for(planned.other_clinician).get(url).status_code == 404
    found = client_for(planned.other_clinician).get(f"/fhir/CarePlan?patient={planned.patient.pk}").json()
    assert found.get("entry", []) == []
