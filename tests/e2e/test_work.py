"""The work module in the browser: Sanne fills in the workplace check and sets a break routine on a 390 px phone; the
reminder job at her first break sends exactly one reminder, without a clinical word; her therapist reviews the
check at 1280 px. Screenshots in Dutch and in French (a Belgian practice), for a person to look at."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from rugpad.web.care.models import Episode
from rugpad.web.practice.models import Practice, User
from rugpad.web.work import scheduling
from rugpad.web.work.models import BreakReminder, BreakRoutine, WorkplaceCheck
from tests.e2e.conftest import PHONE, log_in, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ANSWERS = {
    "work_kind": "Zittend werk, aan een bureau of beeldscherm",
    "chair": "Nee",
    "desk_height": "Weet ik niet",
    "screen_height": "Veel lager, bijvoorbeeld een laptop plat op tafel",
    "screen_distance": "Ongeveer een armlengte",
    "sitting_hours": "Meer dan 6 uur",
    "breaks": "Minder vaak",
    "lifting": "Nee",
    "lifting_how": "Ik til niet",
    "work_pressure": "Gemiddeld",
    "relations": "Goed",
    "satisfaction": "Tevreden",
    "absence": "Nee, ik werk zoals gewoonlijk",
}
CLINICAL_WORDS = ("oefening", "bekken", "pijn", "werkplek", "advies", "pauze", "stoel", "beeldscherm", "rode vlag")


def _context(browser: Any, locale: str, size: dict[str, int], mobile: bool = False) -> Iterator[Any]:
    context = browser.new_context(locale=locale, viewport=size, is_mobile=mobile, has_touch=mobile)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def desk(browser: Any) -> Iterator[Any]:
    """A clinician's screen, 1280 px wide, in Dutch."""
    yield from _context(browser, "nl-NL", {"width": 1280, "height": 900})


@pytest.fixture
def french_desk(browser: Any) -> Iterator[Any]:
    yield from _context(browser, "fr-BE", {"width": 1280, "height": 900})


@pytest.fixture
def french_phone(browser: Any) -> Iterator[Any]:
    yield from _context(browser, "fr-BE", PHONE, mobile=True)


