"""The groups test world: practice A's clinician has made an employer group with two exercises (the bridge and the
cat-camel, neither restricted for any condition); helpers enrol people as the pages do — the clinician's invitation,
the mailed one-time link, the join page — and return their logins."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from rugpad.web.groups import actions
from rugpad.web.groups.models import ExerciseGroup, Participant
from rugpad.web.practice.models import User
from tests.web.conftest import World, client_for

PASSWORD = "a-long-and-unusual-pass 42"
Capture = Callable[..., Any]


@pytest.fixture
def group(world: World) -> ExerciseGroup:
    made = actions.do_create_group(world.clinician, name="Bouwbedrijf Jansen", kind="employer")
    for exercise_id in ("bridge", "cat-camel"):
        actions.do_add_exercise(world.clinician, made, exercise_id, confirm_caution=False)
    return made


def link_in(message: Any) -> str:
    """The path of the one link in a mail."""
    found = re.search(r"https?://[^/\s]+(/\S+)", str(message.body))
    assert found, message.body
    return found.group(1)


def invite(
    world: World,
    group: ExerciseGroup,
    capture: Capture,
    name: str = "Lotte",
    email: str = "lotte@example.nl",
    **extra: str,
) -> Any:
    """The clinician enrols someone on the group page; the invitation job runs (Huey is immediate in tests)."""
    with capture(execute=True):
        return client_for(world.clinician).post(
            reverse("groups_invite", args=[group.pk]), {"name": name, "email": email, "language": "nl", **extra}
        )


def join(link: str, password: str = PASSWORD) -> tuple[Client, Any]:
    client = Client()
    return client, client.post(link, {"password1": password, "password2": password})


def enrol(world: World, group: ExerciseGroup, capture: Capture, name: str, email: str) -> tuple[Client, User]:
    """Invited, mailed and joined: the participant's signed-in client and login."""
    invite(world, group, capture, name, email)
    client, response = join(link_in(mail.outbox[-1]))
    assert response.status_code == 302, response.content[:500]
    participant = Participant.objects.get(group=group, email=email)
    assert participant.user is not None
    return client, participant.user
