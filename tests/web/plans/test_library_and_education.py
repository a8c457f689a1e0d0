"""The exercise library (search in every language, synonyms, region and purpose, ladders) and a plan reaching the
patient at once: its education modules without a further click, and the clinician seeing what was opened."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from rugpad.web.outcomes.models import EducationAssignment
from rugpad.web.plans.models import PlanItem
from tests.web.conftest import World, client_for
from tests.web.plans.conftest import current


def _found(world: World, lang: str, **query: str) -> set[str]:
    client = client_for(world.clinician)
    client.cookies["django_language"] = lang
    body = client.get(reverse("plans_library", args=[world.episode.pk]), query, HTTP_ACCEPT_LANGUAGE=lang)
    return set(re.findall(r'data-exercise="([a-z0-9-]+)"', body.content.decode()))


def test_a_dutch_word_finds_the_exercise_on_an_english_page_and_vice_versa(planned: World) -> None:
    assert _found(planned, "en", q="vogel") == {"bird-dog"}
    assert "bird-dog" in _found(planned, "nl", q="bird")
    assert "bird-dog" in _found(planned, "nl", q="viervoetsstand")


def test_an_everyday_word_and_a_word_without_accents_find_the_exercise(planned: World) -> None:
    assert "bird-dog" in _found(planned, "nl", q="handen en knieen")  # "knieën", typed without the accent
    assert "cat-camel" in _found(planned, "nl", q="bolle rug")  # a synonym, not the name "Kat en koe"
    assert "sit-to-stand" in _found(planned, "en", q="get up")


def test_search_narrows_by_body_region_and_purpose(planned: World) -> None:
    neck = _found(planned, "nl", region="neck")
    assert "chin-tuck-sitting" in neck and "bird-dog" not in neck
    strength = _found(planned, "nl", purpose="strength")
    assert "bridge" in strength and "cat-camel" not in strength
    assert _found(planned, "nl", region="neck", q="brug") == set()


def test_the_library_and_the_plan_show_the_ladder_from_easier_to_harder(planned: World) -> None:
    client = client_for(planned.clinician)
    body = client.get(reverse("plans_library", args=[planned.episode.pk]), {"q": "dode kever"}).content.decode()
    ladder = body[body.index('data-exercise="dead-bug"') :]
    names = re.findall(r"<li[^>]*>([^<]+)</li>", ladder[ladder.index("ladder-steps") :])[:3]
    assert names == ["Buikspieren licht aanspannen", "Dode kever", "Viervoetsstand met arm en been strekken"]
    editor = client.get(reverse("plans_episode", args=[planned.episode.pk])).content.decode()
    assert 'aria-current="step">Brug</li>' in editor and "Brug op één been" in editor  # bridge → single-leg bridge


def test_the_patient_sees_the_ladder_of_their_exercise(planned: World) -> None:
    body = client_for(planned.patient_user).get(reverse("plans_my_exercises")).content.decode()
    assert "Uw therapeut bepaalt wanneer u een stap zet" in body and "Brug op één been" in body


@pytest.fixture
def accepted(planned: World) -> World:
    """Patient A's clinician accepted the generated proposal (with its education modules)."""
    response = client_for(planned.clinician).post(reverse("plans_generate", args=[planned.episode.pk]))
    assert response.status_code == 302
    return planned


def _plan_modules(world: World) -> list[str]:
    return list(current(world).ordered_items().filter(kind="education").values_list("ref", flat=True))


def test_accepting_a_plan_gives_the_patient_its_education_without_a_further_click(accepted: World) -> None:
    modules = _plan_modules(accepted)
    assert modules
    given = set(EducationAssignment.objects.filter(episode=accepted.episode).values_list("module_id", flat=True))
    assert given == set(modules)
    page = client_for(accepted.patient_user).get(reverse("outcomes_my_progress")).content.decode()
    for assignment in EducationAssignment.objects.filter(episode=accepted.episode):
        assert reverse("outcomes_my_module", args=[assignment.pk]) in page
    exercises = client_for(accepted.patient_user).get(reverse("plans_my_exercises")).content.decode()
    proposed = PlanItem.objects.filter(versions=current(accepted), kind="exercise").first()
    assert proposed is not None and proposed.text["nl"] in exercises


