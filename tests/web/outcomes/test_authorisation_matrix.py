"""Every role × every outcomes route: a refused record is a 404 (anonymous users are sent to log in)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse

from rugpad.web.demo import as_user
from rugpad.web.outcomes import actions, clock
from rugpad.web.outcomes.models import EducationAssignment
from tests.web.conftest import ROLES, World, client_for, refused, user_for_role

pytestmark = pytest.mark.db_agnostic  # the same SQL on every database: CI runs it on SQLite only

Route = Callable[[World], str]


def _report(w: World) -> int:
    return actions.do_generate_report(
        as_user(w.clinician), w.episode, kind="interim", treatment="t", advice="a", today=clock.today()
    ).pk


def _assignment(w: World) -> int:
    actions.do_assign_education(as_user(w.clinician), w.episode)
    return EducationAssignment.objects.filter(episode=w.episode).values_list("pk", flat=True)[0]


CLINICIAN_GET: dict[str, Route] = {
    "outcomes_evaluation": lambda w: reverse("outcomes_evaluation", args=[w.episode.pk]),
    "outcomes_report": lambda w: reverse("outcomes_report", args=[_report(w)]),
}
CLINICIAN_POST: dict[str, Route] = {
    "outcomes_request_due": lambda w: reverse("outcomes_request_due", args=[w.episode.pk]),
    "outcomes_assign_education": lambda w: reverse("outcomes_assign_education", args=[w.episode.pk]),
    "outcomes_consent": lambda w: reverse("outcomes_consent", args=[w.episode.pk]),
    "outcomes_new_report": lambda w: reverse("outcomes_new_report", args=[w.episode.pk]),
    "outcomes_discharge": lambda w: reverse("outcomes_discharge", args=[w.episode.pk]),
    "outcomes_report_pdf": lambda w: reverse("outcomes_report_pdf", args=[_report(w)]),
}
PATIENT_PAGES: dict[str, Route] = {
    "outcomes_my_progress": lambda w: reverse("outcomes_my_progress"),
    "outcomes_my_module": lambda w: reverse("outcomes_my_module", args=[_assignment(w)]),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(CLINICIAN_GET))
def test_clinician_pages_open_only_to_the_practice_clinicians(world: World, name: str, role: str) -> None:
    url = CLINICIAN_GET[name](world)
    response = client_for(user_for_role(world, role)).get(url)
    if role == "clinician_same_practice":
        assert response.status_code == 200
    else:
        assert refused(response.status_code, role), (role, response.status_code)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(CLINICIAN_POST))
def test_clinician_actions_are_refused_to_everybody_else(world: World, name: str, role: str) -> None:
    url = CLINICIAN_POST[name](world)
    response = client_for(user_for_role(world, role)).post(url, {})
    if role == "clinician_same_practice":
        assert response.status_code in (200, 302, 400)
    else:
        assert refused(response.status_code, role), (role, response.status_code)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(PATIENT_PAGES))
def test_patient_pages_open_only_to_the_patient_themselves(world: World, name: str, role: str) -> None:
    url = PATIENT_PAGES[name](world)
    response = client_for(user_for_role(world, role)).get(url)
    if role == "patient_self" or (role == "patient_other" and name == "outcomes_my_progress"):
        assert response.status_code == 200  # "my progress" is every patient's own page
    else:
        assert refused(response.status_code, role), (role, response.status_code)
