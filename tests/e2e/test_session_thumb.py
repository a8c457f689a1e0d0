"""The guided session for a thumb, on a 390x844 phone: one tap per set and one per exercise (the pain, or too
painful / skip), the clock, the count and the main button in sight without scrolling, targets of at least 48 px,
each result arriving once; and the easier rung offered, with the therapist's rule, when the advice says so."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from rugpad.web.care.models import Episode
from rugpad.web.demo import as_user
from rugpad.web.plans import actions
from rugpad.web.plans.clinical import clinician_exercise, exercise_library
from rugpad.web.plans.models import ExerciseSetLog, TreatmentPlan
from tests.e2e.conftest import PHONE, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots")
PROGRAMME = ("bird-dog", "dead-bug", "cat-camel", "walking-programme")
"""Holds in two sets (per side), repetitions in two sets, repetitions in one set, minutes: every kind of dose."""


def _give_programme(refs: tuple[str, ...]) -> Episode:
    episode = Episode.objects.get(patient__last_name="de Vries")
    library = exercise_library()
    specs = [clinician_exercise(library[ref], "allowed") for ref in refs]
    clinician = episode.patient.clinician
    assert clinician is not None
    actions.do_save_version(
        as_user(clinician), episode, specs, change="programme for the session test", confirm=set(refs)
    )
    return episode


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def _in_sight(page: Any, selector: str) -> dict[str, float]:
    """The element's box on screen; asserts it lies wholly inside the viewport with the page scrolled to the top."""
    box = page.evaluate(
        "(s) => { const r = document.querySelector(s).getBoundingClientRect();"
        " return {top: r.top, bottom: r.bottom, width: r.width, height: r.height, y: window.scrollY}; }",
        selector,
    )
    assert box["height"] > 0, f"{selector} is not shown"
    assert box["y"] == 0 and box["top"] >= 0 and box["bottom"] <= PHONE["height"], f"{selector} out of sight: {box}"
    return box


def _wait_visible(page: Any, selector: str, seconds: float = 20.0) -> None:
    page.wait_for_selector(selector, state="visible", timeout=seconds * 1000)


