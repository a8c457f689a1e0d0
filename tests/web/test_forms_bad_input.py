"""Bad input in every form: a clear message next to the field, and nothing saved half-way."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rugpad.web.care.models import Episode, Patient
from tests.web.conftest import World, client_for


def test_new_patient_with_a_future_birth_date_is_refused_next_to_the_field(world: World) -> None:
    before = Patient.objects.count()
    page = client_for(world.clinician).post(
        reverse("patient_new"),
        {"first_name": "Jan", "last_name": "Later", "date_of_birth": "2999-01-01", "sex": "male"},
    )
    assert page.status_code == 200
    assert "date_of_birth" in page.context["form"].errors
    assert Patient.objects.count() == before


def test_new_patient_without_a_name_names_the_field(world: World) -> None:
    page = client_for(world.clinician).post(reverse("patient_new"), {"date_of_birth": "1980-01-01", "sex": "male"})
    assert set(page.context["form"].errors) >= {"first_name", "last_name"}


def test_episode_onset_after_first_contact_is_refused(world: World) -> None:
    before = Episode.objects.count()
    page = client_for(world.clinician).post(
        reverse("patient_detail", args=[world.patient.pk]),
        {"region": "neck", "started_on": "2026-01-10", "onset_on": "2026-02-01"},
    )
    assert "onset_on" in page.context["form"].errors
    assert Episode.objects.count() == before


def test_intake_without_help_request_is_refused_and_nothing_is_stored(world: World) -> None:
    before = world.episode.intakes.count()
    page = client_for(world.clinician).post(reverse("episode_intake", args=[world.episode.pk]), {"complaint": "pijn"})
    assert "help_request" in page.context["form"].errors
    assert world.episode.intakes.count() == before


def test_questionnaire_out_of_range_answer_is_shown_at_the_item(world: World) -> None:
    before = world.episode.responses.count()
    page = client_for(world.clinician).post(
        reverse("episode_instrument", args=[world.episode.pk, "nprs"]), {"item_1": "14"}
    )
    assert page.status_code == 200
    assert "item_1" in page.context["form"].errors
    assert world.episode.responses.count() == before


def test_incomplete_startback_is_stored_but_not_classified(world: World) -> None:
    client_for(world.clinician).post(
        reverse("episode_instrument", args=[world.episode.pk, "startback"]), {"item_1": "1", "item_2": "0"}
    )
    response = world.episode.responses.get(instrument="startback")
    assert response.score is None
    assert response.result["missing"] == [3, 4, 5, 6, 7, 8, 9]


def test_profile_override_needs_a_reason(world: World) -> None:
    before = world.episode.overrides.count()
    page = client_for(world.clinician).post(
        reverse("episode_override", args=[world.episode.pk]), {"profile": "3", "reason": ""}
    )
    assert page.status_code == 400
    assert world.episode.overrides.count() == before


def test_api_score_names_the_bad_item(world: World) -> None:
    response = client_for(world.clinician).post(
        "/api/score/odi", {"answers": {"4": 7}}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["field"] == "odi: item 4"


def test_episode_page_renders_every_demo_patient_with_explanations(db: None) -> None:
    """Every stored result (emergency, urgent, every profile, override) renders with its rules and sources."""
    import datetime as dt

    from rugpad.web.care.models import Episode
    from rugpad.web.demo import load_demo
    from rugpad.web.practice.models import User

    load_demo(dt.date(2026, 11, 21))
    for username in ("anna", "pieter"):
        client = client_for(User.objects.get(username=username))
        for episode in Episode.objects.filter(patient__clinician__username=username):
            page = client.get(reverse("episode_detail", args=[episode.pk]))
            assert page.status_code == 200, episode
            assert 'details class="rule"' in page.content.decode()


def test_search_by_date_of_birth_finds_only_that_patient(world: World) -> None:
    page = client_for(world.clinician).get(reverse("patient_list"), {"born": "1980-01-01"})
    assert list(page.context["patients"]) == [world.patient]
    nobody = client_for(world.clinician).get(reverse("patient_list"), {"born": "1999-12-31"})
    assert list(nobody.context["patients"]) == []


def test_search_with_a_malformed_date_names_the_field(world: World) -> None:
    page = client_for(world.clinician).get(reverse("patient_list"), {"born": "31-31-2020"})
    assert "born" in page.context["form"].errors


def test_a_birth_year_beyond_the_engines_age_limit_is_refused(world: World) -> None:
    page = client_for(world.clinician).post(
        reverse("patient_new"), {"first_name": "Oud", "last_name": "Jaar", "date_of_birth": "1890-01-01", "sex": "male"}
    )
    assert "date_of_birth" in page.context["form"].errors


@pytest.mark.parametrize("field", ["started_on", "onset_on"])
def test_episode_dates_before_birth_are_refused_with_nothing_stored(world: World, field: str) -> None:
    before = Episode.objects.count()
    data = {"region": "neck", "started_on": "2026-01-10", "onset_on": "2026-01-01"}
    data[field] = "1970-01-01"  # the patient was born in 1980
    page = client_for(world.clinician).post(reverse("patient_detail", args=[world.patient.pk]), data)
    assert field in page.context["form"].errors
    assert Episode.objects.count() == before


def test_an_onset_centuries_ago_is_refused_not_a_server_error(world: World) -> None:
    page = client_for(world.clinician).post(
        reverse("patient_detail", args=[world.patient.pk]),
        {"region": "neck", "started_on": "2026-01-10", "onset_on": "0001-01-01"},
    )
    assert page.status_code == 200 and "onset_on" in page.context["form"].errors
