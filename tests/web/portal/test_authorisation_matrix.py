"""Every role × every portal route: only the patient themselves, or the clinicians of their practice."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from rugpad.web.portal.models import Alert, AlertKind, DiaryEntry
from tests.web.conftest import ROLES, World, client_for, refused, user_for_role
from tests.web.portal.helpers import diary_post

pytestmark = pytest.mark.db_agnostic  # the same SQL on every database: CI runs it on SQLite only

# (method, url) for each route, about patient A's records.
Route = Callable[[World, DiaryEntry, Alert], tuple[str, str]]
ROUTES: dict[str, Route] = {
    "portal_invite": lambda w, e, a: ("post", reverse("portal_invite", args=[w.patient.pk])),
    "portal_diary": lambda w, e, a: ("get", reverse("portal_diary")),
    "portal_entry": lambda w, e, a: ("get", reverse("portal_entry", args=[e.pk])),
    "portal_diary_edit": lambda w, e, a: ("get", reverse("portal_diary_edit", args=[e.pk])),
    "portal_patient_diary": lambda w, e, a: ("get", reverse("portal_patient_diary", args=[w.patient.pk])),
    "portal_acknowledge": lambda w, e, a: ("post", reverse("portal_acknowledge", args=[a.pk])),
    "patient_home": lambda w, e, a: ("get", reverse("patient_home")),
}
# Who gets the page (anything else must be refused: 404, or the login redirect for anonymous users).
ALLOWED = {
    "portal_invite": {"clinician_same_practice"},
    "portal_diary": {"patient_self", "patient_other"},  # each patient their own diary
    "portal_entry": {"patient_self", "clinician_same_practice"},
    "portal_diary_edit": {"patient_self"},
    "portal_patient_diary": {"clinician_same_practice"},
    "portal_acknowledge": {"clinician_same_practice"},
    "patient_home": {"patient_self", "patient_other"},
}


@pytest.fixture
def records(world: World) -> tuple[DiaryEntry, Alert]:
    client_for(world.patient_user).post(reverse("portal_diary"), diary_post(alarms=["bladder"]))
    entry = DiaryEntry.objects.get(patient=world.patient)
    # A trend alert (an alarm answer becomes a red flag of the episode; alerts are acknowledged on the dashboard).
    alert = Alert.objects.create(
        patient=world.patient, kind=AlertKind.TREND, rule_id="trend.pain_rising", urgency="none"
    )
    return entry, alert


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(ROUTES))
def test_portal_routes_open_only_to_the_patient_or_their_practice(
    world: World, records: tuple[DiaryEntry, Alert], name: str, role: str
) -> None:
    method, url = ROUTES[name](world, *records)
    client: Client = client_for(user_for_role(world, role))
    response = getattr(client, method)(url)
    if role in ALLOWED[name]:
        assert response.status_code in (200, 302), (role, response.status_code)
        if response.status_code == 302:
            assert "login" not in response["Location"]
    else:
        assert refused(response.status_code, role, False), (role, response.status_code)


def test_another_patients_diary_page_shows_nothing_of_patient_a(
    world: World, records: tuple[DiaryEntry, Alert]
) -> None:
    body = client_for(world.other_patient_user).get(reverse("portal_diary")).content.decode()
    assert reverse("portal_entry", args=[records[0].pk]) not in body


def test_refused_writes_leave_no_trace(world: World, records: tuple[DiaryEntry, Alert]) -> None:
    entry, alert = records
    for role in ROLES:
        if role in ("patient_self", "clinician_same_practice"):
            continue
        client = client_for(user_for_role(world, role))
        client.post(reverse("portal_diary_edit", args=[entry.pk]), diary_post(pain_now="9"))
        client.post(reverse("portal_acknowledge", args=[alert.pk]))
        client.post(reverse("portal_invite", args=[world.patient.pk]))
    assert DiaryEntry.objects.count() == 1
    assert Alert.objects.get().acknowledged_at is None
    assert not world.patient.invitations.exists()
