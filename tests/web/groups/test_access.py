"""Who reaches what. The group pages are for the clinicians of the group's practice (anyone else: 404, never 403);
a participant reaches only their own programme — every other page, API and FHIR route of rugpad refuses them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from rugpad.web.groups.models import ExerciseGroup, Participant
from rugpad.web.practice.models import User
from tests.web.conftest import ROLES, World, client_for, refused, user_for_role
from tests.web.groups.conftest import Capture, enrol

pytestmark = pytest.mark.db_agnostic  # the same SQL on every database: CI runs it on SQLite only

CLINICIAN_GROUP_PAGES = ("groups_list", "groups_new", "groups_detail", "groups_library")


def _url(name: str, group: ExerciseGroup) -> str:
    return reverse(name, args=[group.pk]) if name in ("groups_detail", "groups_library") else reverse(name)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", CLINICIAN_GROUP_PAGES)
def test_group_pages_open_only_to_the_practice_clinicians(
    world: World, group: ExerciseGroup, name: str, role: str
) -> None:
    response = client_for(user_for_role(world, role)).get(_url(name, group))
    own_practice_only = name in ("groups_detail", "groups_library")
    if role == "clinician_same_practice" or (role == "clinician_other_practice" and not own_practice_only):
        assert response.status_code == 200
    else:
        assert refused(response.status_code, role), (role, response.status_code)


def test_another_practice_sees_nothing_of_a_group_and_cannot_change_it(world: World, group: ExerciseGroup) -> None:
    other = client_for(world.other_clinician)
    assert "Jansen" not in other.get(reverse("groups_list")).content.decode()
    bridge = group.exercises.get(exercise_id="bridge")
    writes = [
        (reverse("groups_add_exercise", args=[group.pk]), {"exercise": "bird-dog"}),
        (reverse("groups_edit_dose", args=[group.pk, bridge.pk]), {"repetitions": "1", "sets": "1"}),
        (reverse("groups_remove_exercise", args=[group.pk, bridge.pk]), {}),
        (reverse("groups_invite", args=[group.pk]), {"name": "X", "email": "x@example.nl", "language": "nl"}),
    ]
    for url, data in writes:
        assert other.post(url, data).status_code == 404
    assert group.exercises.count() == 2 and not Participant.objects.exists()


@pytest.fixture
def participant(world: World, group: ExerciseGroup, django_capture_on_commit_callbacks: Capture) -> tuple[Client, User]:
    return enrol(world, group, django_capture_on_commit_callbacks, "Lotte", "lotte@example.nl")


PARTICIPANT_PAGES = {
    "groups_me",
    "groups_reminders",
    "groups_session",
    "groups_session_log",
    "groups_leave",
    "groups_left",
}
"""The participant's own pages."""
OPEN_TO_EVERY_LOGIN = {
    "password_change",
    "password_change_done",
    "twofactor_setup",
    "set_language",
    "logout",
}
"""Account pages every signed-in person has (their own password, two-step sign-in, language)."""


def _routes(resolver: URLResolver | None = None, prefix: str = "") -> Iterator[tuple[str, str, str]]:
    """Every route of rugpad as (name or pattern, a path to try, the pattern), path converters filled in with
    patient A's ids (the other record kinds get the same number: a refusal must not depend on the id)."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _routes(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield entry.name or "", prefix + str(entry.pattern), entry.lookup_str


def _fill(pattern: str, number: int) -> str | None:
    import re

    if pattern.startswith("^") or "(?P" in pattern:
        return None  # django-admin's and other regex routes: tried by their fixed prefixes below
    filled = re.sub(r"<int:[^>]+>", str(number), pattern)
    filled = re.sub(r"<uuid:[^>]+>", str(uuid.uuid4()), filled)
    filled = re.sub(r"<(?:str|slug|path):[^>]+>|<[a-z_0-9]+>", "startback", filled)
    return "/" + filled


def test_a_participant_reaches_no_patient_record_clinical_page_api_or_fhir_route(
    world: World, participant: tuple[Client, User]
) -> None:
    client, _user = participant
    tried = 0
    opened = []
    for name, pattern, _view in _routes():
        path = _fill(pattern, world.patient.pk)
        if path is None or name in PARTICIPANT_PAGES | OPEN_TO_EVERY_LOGIN or name == "groups_join":
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(path, HTTP_ACCEPT="text/html")
            tried += 1
            status = response.status_code
            if status in (200, 201, 204):
                opened.append((method, path, status))
            elif status in (301, 302, 303):
                assert not response["Location"].startswith(("/patients", "/episodes", "/plans", "/api", "/fhir")), path
    public = {p for _m, p, _s in opened if Client().get(p).status_code == 200}
    # whatever opens for a participant opens for anybody without a login too (health, manifest, public pages)
    assert {p for _m, p, _s in opened} <= public, sorted(set(opened))
    assert tried > 300
    patient = world.patient.pk
    for path in ("/api/patients", f"/api/patients/{patient}", "/fhir/Patient", f"/fhir/Patient/{patient}"):
        assert client.get(path).status_code in (401, 403, 404), path
    assert client.get(reverse("home")).url == reverse("groups_me")


def test_clinicians_patients_and_the_admin_have_no_participant_pages(world: World, group: ExerciseGroup) -> None:
    for user in (world.clinician, world.admin, world.patient_user):
        client = client_for(user)
        for name in ("groups_me", "groups_session", "groups_leave"):
            assert client.get(reverse(name)).status_code == 404, (user.username, name)
        assert client.post(reverse("groups_session_log"), "{}", content_type="application/json").status_code == 404
