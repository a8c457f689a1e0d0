"""Every role × every message route: the thread is the patient's and their practice's clinicians'; a practice admin,
another practice and another patient get a 404 (anonymous visitors the login page), and a refused write stores
nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse

from rugpad.web.demo import as_user
from rugpad.web.portal import actions
from rugpad.web.portal.models import Message
from tests.web.conftest import ROLES, World, client_for, refused, user_for_role

pytestmark = pytest.mark.db_agnostic  # the same SQL on every database: CI runs it on SQLite only

Route = Callable[[World], tuple[str, str]]
ROUTES: dict[str, Route] = {
    "portal_messages": lambda w: ("get", reverse("portal_messages")),
    "portal_thread": lambda w: ("get", reverse("portal_thread", args=[w.episode.pk])),
    "portal_thread_post": lambda w: ("post", reverse("portal_thread", args=[w.episode.pk])),
}
ALLOWED = {
    "portal_messages": {"patient_self", "patient_other"},  # each patient their own thread
    "portal_thread": {"patient_self", "clinician_same_practice"},
    "portal_thread_post": {"patient_self", "clinician_same_practice"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(ROUTES))
def test_message_routes_open_only_to_the_patient_or_their_practice(world: World, name: str, role: str) -> None:
    actions.do_send_message(as_user(world.clinician), world.episode, "Hoe gaat het?")
    method, url = ROUTES[name](world)
    client = client_for(user_for_role(world, role))
    response = client.post(url, {"body": "Goed!"}) if method == "post" else client.get(url)
    if role in ALLOWED[name]:
        assert response.status_code in (200, 302), (role, response.status_code)
        if response.status_code == 302:
            assert "login" not in response["Location"]
    else:
        assert refused(response.status_code, role), (role, response.status_code)
    if name == "portal_messages" and role == "patient_other":
        assert response["Location"] == reverse("portal_thread", args=[world.other_episode.pk])


def test_refused_visitors_leave_the_thread_unread_and_unchanged(world: World) -> None:
    actions.do_send_message(as_user(world.clinician), world.episode, "Hoe gaat het?")
    for role in ROLES:
        if role in ALLOWED["portal_thread"]:
            continue
        client = client_for(user_for_role(world, role))
        client.get(reverse("portal_thread", args=[world.episode.pk]))
        client.post(reverse("portal_thread", args=[world.episode.pk]), {"body": "ingebroken"})
    message = Message.objects.get()
    assert message.read_at is None and message.body == "Hoe gaat het?"
