"""The clinician's plan editor: versions, proposals, refusals and confirmations, bad doses."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from rugpad.web.audit.models import AuditEvent
from rugpad.web.care import actions as care_actions
from rugpad.web.demo import as_user
from rugpad.web.plans.models import PlanItem, PlanVersion
from tests.web.conftest import World, client_for
from tests.web.plans.conftest import current


def test_every_save_makes_a_new_version_and_keeps_the_old_one(planned: World) -> None:
    first = current(planned)
    bridge = first.items.get(ref="bridge")
    response = client_for(planned.clinician).post(
        reverse("plans_edit_dose", args=[planned.episode.pk, bridge.pk]),
        {"repetitions": 12, "sets": 3, "days_per_week": 3},
    )
    assert response.status_code == 302
    second = current(planned)
    assert second.number == first.number + 1
    assert second.items.get(ref="bridge").repetitions == 12
    first.refresh_from_db()
    assert first.items.get(ref="bridge").repetitions != 12 or first.items.get(ref="bridge").repetitions is None
    assert PlanVersion.objects.filter(plan=second.plan).count() == 2
    assert second.created_by == planned.clinician and "dose changed" in second.change


def test_removing_an_item_saves_a_version_without_it(planned: World) -> None:
    item = current(planned).items.get(ref="cat-camel")
    client_for(planned.clinician).post(reverse("plans_remove_item", args=[planned.episode.pk, item.pk]))
    assert list(current(planned).items.values_list("ref", flat=True)) == ["bridge"]


def test_an_item_of_an_old_version_cannot_be_edited(planned: World) -> None:
    old = current(planned).items.get(ref="bridge")
    client_for(planned.clinician).post(reverse("plans_remove_item", args=[planned.episode.pk, old.pk]))
    response = client_for(planned.clinician).post(reverse("plans_remove_item", args=[planned.episode.pk, old.pk]))
    assert response.status_code == 404


def test_a_bad_dose_is_refused_next_to_the_field_and_nothing_is_saved(planned: World) -> None:
    bridge = current(planned).items.get(ref="bridge")
    before = PlanVersion.objects.count()
    response = client_for(planned.clinician).post(
        reverse("plans_edit_dose", args=[planned.episode.pk, bridge.pk]), {"repetitions": 0, "sets": 3}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert f'id="dose-{bridge.pk}-repetitions"' in body and "errorlist" in body
    assert PlanVersion.objects.count() == before


def test_a_dose_without_frequency_is_refused_by_the_core(planned: World) -> None:
    bridge = current(planned).items.get(ref="bridge")
    response = client_for(planned.clinician).post(
        reverse("plans_edit_dose", args=[planned.episode.pk, bridge.pk]), {"repetitions": 10, "sets": 2}
    )
    assert response.status_code == 400
    assert "times_per_day and/or days_per_week" in response.content.decode()


def test_a_contraindicated_exercise_is_refused_with_the_reason(planned: World) -> None:
    care_actions.do_save_screening(as_user(planned.clinician), planned.episode, ["recent_surgery"], notes="")
    before = PlanVersion.objects.count()
    response = client_for(planned.clinician).post(
        reverse("plans_add_exercise", args=[planned.episode.pk]), {"exercise": "romanian-deadlift"}
    )
    assert response.status_code == 400
    assert "contra" in response.content.decode().lower()
    assert PlanVersion.objects.count() == before


def test_a_caution_exercise_needs_the_confirmation_which_is_logged(planned: World) -> None:
    client = client_for(planned.clinician)
    url = reverse("plans_add_exercise", args=[planned.episode.pk])
    before = PlanVersion.objects.count()
    refused = client.post(url, {"exercise": "chin-nod-lying"})  # a neck exercise for a low back: caution
    assert refused.status_code == 400 and PlanVersion.objects.count() == before
    accepted = client.post(url, {"exercise": "chin-nod-lying", "confirm_caution": "on"})
    assert accepted.status_code == 302
    item = current(planned).items.get(ref="chin-nod-lying")
    assert item.suitability == "caution"
    assert item.caution_confirmed_by == planned.clinician and item.caution_confirmed_at is not None
    assert AuditEvent.objects.filter(summary__contains="caution confirmed for exercise chin-nod-lying").exists()


def test_the_confirmation_stays_with_the_item_in_later_versions(planned: World) -> None:
    client = client_for(planned.clinician)
    client.post(
        reverse("plans_add_exercise", args=[planned.episode.pk]),
        {"exercise": "chin-nod-lying", "confirm_caution": "on"},
    )
    bridge = current(planned).items.get(ref="bridge")
    client.post(reverse("plans_remove_item", args=[planned.episode.pk, bridge.pk]))
    assert current(planned).items.get(ref="chin-nod-lying").caution_confirmed_by == planned.clinician


def test_generate_shows_why_each_item_is_proposed_and_accept_saves_it(planned: World) -> None:
    client = client_for(planned.clinician)
    url = reverse("plans_generate", args=[planned.other_episode.pk])
    assert client.get(url).status_code == 404  # not this clinician's practice
    url = reverse("plans_generate", args=[planned.episode.pk])
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Regel" in body and "Bron" in body and "proposal-item" in body
    assert client.post(url).status_code == 302
    version = current(planned)
    assert version.change == "proposal accepted"
    proposed = version.items.filter(origin="proposed")
    assert proposed.filter(kind="exercise").exists() and proposed.filter(kind="education").exists()
    assert all(item.rule_id and item.source_id and item.evidence for item in proposed)


def test_no_plan_is_proposed_while_a_red_flag_is_open(planned: World) -> None:
    care_actions.do_save_screening(as_user(planned.clinician), planned.episode, ["saddle_anaesthesia"], notes="")
    response = client_for(planned.clinician).get(reverse("plans_generate", args=[planned.episode.pk]))
    assert response.status_code == 400 and "rode vlag" in response.content.decode()


def test_the_version_history_lists_every_version(planned: World) -> None:
    bridge = current(planned).items.get(ref="bridge")
    client = client_for(planned.clinician)
    client.post(reverse("plans_remove_item", args=[planned.episode.pk, bridge.pk]))
    body = client.get(reverse("plans_versions", args=[planned.episode.pk])).content.decode()
    assert 'id="v1-h"' in body and 'id="v2-h"' in body


def test_the_library_search_filters_and_shows_illustrations(planned: World) -> None:
    response = client_for(planned.clinician).get(
        reverse("plans_library", args=[planned.episode.pk]), {"region": "neck", "purpose": "strength", "q": "band"}
    )
    body = response.content.decode()
    assert 'data-exercise="band-row"' in body and "<svg" in body
    assert 'data-exercise="bridge"' not in body


def test_the_programme_pdf_names_the_exercises_and_doses(planned: World) -> None:
    response = client_for(planned.clinician).get(reverse("plans_episode_pdf", args=[planned.episode.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for item in current(planned).items.all():
        assert item.text["nl"] in text
    assert "herhalingen" in text and "112" in text  # a dose, and the contact-now signs


def test_the_calendar_repeats_weekly_until_the_plan_ends(planned: World) -> None:
    from icalendar import Calendar

    response = client_for(planned.clinician).get(reverse("plans_episode_ics", args=[planned.episode.pk]))
    calendar = Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert events and all(event["RRULE"]["FREQ"] == ["WEEKLY"] for event in events)
    summaries = " ".join(str(event["SUMMARY"]) for event in events)
    assert "Brug" in summaries


@pytest.mark.parametrize("kind", ["goal", "evaluation"])
def test_a_text_item_is_added_as_added_by_clinician(planned: World, kind: str) -> None:
    client_for(planned.clinician).post(
        reverse("plans_add_text", args=[planned.episode.pk]), {"kind": kind, "text": "Weer fietsen naar het werk"}
    )
    item = PlanItem.objects.get(versions=current(planned), kind=kind)
    assert item.origin == "clinician" and item.text == {"nl": "Weer fietsen naar het werk"}
