"""Every role × every aftercare route: the practice's clinicians reach its patients' aftercare, a patient only their
own check-ins; everybody else gets a 404 (anonymous visitors are sent to log in), never a 403."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse

from rugpad.web.aftercare.models import RecurrenceFlag
from tests.web.aftercare.conftest import After, answer, nl
from tests.web.conftest import ROLES, client_for, refused, user_for_role

pytestmark = pytest.mark.db_agnostic  # the same SQL on every database: CI runs it on SQLite only

Route = Callable[[After], str]

CLINICIAN_ROUTES: dict[str, Route] = {
    "aftercare_list": lambda a: reverse("aftercare_list"),
    "aftercare_episode": lambda a: reverse("aftercare_episode", args=[a.world.episode.pk]),
    "aftercare_plan": lambda a: reverse("aftercare_plan", args=[a.plan.pk]),
}
PATIENT_ROUTES: dict[str, Route] = {
    "aftercare_checkin": lambda a: reverse("aftercare_checkin", args=[a.first.pk]),
    "aftercare_checkin_done": lambda a: reverse("aftercare_checkin_done", args=[a.first.pk]),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(CLINICIAN_ROUTES))
def test_clinician_routes_open_only_to_the_practice_clinicians(after: After, name: str, role: str) -> None:
    response = client_for(user_for_role(after.world, role)).get(CLINICIAN_ROUTES[name](after))
    if role == "clinician_same_practice" or (role == "clinician_other_practice" and name == "aftercare_list"):
        assert response.status_code == 200  # the list is every clinician's own practice's
    else:
        assert refused(response.status_code, role), (role, response.status_code)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(PATIENT_ROUTES))
def test_a_check_in_opens_only_to_its_own_patient(after: After, name: str, role: str) -> None:
    response = client_for(user_for_role(after.world, role)).get(PATIENT_ROUTES[name](after))
    if role == "patient_self":
        assert response.status_code in (200, 302) and "/login/" not in response.get("Location", "")
    else:
        assert refused(response.status_code, role), (role, response.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_patient_answers_their_check_in(after: After, role: str) -> None:
    response = answer(client_for(user_for_role(after.world, role)), after.first, limited_again="yes")
    after.first.refresh_from_db()
    if role == "patient_self":
        assert after.first.answered_at is not None
    else:
        assert refused(response.status_code, role) and after.first.answered_at is None  # type: ignore[attr-defined]


@pytest.mark.parametrize("role", ROLES)
def test_only_the_practice_clinicians_handle_a_flag(after: After, role: str) -> None:
    answer(nl(after.world.patient_user), after.first, limited_again="yes")
    flag = RecurrenceFlag.objects.get()
    url = reverse("aftercare_handle_flag", args=[flag.pk])
    response = client_for(user_for_role(after.world, role)).post(url, {"outcome": "invited", "note": "gebeld"})
    flag.refresh_from_db()
    if role == "clinician_same_practice":
        assert response.status_code == 302 and not flag.is_open
    else:
        assert refused(response.status_code, role) and flag.is_open


@pytest.mark.parametrize("role", ROLES)
def test_the_patients_aftercare_page_shows_only_their_own(after: After, role: str) -> None:
    response = client_for(user_for_role(after.world, role)).get(reverse("aftercare_mine"))
    if role == "patient_self":
        assert (
            response.status_code == 200
            and reverse("aftercare_checkin", args=[after.first.pk]) in response.content.decode()
        )
    elif role == "patient_other":
        page = response.content.decode()
        assert response.status_code == 200 and f"/checkins/{after.first.pk}/" not in page
    else:
        assert refused(response.status_code, role), (role, response.status_code)


def test_the_clinicians_patient_page_shows_no_other_practices_aftercare(after: After) -> None:
    page = nl(after.world.clinician).get(reverse("patient_detail", args=[after.world.patient.pk])).content.decode()
    assert reverse("aftercare_plan", args=[after.plan.pk]) in page
    assert reverse("aftercare_plan", args=[after.other_plan.pk]) not in page
    other = nl(after.world.clinician).get(reverse("aftercare_plan", args=[after.other_plan.pk]))
    assert other.status_code == 404