def _until(page: Any, predicate: str, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not page.evaluate(predicate):
        assert time.monotonic() < deadline, f"still false after {seconds} s: {predicate}"
        page.wait_for_timeout(50)


def _patient_phone(browser: Any, demo: str) -> tuple[Any, Any, list[tuple[str, int]]]:
    context = browser.new_context(locale="nl-NL", viewport=PHONE, is_mobile=True, has_touch=True)
    phone = context.new_page()
    phone.set_default_timeout(20_000)
    answers: list[tuple[str, int]] = []
    phone.on(
        "response",
        lambda r: (
            answers.append((r.request.post_data or "", r.status)) if r.url.endswith("/plans/session/log/") else None
        ),
    )
    log_in(phone, demo, "sanne")
    return context, phone, answers


def test_a_four_exercise_session_takes_one_tap_per_set_and_one_per_exercise(browser: Any, demo: str) -> None:
    episode = _give_programme(PROGRAMME)
    known = set(ExerciseSetLog.objects.values_list("pk", flat=True))
    context, phone, answers = _patient_phone(browser, demo)
    phone.goto(f"{demo}/plans/session/?all=1&timescale=0.005")
    exercises = json.loads(phone.locator("#session-exercises").text_content())
    assert [e["exercise_id"] for e in exercises] == list(PROGRAMME)
    assert not phone.locator("#opt-pace").is_checked(), "the paced count is off until the patient wants it"
    _shot(phone, "session-thumb-01-start")
    _in_sight(phone, "#btn-begin")
    phone.click("#btn-begin")  # starting the session (the morning question is optional)

    taps = 0
    pains = [1, 2, 3, 4]
    for number, exercise in enumerate(exercises):
        _wait_visible(phone, "#step-exercise")
        assert phone.locator("#ex-name").text_content() == exercise["name"]
        for selector in ("#ex-progress", "#ex-clock", "#ex-phase", "#btn-go"):
            _in_sight(phone, selector)
        if number == 0:
            _shot(phone, "session-thumb-02-exercise")
            for selector in ("#btn-go", "#btn-painful", "#btn-skip"):
                box = phone.locator(selector).bounding_box()
                assert box["height"] >= 48 and box["width"] >= 48, (selector, box)
        taps_here = 0
        while not phone.locator("#step-rate").is_visible():
            if phone.locator("#btn-go").is_visible():
                phone.locator("#btn-go").tap()
                taps_here += 1
            else:
                phone.wait_for_timeout(20)
        if number == 0:
            _shot(phone, "session-thumb-03-rate")
            for choice in phone.locator(".pain-choice").all():
                box = choice.bounding_box()
                assert box["height"] >= 48 and box["width"] >= 48, box
            _in_sight(phone, ".pain-choice[data-pain='10']")
            _in_sight(phone, "#btn-rate-painful")
            _in_sight(phone, "#btn-rate-skip")
        phone.locator(f".pain-choice[data-pain='{pains[number]}']").tap()
        taps_here += 1
        assert taps_here <= exercise["sets"] + 1, (exercise["exercise_id"], taps_here)
        taps += taps_here

    _wait_visible(phone, "#step-done")
    _until(phone, "() => window.rugpadSession.queue().length === 0")
    _shot(phone, "session-thumb-04-done")
    assert taps <= sum(e["sets"] for e in exercises) + len(exercises)
    entries = ExerciseSetLog.objects.filter(session__patient=episode.patient).exclude(pk__in=known)
    assert sorted(entries.values_list("exercise_id", "pain_during", "skipped")) == sorted(
        (ref, pain, False) for ref, pain in zip(PROGRAMME, pains, strict=True)
    )
    assert {e.sets_done for e in entries} == {1, 2}
    assert [status for _body, status in answers] == [201] * 4, "each result arrives once"
    context.close()


def test_too_painful_records_the_pain_and_skip_records_a_skip(browser: Any, demo: str) -> None:
    episode = _give_programme(("cat-camel", "walking-programme"))
    known = set(ExerciseSetLog.objects.values_list("pk", flat=True))
    context, phone, _answers = _patient_phone(browser, demo)
    phone.goto(f"{demo}/plans/session/?all=1&timescale=0.005")
    phone.click("#btn-begin")
    _wait_visible(phone, "#step-exercise")
    phone.locator("#btn-painful").tap()  # it hurts during the exercise
    _wait_visible(phone, "#step-rate")
    assert "te pijnlijk" in phone.locator("#rate-legend").text_content().lower()
    assert phone.locator("#btn-rate-painful").is_hidden()
    phone.locator(".pain-choice[data-pain='8']").tap()
    _wait_visible(phone, "#step-exercise")
    phone.locator("#btn-go").tap()
    _wait_visible(phone, "#step-rate")
    phone.locator("#btn-rate-skip").tap()
    _wait_visible(phone, "#step-done")
    _until(phone, "() => window.rugpadSession.queue().length === 0")
    entries = ExerciseSetLog.objects.filter(session__patient=episode.patient).exclude(pk__in=known)
    assert sorted(entries.values_list("exercise_id", "skipped", "pain_during")) == [
        ("cat-camel", False, 8),
        ("walking-programme", True, None),
    ]
    context.close()


def test_the_paced_count_ends_each_set_by_itself(browser: Any, demo: str) -> None:
    episode = _give_programme(("dead-bug",))
    known = set(ExerciseSetLog.objects.values_list("pk", flat=True))
    context, phone, _answers = _patient_phone(browser, demo)
    phone.goto(f"{demo}/plans/session/?all=1&timescale=0.01")
    phone.click("details.options summary")
    phone.check("#opt-pace")
    phone.click("#btn-begin")
    counts: set[str] = set()
    taps = 0
    while not phone.locator("#step-rate").is_visible():
        if phone.locator("#btn-go").is_visible():
            phone.locator("#btn-go").tap()
            taps += 1
        counts.add(phone.locator("#ex-clock").text_content() or "")
        phone.wait_for_timeout(15)
    assert taps == 2  # "start set 1", "start set 2": the count ends each set
    assert any(c.endswith("/ 16") and not c.startswith("0 ") for c in counts), counts  # 8 per side, counted
    phone.locator(".pain-choice[data-pain='0']").tap()
    _until(phone, "() => window.rugpadSession.queue().length === 0")
    entry = ExerciseSetLog.objects.filter(session__patient=episode.patient).exclude(pk__in=known).get()
    assert (entry.sets_done, entry.reps_done) == (2, 32)
    context.close()


def test_the_easier_rung_is_offered_with_the_rule_when_the_pain_was_too_high(browser: Any, demo: str) -> None:
    episode = _give_programme(("cat-camel",))
    plan = TreatmentPlan.objects.get(episode=episode)
    item = plan.current().ordered_items().get(ref="cat-camel")  # type: ignore[union-attr]
    now = timezone.now()
    actions.do_log_entry(
        as_user(episode.patient.user),  # type: ignore[arg-type]
        episode.patient,
        plan,
        {"key": uuid.uuid4(), "session_key": uuid.uuid4(), "item_id": item.pk, "exercise_id": "cat-camel",
         "sets_done": 1, "pain_during": 8, "settled_since_last": True, "started_at": now, "done_at": now},
    )  # fmt: skip
    known = set(ExerciseSetLog.objects.values_list("pk", flat=True))
    context, phone, _answers = _patient_phone(browser, demo)
    phone.goto(f"{demo}/plans/session/?all=1&timescale=0.005")
    phone.click("#btn-begin")
    offer = phone.locator(f"[data-offer-for='{item.pk}']")
    _wait_visible(phone, f"[data-offer-for='{item.pk}']")
    assert "Bekken kantelen in ruglig" in offer.locator("[data-variant]").text_content()
    offer.locator("summary").tap()
    why = offer.locator(".why").text_content()
    assert "hoger dan 5 op 10" in why and "prog-pain-above-limit" in why
    _shot(phone, "session-thumb-05-offer")
    offer.locator("[data-variant]").tap()
    assert phone.locator("#ex-name").text_content() == "Bekken kantelen in ruglig"
    phone.locator("#btn-go").tap()
    _wait_visible(phone, "#step-rate")
    phone.locator(".pain-choice[data-pain='2']").tap()
    _until(phone, "() => window.rugpadSession.queue().length === 0")
    entry = ExerciseSetLog.objects.filter(session__patient=episode.patient).exclude(pk__in=known).get()
    assert (entry.exercise_id, entry.item_id, entry.pain_during) == ("pelvic-tilt", item.pk, 2)
    context.close()
