"""The demo practice: two clinicians, a practice admin and twelve patients with varied, realistic histories.

Every record is written through the same actions as the web pages, so the demo exercises the real code paths
(triage, audit) and the result each patient shows is the engine's, not a stored guess.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from rugpad.web.care import actions
from rugpad.web.care.models import Episode, Examination, Intake, Patient, RedFlag, TestResult
from rugpad.web.outcomes import summary as outcome_summary
from rugpad.web.practice.models import Discipline, Practice, Role, User

DEMO_PASSWORD = "rugpad-demo"
# Apps that add their own stage of care to the demo (plans, diaries, evaluations, reports), in this order. Each has
# `<app>/demo.py` with `load_demo_extras(practice, today)`.
DEMO_EXTENSIONS: tuple[str, ...] = ("plans", "portal", "outcomes", "costs", "work", "aftercare", "groups")
PRACTICE_NAME = "Fysiotherapie De Brug (demo)"


@dataclass(frozen=True)
class DemoPatient:
    first_name: str
    last_name: str
    born: dt.date
    sex: str
    region: str
    onset_days_ago: int
    started_days_ago: int
    complaint: str
    help_request: str
    course: str = ""
    psychosocial_dominant: bool | None = None
    corticosteroids: bool = False
    anticoagulants: bool = False
    signs: tuple[str, ...] = ()
    exam: dict[str, str] = field(default_factory=dict)
    startback: dict[str, int] | None = None
    clinician: str = "anna"
    login: str | None = None
    send: tuple[str, ...] = ()


SB_LOW = {"1": 0, "2": 1, "3": 0, "4": 1, "5": 0, "6": 0, "7": 0, "8": 0, "9": 1}
SB_MEDIUM = {"1": 1, "2": 0, "3": 1, "4": 1, "5": 0, "6": 1, "7": 0, "8": 0, "9": 2}
SB_HIGH = {"1": 1, "2": 1, "3": 1, "4": 0, "5": 1, "6": 1, "7": 1, "8": 0, "9": 3}

PATIENTS = (
    DemoPatient(
        "Sanne",
        "de Vries",
        dt.date(1988, 3, 14),
        "female",
        "low_back",
        10,
        3,
        "Lage rugpijn na tillen van een verhuisdoos; geen uitstraling.",
        "Weer kunnen sporten (hardlopen).",
        course="improving",
        startback=SB_LOW,
        login="sanne",
        send=("nprs",),
    ),
    DemoPatient(
        "Mohamed",
        "El Amrani",
        dt.date(1974, 6, 2),
        "male",
        "low_back",
        21,
        5,
        "Rugpijn met pijn uitstralend tot in de linkervoet.",
        "Weer kunnen werken als buschauffeur.",
        course="not_improving",
        signs=("leg_pain_below_knee",),
        exam={"slr": "positive"},
        startback=SB_MEDIUM,
    ),
    DemoPatient(
        "Ingrid",
        "Jansen",
        dt.date(1981, 11, 23),
        "female",
        "low_back",
        200,
        14,
        "Al maanden rugpijn, bang dat er iets kapot is.",
        "Minder pijn en weer durven bewegen.",
        course="recurrent",
        startback=SB_HIGH,
        clinician="pieter",
    ),
    DemoPatient(
        "Kees",
        "Bakker",
        dt.date(1966, 1, 30),
        "male",
        "low_back",
        4,
        0,
        "Plotselinge rugpijn, sinds vannacht moeite met plassen en doof gevoel rond het zitvlak.",
        "Pijn weg.",
        course="worsening",
        signs=("saddle_anaesthesia", "bladder_dysfunction"),
    ),
    DemoPatient(
        "Truus",
        "Visser",
        dt.date(1953, 8, 9),
        "female",
        "low_back",
        6,
        1,
        "Rugpijn na een val van de keukentrap; gebruikt al jaren prednison.",
        "Weer zelf boodschappen doen.",
        course="not_improving",
        corticosteroids=True,
        signs=("minor_trauma",),
    ),
    DemoPatient(
        "Lotte",
        "Smit",
        dt.date(1997, 5, 5),
        "female",
        "neck",
        20,
        2,
        "Nekpijn na veel beeldschermwerk, wordt al minder.",
        "Zonder pijn een werkdag achter de laptop.",
        course="improving",
        psychosocial_dominant=False,
        login="lotte",
        send=("ndi",),
    ),
    DemoPatient(
        "Joost",
        "Mulder",
        dt.date(1985, 2, 17),
        "male",
        "neck",
        63,
        7,
        "Nekpijn sinds ruim twee maanden, wisselend.",
        "Weer kunnen fietsen naar het werk.",
        course="not_improving",
        psychosocial_dominant=False,
        clinician="pieter",
    ),
    DemoPatient(
        "Fatma",
        "Yilmaz",
        dt.date(1979, 9, 28),
        "female",
        "neck",
        70,
        10,
        "Nekpijn, veel zorgen en slecht slapen; vermijdt bewegen.",
        "Weer met plezier werken.",
        course="recurrent",
        psychosocial_dominant=True,
    ),
    DemoPatient(
        "Pieter-Jan",
        "Claes",
        dt.date(1971, 4, 11),
        "male",
        "neck",
        18,
        4,
        "Nekpijn met tintelingen in de rechterhand.",
        "Kunnen slapen zonder tintelingen.",
        course="not_improving",
        signs=("arm_paraesthesia",),
        exam={"spurling": "positive"},
        clinician="pieter",
    ),
    DemoPatient(
        "Emma",
        "Peeters",
        dt.date(1992, 12, 1),
        "female",
        "low_back",
        30,
        24,
        "Terugkerende rugpijn bij lang zitten.",
        "Een hele werkdag zitten zonder pijn.",
        course="recurrent",
        startback=SB_LOW,
    ),
    DemoPatient(
        "Ruud",
        "Hendriks",
        dt.date(1968, 7, 19),
        "male",
        "low_back",
        40,
        12,
        "Rugpijn; gebruikt antistolling en heeft osteoporose.",
        "Weer in de tuin kunnen werken.",
        course="not_improving",
        anticoagulants=True,
        signs=("osteoporosis",),
        startback=SB_MEDIUM,
        clinician="pieter",
    ),
    DemoPatient(
        "Henk",
        "de Wit",
        dt.date(1959, 2, 11),
        "male",
        "low_back",
        70,
        63,
        "Lage rugpijn na een lange autorit; geen uitstraling.",
        "Weer zonder pijn een dag op pad kunnen als vertegenwoordiger.",
        course="improving",
        startback=SB_LOW,
    ),
    DemoPatient(
        "Noor",
        "Bos",
        dt.date(1968, 10, 3),
        "female",
        "low_back",
        35,
        27,
        "Lage rugpijn bij tuinieren, langzaam beter.",
        "Weer een uur kunnen wandelen.",
        course="improving",
        startback=SB_LOW,
    ),
)


def as_user(user: User) -> HttpRequest:
    """A request-shaped context for the actions (they attribute the audit record to its user)."""
    request = HttpRequest()
    request.user = user
    request.META["REMOTE_ADDR"] = "127.0.0.1"
    request.META["HTTP_USER_AGENT"] = "rugpad demo loader"
    return request


@cache
def demo_password_hash() -> str:
    """One hash of the demo password for every demo login of this process: hashing is slow on purpose (argon2),
    and listing the logins checks each distinct hash once."""
    return make_password(DEMO_PASSWORD)


def demo_account(practice: Practice, username: str, first: str, last: str, role: str, discipline: str = "") -> User:
    """A demo login that signs in with the demo password."""
    user = User(
        username=username,
        first_name=first,
        last_name=last,
        practice=practice,
        role=role,
        discipline=discipline,
        password=demo_password_hash(),
    )
    user.save()
    return user


@transaction.atomic
def load_demo(today: dt.date) -> dict[str, Any]:
    """Creates the demo practice once; on a second call it returns the existing logins unchanged."""
    practice = Practice.objects.filter(name=PRACTICE_NAME).first()
    if practice is not None:
        return demo_logins()
    practice = Practice.objects.create(name=PRACTICE_NAME, city="Utrecht", phone="030 123 45 67")
    clinicians = {
        "anna": demo_account(practice, "anna", "Anna", "de Boer", Role.CLINICIAN, Discipline.PHYSIOTHERAPIST),
        "pieter": demo_account(practice, "pieter", "Pieter", "Willems", Role.CLINICIAN, Discipline.MANUAL_THERAPIST),
    }
    demo_account(practice, "beheer", "Beheerder", "De Brug", Role.ADMIN)
    with outcome_summary.deferred():
        for spec in PATIENTS:
            _load_patient(practice, clinicians[spec.clinician], spec, today)
        _red_flag_under_way(practice, clinicians["anna"])
        for app in DEMO_EXTENSIONS:
            import_module(f"rugpad.web.{app}.demo").load_demo_extras(practice, today)
    # the group participants joined through the sign-up action, each with a hash of their own
    User.objects.filter(practice=practice, role=Role.PARTICIPANT).update(password=demo_password_hash())
    return demo_logins()


def _red_flag_under_way(practice: Practice, clinician: User) -> None:
    """Truus Visser's red flags half-way through their life cycle: the GP was called and will see her today, so
    they wait for the GP's assessment (Kees Bakker's emergency shows a flag nobody has acted on yet)."""
    episode = Episode.objects.filter(patient__practice=practice, patient__last_name="Visser").first()
    if episode is None:
        return
    for flag in RedFlag.objects.filter(episode=episode):
        actions.do_record_flag_event(
            as_user(clinician),
            flag,
            kind="action",
            at=flag.raised_at,
            counterpart="Huisartsenpraktijk Centrum (dr. Jansen)",
            note="Huisarts gebeld; mevrouw kan vandaag om 16.00 uur terecht. Tot dan geen behandeling.",
        )


def _load_patient(practice: Practice, clinician: User, spec: DemoPatient, today: dt.date) -> None:
    request = as_user(clinician)
    patient = actions.do_create_patient(
        request,
        first_name=spec.first_name,
        last_name=spec.last_name,
        date_of_birth=spec.born,
        sex=spec.sex,
        gp_name="Huisartsenpraktijk Centrum",
        clinician=clinician,
    )
    if spec.login:
        patient.user = demo_account(practice, spec.login, spec.first_name, spec.last_name, Role.PATIENT)
        patient.save(update_fields=["user"])
    episode = actions.do_open_episode(
        request,
        patient,
        region=spec.region,
        started_on=today - dt.timedelta(days=spec.started_days_ago),
        onset_on=today - dt.timedelta(days=spec.onset_days_ago),
    )
    actions.do_save_intake(
        request,
        Intake(
            episode=episode,
            complaint=spec.complaint,
            course=spec.course,
            help_request=spec.help_request,
            psychosocial_dominant=spec.psychosocial_dominant,
            corticosteroids=spec.corticosteroids,
            anticoagulants=spec.anticoagulants,
            goals=spec.help_request,
        ),
    )
    actions.do_save_screening(request, episode, list(spec.signs), notes="")
    if spec.exam:
        actions.do_save_examination(
            request, Examination(episode=episode, **{name: TestResult(value) for name, value in spec.exam.items()})
        )
    if spec.startback is not None:
        actions.do_record_response(request, episode, "startback", spec.startback, moment="intake")
    for code in spec.send:
        actions.do_request_response(request, episode, code, moment="intake")
    _dated_first_contact(episode)


def _dated_first_contact(episode: Episode) -> None:
    """The first-contact records carry the day of the first contact, not the moment the demo was loaded (a demo
    shows a history the real clock could not have produced yet)."""
    first = min(timezone.make_aware(dt.datetime.combine(episode.started_on, dt.time(9, 0))), timezone.now())
    for related in ("intakes", "screenings", "examinations", "triages"):
        getattr(episode, related).update(recorded_at=first)
    episode.red_flags.update(raised_at=first)


def demo_logins() -> dict[str, Any]:
    """The demo accounts, read from the database (the demo extensions add patient logins of their own).

    `clinicians`, `practice_admin` and `patients` are only the active accounts that sign in with `password` today:
    an account whose password was changed (an invited patient who chose their own, say) is in `own_password`
    instead, and a patient invited but without an account yet is in `invited` (by name: they have no login)."""
    users = User.objects.filter(practice__name=PRACTICE_NAME).order_by("username")
    works: dict[str, bool] = {}  # one check per distinct hash (hashing is slow on purpose; fillers share one hash)

    def demo_password_works(user: User) -> bool:
        if not user.is_active or not user.has_usable_password():
            return False
        if user.password not in works:
            works[user.password] = check_password(DEMO_PASSWORD, user.password)
        return works[user.password]

    signs_in = [u for u in users if demo_password_works(u)]
    signs_in_ids = {u.pk for u in signs_in}
    invited = (
        Patient.objects.filter(practice__name=PRACTICE_NAME, user__isnull=True, invitations__isnull=False)
        .distinct()
        .order_by("last_name", "first_name")
    )
    return {
        "password": DEMO_PASSWORD,
        "clinicians": [u.username for u in signs_in if u.role == Role.CLINICIAN],
        "practice_admin": next((u.username for u in signs_in if u.role == Role.ADMIN), ""),
        "patients": [u.username for u in signs_in if u.role == Role.PATIENT],
        # a group's people (no patient record); those who signed up with their e-mail address as login are left out
        "participants": [u.username for u in signs_in if u.role == Role.PARTICIPANT and "@" not in u.username],
        "own_password": [
            u.username for u in users if u.is_active and u.pk not in signs_in_ids and u.has_usable_password()
        ],
        "invited": [f"{p.first_name} {p.last_name}" for p in invited],
    }


def first_episode(username: str) -> Episode | None:
    return Episode.objects.filter(patient__user__username=username).first()
