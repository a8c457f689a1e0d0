"""While a red flag is open the core refuses every plan check: the editor shows that (never a 500), removal stays
possible, and the patient is offered no exercises until the therapist has been in touch."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from rugpad.web.care import actions as care_actions
from rugpad.web.demo import as_user
from rugpad.web.plans import actions
from rugpad.web.plans.clinical import clinician_exercise, exercise_library, pathway_gate
from rugpad.web.plans.models import PlanVersion
from rugpad.web.plans.queries import todays_programme
from tests.web.conftest import World, client_for
from tests.web.plans.conftest import current


@pytest.fixture
def flagged(planned: World) -> World:
    """Patient A's planned episode with a red flag (saddle anaesthesia) recorded after the plan was made."""
    care_actions.do_save_screening(as_user(planned.clinician), planned.episode, ["saddle_anaesthesia"], notes="")
    assert not pathway_gate(planned.episode).may_proceed
    return planned


def _edits(world: World) -> dict[str, tuple[str, dict[str, object]]]:
    episode = world.episode.pk
    bridge = current(world).items.get(ref="bridge").pk
    return {
        "add_text": (reverse("plans_add_text", args=[episode]), {"kind": "goal", "text": "Weer fietsen"}),
        "edit_dose": (
            reverse("plans_edit_dose", args=[episode, bridge]),
            {"repetitions": 12, "sets": 3, "days_per_week": 3},
        ),
        "edit_meta": (reverse("plans_edit_meta", args=[episode]), {"starts_on": "2025-01-06", "weeks": 8}),
        "add_exercise": (reverse("plans_add_exercise", args=[episode]), {"exercise": "cat-camel"}),
    }


@pytest.mark.parametrize("edit", ["add_text", "edit_dose", "edit_meta", "add_exercise"])
@pytest.mark.parametrize("htmx", [False, True])
def test_an_edit_during_a_red_flag_is_refused_with_a_message_and_nothing_saved(
    flagged: World, edit: str, htmx: bool
) -> None:
    url, data = _edits(flagged)[edit]
    before = PlanVersion.objects.count()
    headers = {"HX-Request": "true"} if htmx else {}
    response = client_for(flagged.clinician).post(url, data, headers=headers)
    assert response.status_code == (200 if htmx else 400)  # htmx swaps only 2xx: the panel carries the error
    body = response.content.decode()
    assert "plan-error" in body and "rode vlag" in body
    assert PlanVersion.objects.count() == before


def test_removing_an_item_is_allowed_while_a_red_flag_is_open(flagged: World) -> None:
    item = current(flagged).items.get(ref="cat-camel")
    response = client_for(flagged.clinician).post(reverse("plans_remove_item", args=[flagged.episode.pk, item.pk]))
    assert response.status_code == 302
    version = current(flagged)
    assert version.number == 2 and list(version.items.values_list("ref", flat=True)) == ["bridge"]
    assert version.items.get(ref="bridge").suitability == "allowed"  # carried over as it was checked


def test_the_library_says_a_red_flag_is_open_instead_of_failing(flagged: World) -> None:
    response = client_for(flagged.clinician).get(reverse("plans_library", args=[flagged.episode.pk]), {"q": "brug"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "rode vlag" in body and "data-exercise=" not in body


def test_a_kept_item_that_became_contraindicated_blocks_other_edits_with_its_reason(planned: World) -> None:
    """A sign recorded later can make a kept exercise contra-indicated: the next edit names it (no 500), and
    removing it is what lets the plan be changed again."""
    library = exercise_library()
    specs = [clinician_exercise(library[ref], "allowed") for ref in ("bridge", "romanian-deadlift")]
    actions.do_save_version(as_user(planned.clinician), planned.episode, specs, change="with deadlift")
    care_actions.do_save_screening(as_user(planned.clinician), planned.episode, ["recent_surgery"], notes="")
    assert pathway_gate(planned.episode).may_proceed
    client = client_for(planned.clinician)
    before = PlanVersion.objects.count()
    refused = client.post(reverse("plans_add_text", args=[planned.episode.pk]), {"kind": "goal", "text": "Fietsen"})
    assert refused.status_code == 400
    assert "romanian-deadlift" in refused.content.decode() and PlanVersion.objects.count() == before
    deadlift = current(planned).items.get(ref="romanian-deadlift")
    assert client.post(reverse("plans_remove_item", args=[planned.episode.pk, deadlift.pk])).status_code == 302
    added = client.post(reverse("plans_add_text", args=[planned.episode.pk]), {"kind": "goal", "text": "Fietsen"})
    assert added.status_code == 302 and current(planned).items.filter(kind="goal").exists()


def test_the_guided_session_offers_no_exercises_while_a_red_flag_is_open(flagged: World) -> None:
    client = client_for(flagged.patient_user)
    body = client.get(reverse("plans_session"), {"all": "1"}).content.decode()
    assert "red-flag-notice" in body and "neemt contact met u op" in body
    assert 'id="session-exercises"' not in body and "btn-begin" not in body


def test_my_exercises_and_downloads_offer_nothing_while_a_red_flag_is_open(flagged: World) -> None:
    client = client_for(flagged.patient_user)
    body = client.get(reverse("plans_my_exercises")).content.decode()
    assert "red-flag-notice" in body
    assert f'href="{reverse("plans_session")}' not in body and f'href="{reverse("plans_my_pdf")}' not in body
    assert client.get(reverse("plans_my_pdf")).status_code == 409
    assert client.get(reverse("plans_my_ics")).status_code == 409


def test_todays_programme_on_the_home_page_waits_for_the_therapist(flagged: World) -> None:
    html = todays_programme(flagged.patient, dt.date.today())
    assert html is not None and "red-flag-notice" in html
    assert f'href="{reverse("plans_session")}' not in html


def test_without_a_red_flag_the_patient_is_offered_the_session(planned: World) -> None:
    client = client_for(planned.patient_user)
    body = client.get(reverse("plans_session"), {"all": "1"}).content.decode()
    assert 'id="session-exercises"' in body and "red-flag-notice" not in body
    assert client.get(reverse("plans_my_pdf")).status_code == 200
