"""Lists that stay one page at any size, the name search through its index, and one audit insert per page read
(issue 10, items 1 and 2)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from rugpad.web.audit.models import AuditAction, AuditEvent
from rugpad.web.care import actions
from rugpad.web.care.models import Episode, Patient, PatientNameToken
from rugpad.web.care.names import name_tokens, prefix_end, words
from rugpad.web.care.queries import DASHBOARD_ROWS, PATIENT_PAGE, search_patients
from rugpad.web.demo import as_user
from tests.web.conftest import TODAY, World, client_for


@pytest.mark.parametrize(
    ("word", "end"), [("jan", "jao"), ("jaz", "jb"), ("a9", "aa"), ("zz", None), ("z", None), ("9", "a")]
)
def test_a_prefix_range_ends_just_after_every_word_it_begins(word: str, end: str | None) -> None:
    assert prefix_end(word) == end


def test_names_become_plain_lower_case_words() -> None:
    assert words("Çelik-de Vries") == ["celik", "de", "vries"]
    assert name_tokens("Anne-Marie", "van 't Hof") == {"anne", "marie", "van", "t", "hof"}
    assert words("  ") == []


def _patient(world: World, first: str, last: str, **fields: object) -> Patient:
    return actions.do_create_patient(
        as_user(world.clinician), first_name=first, last_name=last, date_of_birth=dt.date(1970, 1, 1), sex="male",
        **fields,
    )  # fmt: skip


def _found(world: World, query: str) -> list[str]:
    return [str(p) for p in search_patients(world.clinician, {"q": query}).patients]


def test_each_typed_word_matches_the_start_of_a_word_of_the_name(world: World) -> None:
    _patient(world, "Jan", "de Vries")
    _patient(world, "Anna", "Jansen")
    _patient(world, "Ömer", "Çelik")
    assert _found(world, "vries") == ["Jan de Vries"]
    assert sorted(_found(world, "jan")) == ["Anna Jansen", "Jan de Vries"]
    assert _found(world, "de JAN") == ["Jan de Vries"]
    assert _found(world, "celik") == ["Ömer Çelik"]
    assert _found(world, "ansen") == [], "a prefix match: the middle of a word is not a match"
    assert _found(world, "zzz") == []


def test_the_search_never_reaches_another_practice_and_follows_a_new_name(world: World) -> None:
    other = world.other_patient
    assert _found(world, other.last_name) == []
    patient = _patient(world, "Piet", "Bakker")
    patient.last_name = "Smit"
    patient.save()
    assert _found(world, "bakker") == []
    assert _found(world, "smit") == ["Piet Smit"]
    assert set(PatientNameToken.objects.filter(patient=patient).values_list("token", flat=True)) == {"piet", "smit"}


def test_the_patient_list_is_paged(world: World) -> None:
    for i in range(PATIENT_PAGE + 3):
        _patient(world, f"Kees{i:03d}", "Paging")
    client = client_for(world.clinician)
    first = client.get(reverse("patient_list"), {"q": "paging"})
    assert first.content.decode().count("Kees") == PATIENT_PAGE
    assert "page=2" in first.content.decode()
    second = client.get(reverse("patient_list"), {"q": "paging", "page": "2"})
    assert second.content.decode().count("Kees") == 3
    assert client.get(reverse("patient_list"), {"page": "x"}).status_code == 200, "a bad page number is page 1"


def test_the_dashboard_shows_a_page_of_each_list_and_says_there_is_more(world: World) -> None:
    request = as_user(world.clinician)
    for i in range(DASHBOARD_ROWS + 2):
        patient = _patient(world, f"Due{i}", "Soon", clinician=world.clinician)
        episode = actions.do_open_episode(request, patient, region="low_back", started_on=TODAY, onset_on=None)
        Episode.objects.filter(pk=episode.pk).update(next_evaluation_on=dt.date.today())
    page = client_for(world.clinician).get(reverse("home"))
    assert page.context["more_due"] is True
    assert len(page.context["due"]) == DASHBOARD_ROWS


def test_a_page_read_is_one_audit_insert_naming_every_record_it_read(world: World) -> None:
    client = client_for(world.clinician)
    before = AuditEvent.objects.count()
    client.get(reverse("episode_detail", args=[world.episode.pk]))
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert [(e.action, e.object_type, e.object_id, e.patient_id) for e in events] == [
        (AuditAction.VIEW, "episode", str(world.episode.pk), world.patient.pk)
    ]


@pytest.mark.django_db(transaction=True)  # the write's event counts once committed
def test_a_write_is_its_own_record_of_access(world: World) -> None:
    client = client_for(world.clinician)
    before = AuditEvent.objects.count()
    client.post(reverse("episode_screening", args=[world.episode.pk]), {"notes": "again"})
    actions_written = [e.action for e in AuditEvent.objects.order_by("id")[before:]]
    assert AuditAction.VIEW not in actions_written and actions_written, actions_written


def test_the_dashboard_shows_the_most_urgent_open_alarms_and_links_to_all_of_them(world: World) -> None:
    from django.utils import timezone

    from rugpad.web.care.models import RedFlag

    now = timezone.now()
    for i in range(DASHBOARD_ROWS + 1):
        patient = _patient(world, f"Flag{i}", "Raised")
        episode = actions.do_open_episode(
            as_user(world.clinician), patient, region="low_back", started_on=TODAY, onset_on=None
        )
        RedFlag.objects.create(
            episode=episode, rule_id="rf.infection", origin="record", urgency="urgent", raised_at=now
        )
    emergency = RedFlag.objects.create(
        episode=world.episode, rule_id="rf.cauda_equina", origin="record", urgency="emergency", raised_at=now
    )
    client = client_for(world.clinician)
    dashboard = client.get(reverse("home"))
    shown = [row.flag for row in dashboard.context["alarms"]]
    assert len(shown) == DASHBOARD_ROWS and shown[0] == emergency, "the most urgent first, the list cut"
    assert dashboard.context["more_alarms"] is True and reverse("open_alarms") in dashboard.content.decode()
    every = client.get(reverse("open_alarms"))
    assert len(every.context["alarms"]) == DASHBOARD_ROWS + 2 and every.context["has_next"] is False