def test_a_module_given_before_is_not_given_twice(accepted: World) -> None:
    before = EducationAssignment.objects.filter(episode=accepted.episode).count()
    client_for(accepted.clinician).post(reverse("plans_generate", args=[accepted.episode.pk]))
    assert EducationAssignment.objects.filter(episode=accepted.episode).count() == before


def _activity(world: World) -> dict[str, str]:
    body = client_for(world.clinician).get(reverse("plans_episode", args=[world.episode.pk])).content.decode()
    found = {}
    for ref, text in re.findall(r'data-ref="([a-z0-9-]+)".*?data-activity="[a-z]+">(.*?)</p>', body, re.S):
        found[ref] = " ".join(re.sub(r"<[^>]+>", " ", text).split())
    return found


def test_the_patients_exercise_page_lists_the_plans_reading(accepted: World) -> None:
    body = client_for(accepted.patient_user).get(reverse("plans_my_exercises")).content.decode()
    for assignment in EducationAssignment.objects.filter(episode=accepted.episode):
        assert reverse("plans_my_reading", args=[assignment.pk]) in body


def test_the_clinician_sees_which_module_the_patient_opened_and_read(accepted: World) -> None:
    first, second = _plan_modules(accepted)[:2]
    assert "niet geopend" in _activity(accepted)[first]
    patient = client_for(accepted.patient_user)
    assignment = EducationAssignment.objects.get(episode=accepted.episode, module_id=first)
    url = reverse("plans_my_reading", args=[assignment.pk])
    response = patient.get(url, HTTP_SEC_FETCH_MODE="navigate")
    assert response.status_code == 200 and "Ik heb dit gelezen" in response.content.decode()
    seen = _activity(accepted)
    assert "geopend op" in seen[first] and "niet geopend" in seen[second]
    assert patient.post(url)["Location"] == reverse("plans_my_exercises")
    assert "gelezen op" in _activity(accepted)[first]


def test_a_copy_fetched_in_the_background_is_not_an_opening(accepted: World) -> None:
    first = _plan_modules(accepted)[0]
    assignment = EducationAssignment.objects.get(episode=accepted.episode, module_id=first)
    patient = client_for(accepted.patient_user)
    assert patient.get(reverse("plans_my_reading", args=[assignment.pk]), HTTP_SEC_FETCH_MODE="cors").status_code == 200
    patient.get(reverse("outcomes_my_module", args=[assignment.pk]), HTTP_SEC_FETCH_MODE="same-origin")
    assert "niet geopend" in _activity(accepted)[first]


def test_another_login_cannot_open_the_patients_module(accepted: World) -> None:
    first = _plan_modules(accepted)[0]
    assignment = EducationAssignment.objects.get(episode=accepted.episode, module_id=first)
    url = reverse("plans_my_reading", args=[assignment.pk])
    assert client_for(accepted.other_patient_user).get(url).status_code == 404
    assert client_for(accepted.clinician).get(url).status_code == 404
    assert "niet geopend" in _activity(accepted)[first]


def test_the_clinician_sees_how_often_the_patient_did_each_exercise(accepted: World) -> None:
    import uuid

    from django.utils import timezone

    bridge = current(accepted).ordered_items().filter(kind="exercise").first()
    assert bridge is not None
    assert "nog niet gedaan" in _activity(accepted)[bridge.ref]
    patient = client_for(accepted.patient_user)
    for skipped in (False, False, True):
        entry = {
            "key": str(uuid.uuid4()), "session_key": str(uuid.uuid4()), "item_id": bridge.pk,
            "exercise_id": bridge.ref, "skipped": skipped, "sets_done": 1, "pain_during": None if skipped else 2,
            "done_at": timezone.now().isoformat(),
        }  # fmt: skip
        response = patient.post(reverse("plans_session_log"), entry, content_type="application/json")
        assert response.status_code == 201
    assert re.search(r"2 keer gedaan, laatst op .* 1 keer overgeslagen", _activity(accepted)[bridge.ref])