def _fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _next_working_day(after: dt.date) -> dt.date:
    day = after + dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def test_the_patient_sets_up_work_on_her_phone_and_is_reminded_once_at_her_break(
    demo: str, phone: Any, desk: Any
) -> None:
    sanne = Episode.objects.get(patient__user__username="sanne")
    log_in(phone, demo, "sanne")
    phone.click("header >> text=Werk en pauzes")
    phone.wait_for_url("**/work/me/")
    _fits(phone)
    screenshot(phone, "work-01-patient-start")

    # The check: one tap per question, grouped by topic; a missing answer is named at its question.
    phone.click("text=Vul de werkplekcheck in")
    phone.wait_for_url("**/work/me/check/")
    _fits(phone)
    for question, answer in list(ANSWERS.items())[:-1]:
        phone.locator(f"#q-{question}").get_by_label(answer, exact=True).check()
    phone.click("button[type=submit] >> text=Mijn antwoorden opslaan")
    phone.wait_for_load_state()
    assert "Kies het antwoord dat het best past." in phone.locator("#q-absence").inner_text()
    screenshot(phone, "work-02-patient-check-missing-answer")
    phone.locator("#q-absence").get_by_label(ANSWERS["absence"], exact=True).check()
    with phone.expect_navigation():
        phone.click("button[type=submit] >> text=Mijn antwoorden opslaan")
    advice = phone.locator("ol.advice").inner_text()
    assert "Vraag uw werkgever om een stoel" in advice and "Zet de bovenkant van uw beeldscherm" in advice
    assert "work." not in phone.locator("main").inner_text()  # no rule ids for the patient
    assert WorkplaceCheck.objects.filter(episode=sanne).count() == 1
    _fits(phone)
    screenshot(phone, "work-03-patient-advice")

    # The break routine: Monday to Friday (ticked already), 08:30 to 17:00, a break every hour.
    phone.click("text=Mijn pauzeroutine instellen")
    phone.wait_for_url("**/work/me/breaks/")
    phone.select_option("#routine_start", "08:30")
    phone.select_option("#routine_end", "17:00")
    phone.select_option("#routine_every_minutes", label="elk uur")
    _fits(phone)
    screenshot(phone, "work-04-patient-breaks-form")
    with phone.expect_navigation():
        phone.click("button[type=submit] >> text=Opslaan")
    routine = BreakRoutine.objects.get(episode=sanne)
    assert (routine.days, f"{routine.start:%H:%M}", routine.every_minutes) == ("01234", "08:30", 60)
    breaks = phone.locator("#breaks").inner_text()
    assert "Staande bekkenrek" in breaks and "elk uur een korte pauze" in breaks
    _fits(phone)
    screenshot(phone, "work-05-patient-routine")

    # The reminder job at her first break, 09:30 on the next working day: one reminder, however often it runs.
    User.objects.filter(username="sanne").update(email="sanne@example.org")
    day = _next_working_day(timezone.localdate())
    first_break = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 32)))
    mail.outbox.clear()
    scheduling.send_break_reminders(first_break)
    scheduling.send_break_reminders(first_break + dt.timedelta(minutes=5))
    [message] = [m for m in mail.outbox if "sanne@example.org" in m.to]
    words = f"{message.subject} {message.body}".lower()
    assert [word for word in CLINICAL_WORDS if word in words] == []
    assert BreakReminder.objects.get(routine=routine).at == dt.time(9, 30)

    # Her therapist reads the check and the advice on the episode, and writes a note Sanne then reads.
    log_in(desk, demo, "anna")
    desk.goto(f"{demo}/episodes/{sanne.pk}/")
    desk.click("#work-panel >> text=Werk: check, pauzes en verslag")
    desk.wait_for_url(f"**/work/episodes/{sanne.pk}/")
    # the chair, desk, screen and sitting advice, each with its rule, source and evidence to unfold
    assert desk.locator("#advice details.rule").count() == 4
    desk.fill("#id_note", "Besproken: stoel en laptopstandaard via de werkgever aanvragen.")
    with desk.expect_navigation():
        desk.click("#advice button[type=submit]")
    assert "09:30 – per e-mail" in desk.locator("#breaks").inner_text()
    desk.locator("#advice details.rule").first.locator("summary").click()
    screenshot(desk, "work-06-clinician-review")
    phone.reload()
    assert "stoel en laptopstandaard" in phone.locator("#check").inner_text()


def test_the_work_pages_in_french_for_a_belgian_practice(demo: str, french_phone: Any, french_desk: Any) -> None:
    Practice.objects.update(country="be")
    lotte = Episode.objects.get(patient__user__username="lotte")
    log_in(french_phone, demo, "lotte")
    french_phone.goto(f"{demo}/work/me/")
    text = french_phone.locator("main").inner_text()
    assert "Conseils pour vous" in text and "Routine de pauses" in text
    _fits(french_phone)
    screenshot(french_phone, "work-07-patient-fr")
    french_phone.goto(f"{demo}/work/me/check/")
    _fits(french_phone)
    screenshot(french_phone, "work-08-patient-check-fr")

    log_in(french_desk, demo, "anna")
    french_desk.goto(f"{demo}/work/episodes/{lotte.pk}/")
    consent = french_desk.locator("#consent h2").inner_text()
    assert consent == "Consentement pour partager un rapport avec le médecin du travail"
    screenshot(french_desk, "work-09-clinician-fr")
    french_desk.locator("#reports details summary").click()
    french_desk.select_option("#report_lang", "fr")
    with french_desk.expect_navigation():
        french_desk.click("#reports button[type=submit]")
    letter = french_desk.locator("article.letter").inner_text()
    assert "Rapport pour le médecin du travail" in letter and "Bilan du poste de travail" in letter
    screenshot(french_desk, "work-10-report-fr")
