"""Every role × every plans route: clinicians reach their own practice's plans, a patient only their own session
and programme; anything else is a 404 (never a 403)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse

from tests.web.conftest import ROLES, World, client_for, refused, user_for_role
from tests.web.plans.conftest import current

pytestmark = pytest.mark.db_agnostic  # the same SQL on every database: CI runs it on SQLite only

Route = Callable[[World], str]

CLINICIAN_ROUTES: dict[str, Route] = {
    "plans_episode": lambda w: reverse("plans_episode", args=[w.episode.pk]),
    "plans_generate": lambda w: reverse("plans_generate", args=[w.episode.pk]),
    "plans_library": lambda w: reverse("plans_library", args=[w.episode.pk]),
    "plans_versions": lambda w: reverse("plans_versions", args=[w.episode.pk]),
    "plans_version": lambda w: reverse("plans_version", args=[w.episode.pk, 1]),
    "plans_entries": lambda w: reverse("plans_entries", args=[w.episode.pk]),
    "plans_episode_pdf": lambda w: reverse("plans_episode_pdf", args=[w.episode.pk]),
    "plans_episode_ics": lambda w: reverse("plans_episode_ics", args=[w.episode.pk]),
}
CLINICIAN_POSTS: dict[str, Route] = {
    "plans_add_exercise": lambda w: reverse("plans_add_exercise", args=[w.episode.pk]),
    "plans_add_text": lambda w: reverse("plans_add_text", args=[w.episode.pk]),
    "plans_remove_item": lambda w: reverse("plans_remove_item", args=[w.episode.pk, current(w).items.first().pk]),
    "plans_edit_dose": lambda w: reverse("plans_edit_dose", args=[w.episode.pk, current(w).items.first().pk]),
    "plans_edit_meta": lambda w: reverse("plans_edit_meta", args=[w.episode.pk]),
}
PATIENT_ROUTES: dict[str, Route] = {
    "plans_my_exercises": lambda w: reverse("plans_my_exercises"),
    "plans_session": lambda w: reverse("plans_session"),
    "plans_my_pdf": lambda w: reverse("plans_my_pdf"),
    "plans_my_ics": lambda w: reverse("plans_my_ics"),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(CLINICIAN_ROUTES))
def test_plan_pages_open_only_to_the_practice_clinicians(planned: World, name: str, role: str) -> None:
    response = client_for(user_for_role(planned, role)).get(CLINICIAN_ROUTES[name](planned))
    if role == "clinician_same_practice":
        assert response.status_code == 200, response.content[:300]
    else:
        assert refused(response.status_code, role), (role, response.status_code)


@pytest.mark.parametrize("role", [r for r in ROLES if r != "clinician_same_practice"])
@pytest.mark.parametrize("name", sorted(CLINICIAN_POSTS))
def test_plan_changes_are_refused_to_everybody_else(planned: World, name: str, role: str) -> None:
    before = current(planned).number
    response = client_for(user_for_role(planned, role)).post(CLINICIAN_POSTS[name](planned), {"exercise": "bridge"})
    assert refused(response.status_code, role), (role, response.status_code)
    assert current(planned).number == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(PATIENT_ROUTES))
def test_patient_pages_show_only_the_patients_own_plan(planned: World, name: str, role: str) -> None:
    response = client_for(user_for_role(planned, role)).get(PATIENT_ROUTES[name](planned))
    if role == "patient_self":
        assert response.status_code == 200
    elif role == "patient_other" and name == "plans_my_exercises":  # patient B has no plan: an empty page
        assert response.status_code == 200 and b"Brug" not in response.content
    else:
        assert refused(response.status_code, role), (role, response.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_patient_with_a_plan_can_log_a_session(planned: World, role: str) -> None:
    response = client_for(user_for_role(planned, role)).post(
        reverse("plans_session_log"), "{}", content_type="application/json"
    )
    if role == "patient_self":
        assert response.status_code == 400  # reached the validation: an empty entry
    else:
        assert refused(response.status_code, role), (role, response.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_practice_plan_settings_are_for_clinicians_and_the_admin(planned: World, role: str) -> None:
    response = client_for(user_for_role(planned, role)).get(reverse("plans_settings"))
    if role in ("clinician_same_practice", "clinician_other_practice", "admin_same_practice"):
        assert response.status_code == 200
    else:
        assert refused(response.status_code, role)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_practice_admin_changes_the_plan_settings(planned: World, role: str) -> None:
    from rugpad.web.plans.models import PlanSettings

    response = client_for(user_for_role(planned, role)).post(reverse("plans_settings"), {"sessions_per_week": "2"})
    if role == "admin_same_practice":
        assert response.status_code == 302
        assert PlanSettings.objects.get(practice=planned.practice).sessions_per_week == 2
    else:
        assert refused(response.status_code, role)
        assert not PlanSettings.objects.exists()


def test_every_plan_read_is_audit_logged(planned: World) -> None:
    from rugpad.web.audit.models import AuditEvent

    before = AuditEvent.objects.filter(action="view", patient_id=planned.patient.pk).count()
    client_for(planned.patient_user).get(reverse("plans_session"))
    assert AuditEvent.objects.filter(action="view", patient_id=planned.patient.pk).count() > before
