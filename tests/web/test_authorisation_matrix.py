"""Every role × every page and API route: who may open what. A refused record is a 404 (never a 403)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse

from tests.web.conftest import ROLES, World, client_for, refused, user_for_role

pytestmark = pytest.mark.db_agnostic  # the same SQL on every database: CI runs it on SQLite only

Route = Callable[[World], str]

# Clinical pages about patient A's records.
RECORD_PAGES: dict[str, Route] = {
    "patient_detail": lambda w: reverse("patient_detail", args=[w.patient.pk]),
    "episode_detail": lambda w: reverse("episode_detail", args=[w.episode.pk]),
    "episode_intake": lambda w: reverse("episode_intake", args=[w.episode.pk]),
    "episode_screening": lambda w: reverse("episode_screening", args=[w.episode.pk]),
    "episode_examination": lambda w: reverse("episode_examination", args=[w.episode.pk]),
    "episode_instrument": lambda w: reverse("episode_instrument", args=[w.episode.pk, "startback"]),
    "api_patient": lambda w: f"/api/patients/{w.patient.pk}",
    "api_patient_episodes": lambda w: f"/api/patients/{w.patient.pk}/episodes",
    "api_episode": lambda w: f"/api/episodes/{w.episode.pk}",
    "api_episode_responses": lambda w: f"/api/episodes/{w.episode.pk}/responses",
    "api_episode_triage": lambda w: f"/api/episodes/{w.episode.pk}/triage",
    "api_episode_state": lambda w: f"/api/episodes/{w.episode.pk}/state",
}
# Clinician-only pages that are not about one record.
CLINICIAN_PAGES: dict[str, Route] = {
    "dashboard": lambda w: reverse("home"),
    "patient_list": lambda w: reverse("patient_list"),
    "open_alarms": lambda w: reverse("open_alarms"),
    "patient_new": lambda w: reverse("patient_new"),
    "api_patients": lambda w: "/api/patients",
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(RECORD_PAGES))
def test_patient_records_open_only_to_the_practice_clinicians(world: World, name: str, role: str) -> None:
    response = client_for(user_for_role(world, role)).get(RECORD_PAGES[name](world))
    # The record routes of pages and API alike are the clinician's; a patient reads their own record in the portal.
    if role == "clinician_same_practice":
        assert response.status_code == 200, response.content[:300]
    else:
        assert refused(response.status_code, role, name.startswith("api")), (role, response.status_code)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(CLINICIAN_PAGES))
def test_clinician_pages_are_for_clinicians(world: World, name: str, role: str) -> None:
    response = client_for(user_for_role(world, role)).get(CLINICIAN_PAGES[name](world))
    if role.startswith("clinician"):
        assert response.status_code == 200
    elif role == "admin_same_practice" and name == "dashboard":
        assert response.status_code == 302 and response["Location"] == reverse("audit_log")
    elif role.startswith("patient") and name == "dashboard":
        assert response.status_code == 302 and response["Location"] == reverse("patient_home")
    else:
        assert refused(response.status_code, role, name.startswith("api")), (role, response.status_code)


def test_clinician_list_never_shows_another_practice(world: World) -> None:
    body = client_for(world.clinician).get(reverse("patient_list")).content.decode()
    assert "Ienta" in body and "Ientb" not in body
    api = client_for(world.clinician).get("/api/patients").json()
    assert [p["id"] for p in api] == [world.patient.pk]


@pytest.mark.parametrize("role", ROLES)
def test_patient_home_shows_only_the_patient_themselves(world: World, role: str) -> None:
    response = client_for(user_for_role(world, role)).get(reverse("patient_home"))
    if role == "patient_self":
        assert response.status_code == 200 and "Pat" in response.content.decode()
    elif role == "patient_other":
        assert response.status_code == 200 and world.patient.last_name not in response.content.decode()
    else:
        assert refused(response.status_code, role, False)


def test_a_patient_cannot_open_another_patients_questionnaire(world: World) -> None:
    from rugpad.web.care import actions
    from rugpad.web.demo import as_user

    requested = actions.do_request_response(as_user(world.clinician), world.episode, "nprs")
    own = client_for(world.patient_user).get(reverse("patient_questionnaire", args=[requested.pk]))
    other = client_for(world.other_patient_user).get(reverse("patient_questionnaire", args=[requested.pk]))
    assert own.status_code == 200
    assert other.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_audit_log_is_for_the_practice_admin(world: World, role: str) -> None:
    response = client_for(user_for_role(world, role)).get(reverse("audit_log"))
    if role == "admin_same_practice":
        assert response.status_code == 200
    else:
        assert refused(response.status_code, role, False)


@pytest.mark.parametrize("role", ROLES)
def test_writes_to_a_record_are_refused_outside_the_practice(world: World, role: str) -> None:
    url = reverse("episode_screening", args=[world.episode.pk])
    before = world.episode.screenings.count()
    response = client_for(user_for_role(world, role)).post(url, {"sign_fever": "on"})
    if role == "clinician_same_practice":
        assert response.status_code == 302
        assert world.episode.screenings.count() == before + 1
    else:
        assert refused(response.status_code, role, False)
        assert world.episode.screenings.count() == before


def test_the_episode_state_api_gives_screening_red_flags_and_pathway(world: World) -> None:
    from rugpad.web.care import actions
    from rugpad.web.care.models import RedFlag
    from rugpad.web.demo import as_user

    actions.do_save_screening(as_user(world.clinician), world.episode, ["saddle_anaesthesia"], notes="")
    flag = RedFlag.objects.get(episode=world.episode)
    state = client_for(world.clinician).get(f"/api/episodes/{world.episode.pk}/state").json()
    assert {"screening", "red_flags", "pathway"} <= set(state)
    assert state["screening"]["status"] == "screened" and "saddle_anaesthesia" in state["screening"]["present"]
    assert [(f["id"], f["key"], f["stage"]) for f in state["red_flags"]] == [
        ("rf.cauda_equina", str(flag.pk), "raised")
    ]
    assert state["pathway"]["may_proceed"] is False and state["pathway"]["guided_session"] is False
    assert state["pathway"]["manipulation"] == "contraindicated"
    other = client_for(world.clinician).get(f"/api/episodes/{world.other_episode.pk}/state")
    assert other.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_only_a_clinician_of_the_practice_may_record_a_red_flag_step(world: World, role: str) -> None:
    """POST /red-flags/<id>/event/: anybody else gets a 404 (anonymous: the login page) and nothing changes."""
    from django.utils import timezone

    from rugpad.web.audit.models import AuditEvent
    from rugpad.web.care import actions
    from rugpad.web.care.models import RedFlag, RedFlagEvent
    from rugpad.web.demo import as_user

    actions.do_save_screening(as_user(world.clinician), world.episode, ["saddle_anaesthesia"], notes="")
    flag = RedFlag.objects.get(episode=world.episode)
    client = client_for(user_for_role(world, role))
    writes = AuditEvent.objects.filter(action__in=["create", "update"]).count()
    response = client.post(
        reverse("red_flag_event", args=[flag.pk]),
        {
            "kind": "action",
            "at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "counterpart": "huisarts Jansen",
            "note": "Huisarts gebeld",
        },
    )
    flag.refresh_from_db()
    if role == "clinician_same_practice":
        assert response.status_code == 302
        assert flag.stage == "acted" and flag.events.count() == 1
    else:
        assert refused(response.status_code, role, False), (role, response.status_code)
        assert flag.stage == "raised" and not RedFlagEvent.objects.exists()
        assert AuditEvent.objects.filter(action__in=["create", "update"]).count() == writes
