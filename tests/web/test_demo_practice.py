"""The demo practice: realistic, varied patients whose results come from the engine (not stored guesses)."""

from __future__ import annotations

import datetime as dt

import pytest

from rugpad.web.care.models import Episode, Patient
from rugpad.web.demo import load_demo
from rugpad.web.practice.models import Role, User

TODAY = dt.date(2026, 11, 21)

pytestmark = pytest.mark.usefixtures("committed_demo")  # loaded once for the module: each load takes seconds


def _latest(last_name: str) -> dict[str, object]:
    episode = Episode.objects.filter(patient__last_name=last_name).first()
    assert episode is not None
    triage = episode.latest("triages")
    return triage.result  # type: ignore[union-attr]


@pytest.mark.django_db
def test_demo_has_two_clinicians_an_admin_and_about_twelve_patients(committed_demo: dict[str, object]) -> None:
    logins = committed_demo
    assert User.objects.filter(role=Role.CLINICIAN).count() == 2
    assert User.objects.filter(role=Role.ADMIN).count() == 1
    assert Patient.objects.count() >= 12
    assert set(logins["clinicians"]) == {"anna", "pieter"}
    assert logins["practice_admin"] == "beheer"


@pytest.mark.django_db
def test_demo_is_loaded_once() -> None:
    patients = Patient.objects.count()
    load_demo(TODAY)
    assert Patient.objects.count() == patients


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("last_name", "expected"),
    [
        ("de Vries", {"urgency": "none", "profile": "1"}),
        ("El Amrani", {"urgency": "none", "profile": "2", "radicular": True}),
        ("Jansen", {"urgency": "none", "profile": "3"}),
        ("Bakker", {"urgency": "emergency", "profile": None}),
        ("Visser", {"urgency": "urgent", "profile": None}),
        ("Smit", {"urgency": "none", "profile": "A"}),
        ("Mulder", {"urgency": "none", "profile": "B"}),
        ("Yilmaz", {"urgency": "none", "profile": "C"}),
        ("Claes", {"urgency": "none", "profile": "D"}),
    ],
)
def test_demo_patients_cover_every_profile_and_a_red_flag(last_name: str, expected: dict[str, object]) -> None:
    result = _latest(last_name)
    assert {key: result[key] for key in expected} == expected
