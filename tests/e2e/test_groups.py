"""A group programme in the browser: the clinician (1280 px) makes a group, chooses its exercises with their doses
and invites someone; the invitee joins from the mailed link on a 390 px phone, reads the programme and does a
guided session (no pain question); the clinician reads the anonymous figures of a group large enough to show them
and none for a small one. Then the same pages in French. Screenshots go to screenshots/ (groups-*.png)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail

from rugpad.web.groups.models import ExerciseGroup, GroupEntry, Participant
from tests.e2e.conftest import PHONE, follow, log_in, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "een-lang-en-ongewoon-wachtwoord 42"
WIDE = {"width": 1280, "height": 900}


def _mailed_path() -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", str(mail.outbox[-1].body))
    assert match, mail.outbox[-1].body
    return match.group(1)


def _context(browser: Any, locale: str, size: dict[str, int], mobile: bool = False) -> Iterator[Any]:
    context = browser.new_context(locale=locale, viewport=size, is_mobile=mobile, has_touch=mobile)
    context.add_init_script("window.RUGPAD_TIMESCALE = 0.005")  # the session's clock runs 200x faster
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


@pytest.fixture
def wide(browser: Any) -> Iterator[Any]:
    yield from _context(browser, "nl-NL", WIDE)


@pytest.fixture
def handheld(browser: Any) -> Iterator[Any]:
    yield from _context(browser, "nl-NL", PHONE, mobile=True)


@pytest.fixture
def french_wide(browser: Any) -> Iterator[Any]:
    yield from _context(browser, "fr-BE", WIDE)


@pytest.fixture
def french_phone(browser: Any) -> Iterator[Any]:
    yield from _context(browser, "fr-BE", PHONE, mobile=True)


def _until(page: Any, predicate: str, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not page.evaluate(predicate):
        assert time.monotonic() < deadline, f"still false after {seconds} s: {predicate}"
        page.wait_for_timeout(50)


def test_a_clinician_makes_a_group_and_the_invitee_exercises_on_a_phone(demo: str, wide: Any, handheld: Any) -> None:
    log_in(wide, demo, "anna")
    follow(wide, "header nav >> text=Groepen")
    assert "Bouwbedrijf Jansen, kantoor" in wide.inner_text("main")
    screenshot(wide, "groups-01-list")
    wide.click("text=Nieuwe groep")
    wide.click("main button[type=submit]")  # no name: refused at the field
    assert "Dit veld is verplicht." in wide.inner_text("main")
    wide.fill("#id_name", "Hockeyclub Vlaskamp")
    wide.check("input[name=kind][value=sports_club]")
    wide.click("main button[type=submit]")
    wide.wait_for_url(re.compile(r"/groups/\d+/library/"))
    wide.fill("#id_q", "brug")
    wide.click("main form.library-search button")
    wide.click("#exercise-bridge >> text=Toevoegen aan het programma")
    assert "Toegevoegd aan het programma." in wide.inner_text("main")
    wide.goto(wide.url.split("?")[0])
    wide.click("#exercise-standing-pelvic-stretch >> text=Toevoegen aan het programma")  # a caution: not yet
    assert "Vink de bevestiging aan" in wide.inner_text("main")
    wide.check("#exercise-standing-pelvic-stretch input[name=confirm_caution]")
    wide.click("#exercise-standing-pelvic-stretch >> text=Toevoegen aan het programma")
    assert "niet voor groepen" in wide.inner_text("#exercise-barbell-deadlift")
    screenshot(wide, "groups-02-library")

    group = ExerciseGroup.objects.get(name="Hockeyclub Vlaskamp")
    wide.click("text=← Hockeyclub Vlaskamp")
    bridge = group.exercises.get(exercise_id="bridge")
    wide.fill(f"#dose-{bridge.pk}-repetitions", "12")
    wide.fill(f"#dose-{bridge.pk}-rest_seconds", "")
    wide.click(f"#exercise-{bridge.pk} >> text=Dosering opslaan")
    assert "De dosering is opgeslagen." in wide.inner_text("main")
    wide.fill("#id_name", "Noor")
    wide.fill("#id_email", "noor@example.nl")
    wide.click("text=Stuur de uitnodiging")
    assert "Er is een uitnodiging gestuurd naar noor@example.nl." in wide.inner_text("main")
    assert "De cijfers verschijnen zodra minstens 5 mensen meedoen (nu 0)." in wide.inner_text("#figures")
    screenshot(wide, "groups-03-group")

    handheld.goto(demo + _mailed_path())
    assert "Hockeyclub Vlaskamp" in handheld.inner_text("main")
    screenshot(handheld, "groups-04-join-phone")
    handheld.fill("#id_password1", PASSWORD)
    handheld.fill("#id_password2", PASSWORD)
    handheld.click("main button[type=submit]")
    handheld.wait_for_url(f"{demo}/groups/me/")
    main = handheld.inner_text("main")
    assert "Welkom! U logt in met noor@example.nl." in main and "Hallo Noor" in main
    assert "Brug" in main and "12 herhalingen, 2 series" in main and "Staande bekkenrek" in main
    assert "Twijfelt u? Vraag het eerst aan uw arts." in main  # the confirmed caution, for the participant
    width = handheld.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is wider than the phone: {width}"
    screenshot(handheld, "groups-05-programme-phone")

    handheld.goto(f"{demo}/groups/me/session/?all=1")
    handheld.click("#btn-begin")
    for _ in range(2):  # the bridge: one tap per set, the rest counts down by itself; no pain question after it
        handheld.wait_for_selector("#btn-go", state="visible")
        handheld.locator("#btn-go").tap()
    handheld.wait_for_selector("#ex-name:has-text('Staande bekkenrek')")
    assert not handheld.locator("#step-rate").is_visible()
    screenshot(handheld, "groups-06-session-phone")
    handheld.locator("#btn-skip").tap()
    handheld.wait_for_selector("#step-done", state="visible")
    _until(handheld, "() => window.rugpadSession.queue().length === 0")
    screenshot(handheld, "groups-07-session-done-phone")
    participant = Participant.objects.get(email="noor@example.nl")
    entries = GroupEntry.objects.filter(session__participant=participant)
    assert sorted(entries.values_list("exercise_id", "skipped")) == [
        ("bridge", False),
        ("standing-pelvic-stretch", True),
    ]

    wide.goto(f"{demo}/groups/")
    wide.click("text=Bouwbedrijf Jansen, kantoor")
    figures = wide.inner_text("#figures")
    assert "Actief deze week" in figures and "Gedane sessies per week" in figures
    for name in ("Ellen", "Ahmed", "Joke"):
        assert name not in figures  # never a name next to activity
    screenshot(wide, "groups-08-figures")


def test_the_group_pages_in_french(demo: str, french_wide: Any, french_phone: Any) -> None:
    log_in(french_wide, demo, "anna")
    follow(french_wide, "header nav >> text=Groupes")
    french_wide.click("text=Bouwbedrijf Jansen, kantoor")
    figures = french_wide.inner_text("#figures")
    assert "Actifs cette semaine" in figures and "Séances faites par semaine" in figures
    screenshot(french_wide, "groups-09-figures-fr")
    french_wide.goto(f"{demo}/groups/")
    french_wide.click("text=Tennisclub De Lobber")
    assert "Les chiffres apparaissent dès qu" in french_wide.inner_text("#figures")
    screenshot(french_wide, "groups-10-small-group-fr")

    log_in(french_phone, demo, "ellen")
    french_phone.wait_for_url(f"{demo}/groups/me/")
    main = french_phone.inner_text("main")
    assert "Bonjour Ellen" in main and "Étirement du bassin, debout" in main and "Rappel" in main
    screenshot(french_phone, "groups-11-programme-phone-fr")
    french_phone.goto(f"{demo}/groups/me/session/?all=1")
    french_phone.click("#btn-begin")
    french_phone.wait_for_selector("#step-exercise", state="visible")
    screenshot(french_phone, "groups-12-session-phone-fr")
    french_phone.goto(f"{demo}/groups/me/leave/")
    assert "Quitter le groupe" in french_phone.inner_text("main")
    screenshot(french_phone, "groups-13-leave-phone-fr")


def test_the_group_pages_have_no_accessibility_violations(browser: Any, demo: str) -> None:
    from rugpad.web.groups.models import ExerciseGroup
    from tests.e2e.test_accessibility import AXE, Axe

    axe = Axe(AXE.read_text(encoding="utf-8"))
    group = ExerciseGroup.objects.get(name="Bouwbedrijf Jansen, kantoor")
    contexts = []
    for viewport, options in ((WIDE, {}), (PHONE, {"is_mobile": True, "has_touch": True})):
        context = browser.new_context(locale="nl-NL", viewport=viewport, bypass_csp=True, **options)
        contexts.append(context)
    clinician, participant = (context.new_page() for context in contexts)
    log_in(clinician, demo, "anna")
    axe.visit(clinician, f"{demo}/groups/", "groups-list")
    axe.visit(clinician, f"{demo}/groups/{group.pk}/", "groups-detail")
    axe.visit(clinician, f"{demo}/groups/{group.pk}/library/", "groups-library")
    axe.visit(clinician, f"{demo}/groups/new/", "groups-new")
    log_in(participant, demo, "ellen")
    axe.visit(participant, f"{demo}/groups/me/", "groups-me-phone")
    axe.visit(participant, f"{demo}/groups/me/session/?all=1", "groups-session-phone")
    axe.visit(participant, f"{demo}/groups/me/leave/", "groups-leave-phone")
    for context in contexts:
        context.close()
    axe.assert_none()
