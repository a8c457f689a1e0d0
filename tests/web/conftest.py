"""Two practices, each with a clinician, an admin and a patient with a login, and one episode per patient."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from rugpad.web.care import actions
from rugpad.web.care.models import Episode, Patient
from rugpad.web.demo import as_user, load_demo
from rugpad.web.practice.models import Practice, Role, User

TODAY = dt.date(2026, 11, 21)


@dataclass
class World:
    practice: Practice
    clinician: User
    admin: User
    patient_user: User
    patient: Patient
    episode: Episode
    other_clinician: User
    other_patient_user: User
    other_patient: Patient
    other_episode: Episode


def _practice(name: str, suffix: str) -> tuple[Practice, User, User, User, Patient, Episode]:
    practice = Practice.objects.create(name=name)
    clinician = User.objects.create_user(
        f"clin{suffix}", password="pw-123456789", practice=practice, role=Role.CLINICIAN
    )
    admin = User.objects.create_user(f"admin{suffix}", password="pw-123456789", practice=practice, role=Role.ADMIN)
    patient_user = User.objects.create_user(
        f"pat{suffix}", password="pw-123456789", practice=practice, role=Role.PATIENT
    )
    request = as_user(clinician)
    patient = actions.do_create_patient(
        request, first_name="Pat", last_name=f"Ient{suffix}", date_of_birth=dt.date(1980, 1, 1), sex="female"
    )
    patient.user = patient_user
    patient.save()
    episode = actions.do_open_episode(
        request, patient, region="low_back", started_on=TODAY, onset_on=TODAY - dt.timedelta(days=10)
    )
    actions.do_save_screening(request, episode, [], notes="")  # screened, nothing found: the pathway is open
    return practice, clinician, admin, patient_user, patient, episode


@pytest.fixture
def world(db: None) -> World:
    practice, clinician, admin, patient_user, patient, episode = _practice("Practice A", "a")
    _p2, other_clinician, _a2, other_patient_user, other_patient, other_episode = _practice("Practice B", "b")
    return World(
        practice,
        clinician,
        admin,
        patient_user,
        patient,
        episode,
        other_clinician,
        other_patient_user,
        other_patient,
        other_episode,
    )


@pytest.fixture(scope="module")
def committed_demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """The demo practice loaded once for a whole module and committed (each test's own writes still roll back), wiped
    afterwards; returns the demo logins. Loading the demo takes seconds: a module that only reads it shares one."""
    with django_db_blocker.unblock():
        logins = load_demo(timezone.localdate())
        try:
            yield logins
        finally:
            call_command("flush", interactive=False, verbosity=0)


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


ROLES = (
    "anonymous",
    "clinician_same_practice",
    "clinician_other_practice",
    "admin_same_practice",
    "patient_self",
    "patient_other",
)
"""Every kind of visitor the authorisation matrix tests try on every route (all relative to patient A)."""


def user_for_role(world: World, role: str) -> User | None:
    return {
        "anonymous": None,
        "clinician_same_practice": world.clinician,
        "clinician_other_practice": world.other_clinician,
        "admin_same_practice": world.admin,
        "patient_self": world.patient_user,
        "patient_other": world.other_patient_user,
    }[role]


def refused(status: int, role: str, is_api: bool = False) -> bool:
    """A refusal: anonymous visitors are sent to log in (the API answers 401); everybody else gets a 404."""
    if role == "anonymous":
        return status == 401 if is_api else status in (302, 401)
    return status == 404
