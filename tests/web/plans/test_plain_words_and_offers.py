"""The plans pages in plain words (change notes, exercise names in the log, condition tags, evidence), and the
session's offer of the easier or harder rung, which follows the progression advice and never a caution."""

from __future__ import annotations

import uuid
from dataclasses import replace

from django.urls import reverse
from django.utils import timezone

from rugpad.core.vocab import Lang
from rugpad.web.demo import as_user
from rugpad.web.plans import actions
from rugpad.web.plans.clinical import clinician_exercise, exercise_library
from rugpad.web.plans.models import TreatmentPlan
from rugpad.web.plans.queries import change_text
from tests.web.conftest import World, client_for
from tests.web.plans.conftest import current


def test_change_notes_read_in_the_readers_language_with_names() -> None:
    assert change_text("proposal accepted", Lang.NL) == "voorstel overgenomen"
    assert (
        change_text("dose changed: bird-dog", Lang.NL) == "dosering gewijzigd: Viervoetsstand met arm en been strekken"
    )
    assert change_text("exercise added: bird-dog", Lang.EN) == "added: exercise (Bird-dog)"
    assert change_text("exercise removed: cat-camel", Lang.NL) == "verwijderd: oefening (Kat en koe)"
    assert change_text("something else", Lang.NL) == "something else"


def test_the_editor_and_history_show_no_stored_change_note(planned: World) -> None:
    client = client_for(planned.clinician)
    client.post(reverse("plans_generate", args=[planned.episode.pk]))
    for name in ("plans_episode", "plans_versions"):
        body = client.get(reverse(name, args=[planned.episode.pk])).content.decode()
        assert "proposal accepted" not in body and "voorstel overgenomen" in body


def _log(world: World, ref: str, pain: int) -> None:
    plan = TreatmentPlan.objects.get(episode=world.episode)
    item = current(world).ordered_items().get(ref=ref)
    now = timezone.now()
    actions.do_log_entry(
        as_user(world.patient_user), world.patient, plan,
        {"key": uuid.uuid4(), "session_key": uuid.uuid4(), "item_id": item.pk, "exercise_id": ref, "sets_done": 1,
         "pain_during": pain, "settled_since_last": True, "started_at": now, "done_at": now},
    )  # fmt: skip


def test_the_exercise_log_names_the_exercise_not_its_id(planned: World) -> None:
    _log(planned, "cat-camel", 2)
    body = client_for(planned.clinician).get(reverse("plans_entries", args=[planned.episode.pk])).content.decode()
    assert "<td>Kat en koe</td>" in body and "<td>cat-camel</td>" not in body


def test_the_session_offers_the_easier_rung_after_too_much_pain_with_the_rule(planned: World) -> None:
    _log(planned, "cat-camel", 8)
    body = client_for(planned.patient_user).get(reverse("plans_session") + "?all=1").content.decode()
    assert "Doe vandaag de makkelijkere variant: Bekken kantelen in ruglig" in body
    assert "prog-pain-above-limit" in body and "hoger dan 5 op 10" in body
    assert "Instellingen voor pijnmonitoring bij het oefenen" in body  # the rule's source, rugpad's words in Dutch
    assert '"exercise_id": "pelvic-tilt"' in body


def test_no_rung_is_offered_while_the_pain_stays_within_the_limit(planned: World) -> None:
    _log(planned, "cat-camel", 2)
    body = client_for(planned.patient_user).get(reverse("plans_session") + "?all=1").content.decode()
    assert "data-variant" not in body


def test_the_harder_rung_is_offered_when_the_dose_is_at_its_cap(planned: World) -> None:
    library = exercise_library()
    capped = clinician_exercise(library["knee-to-chest"], "allowed")
    dose = replace(library["knee-to-chest"].dose, hold_seconds=30)  # the practice's cap: 30 seconds
    actions.do_save_version(as_user(planned.clinician), planned.episode, [capped.with_dose(dose)], change="test")
    _log(planned, "knee-to-chest", 1)
    body = client_for(planned.patient_user).get(reverse("plans_session") + "?all=1").content.decode()
    assert "Doe vandaag de zwaardere variant: Beide knieën naar de borst" in body and "prog-dose-at-cap" in body
