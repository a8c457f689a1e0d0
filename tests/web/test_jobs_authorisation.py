"""Every route of the jobs app for every kind of visitor: the reminder settings and push subscription are the
patient's own (any patient with a record; nobody else, not even their clinician), the list of reminders sent is the
clinicians' (each sees their own practice's only; admins see no patient)."""

from __future__ import annotations

import json

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.web.conftest import ROLES, World, client_for, refused, user_for_role
from tests.web.test_jobs_reminders import PUSH_KEYS

pytestmark = pytest.mark.db_agnostic  # the same SQL on every database: CI runs it on SQLite only

ALLOWED = {
    "jobs_reminders": {"patient_self", "patient_other"},
    "jobs_push_subscription": {"patient_self", "patient_other"},
    "jobs_sent_reminders": {"clinician_same_practice", "clinician_other_practice"},
}
SUBSCRIPTION = {
    "endpoint": "https://fcm.googleapis.com/fcm/send/route-test",
    "keys": {"p256dh": "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQ", "auth": "tBHItJI5svbpez7KI4CCXg"},
}


def _call(client: Client, method: str, name: str) -> int:
    url = reverse(name)
    if name == "jobs_push_subscription":
        return int(client.post(url, json.dumps(SUBSCRIPTION), content_type="application/json").status_code)
    if method == "post":
        return int(client.post(url, {"exercises": "on", "at": "18:00"}).status_code)
    return int(client.get(url).status_code)


@override_settings(**PUSH_KEYS)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("get", "jobs_reminders"),
        ("post", "jobs_reminders"),
        ("post", "jobs_push_subscription"),
        ("get", "jobs_sent_reminders"),
    ],
)
def test_every_jobs_route_for_every_role(world: World, role: str, method: str, name: str) -> None:
    status = _call(client_for(user_for_role(world, role)), method, name)
    if role in ALLOWED[name]:
        assert status in (200, 201, 302), (role, name, status)
    else:
        assert refused(status, role), (role, name, status)


def test_the_push_route_takes_no_get(world: World) -> None:
    assert client_for(world.patient_user).get(reverse("jobs_push_subscription")).status_code == 405
