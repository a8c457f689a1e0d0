"""The patient app without a connection, on a 390x844 phone: after one visit online the guided session opens
offline, a set done offline waits on the phone and arrives exactly once when the connection is back; a diary
entry made offline does the same; signing out leaves none of the patient's pages on the device, and a clinician's
pages are never kept."""

from __future__ import annotations

import time
from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError

from rugpad.web.care.models import RedFlag
from rugpad.web.plans.models import ExerciseSetLog
from rugpad.web.portal.models import DiaryEntry
from tests.e2e.conftest import PHONE, do_one_exercise, log_in, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

KEPT_PAGES = "async () => (await caches.keys()).filter((name) => name.startsWith('rugpad-pages-'))"
KEPT_URLS = """async () => {
  const names = (await caches.keys()).filter((name) => name.startsWith('rugpad-pages-'));
  const urls = [];
  for (const name of names) for (const r of await (await caches.open(name)).keys()) urls.push(new URL(r.url).pathname);
  return urls;
}"""


def _until(check: Any, what: str, tries: int = 300) -> Any:
    """Polls from Python (the page's CSP blocks Playwright's string predicates)."""
    for _ in range(tries):
        result = check()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError(f"never happened: {what}")


@pytest.fixture
def phone_context(browser: Any) -> Any:
    context = browser.new_context(locale="nl-NL", viewport=PHONE, is_mobile=True, has_touch=True)
    context.add_init_script("window.RUGPAD_TIMESCALE = 0.005")  # the session's clock runs 200x faster
    yield context
    context.close()


def _kept(page: Any) -> None:
    _until(lambda: page.get_attribute("html", "data-offline-state") == "kept", "the worker kept the pages")


def test_the_session_opens_offline_and_its_result_arrives_once(phone_context: Any, demo: str) -> None:
    page = phone_context.new_page()
    page.set_default_timeout(20_000)
    log_in(page, demo, "sanne")
    page.goto(f"{demo}/plans/session/?all=1")
    _kept(page)
    kept = page.evaluate(KEPT_URLS)
    assert {"/me/", "/plans/session/", "/plans/me/", "/portal/diary/"} <= set(kept), kept
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    known = set(ExerciseSetLog.objects.values_list("pk", flat=True))

    phone_context.set_offline(True)
    page.reload()
    assert page.locator("#btn-begin").is_visible()  # the session page, from the phone itself
    screenshot(page, "offline-01-session")
    do_one_exercise(page)
    _until(lambda: page.evaluate("window.rugpadSession.queue().length") == 1, "the result waits on the phone")
    assert not ExerciseSetLog.objects.exclude(pk__in=known).exists()
    page.goto(f"{demo}/me/")  # the patient's home opens offline too
    assert page.locator("#diary-button").is_visible()
    screenshot(page, "offline-02-home")
    with pytest.raises(PlaywrightError):  # the phone is really offline: a page it did not keep does not open
        page.goto(f"{demo}/account/password/")

    phone_context.set_offline(False)
    page.goto(f"{demo}/plans/session/?all=1")  # any page of the patient sends what waits
    _until(lambda: ExerciseSetLog.objects.exclude(pk__in=known).count() == 1, "the result arrived")
    _until(lambda: page.evaluate("window.rugpadSession.queue().length") == 0, "the queue is empty")
    page.reload()
    page.evaluate("window.rugpadSession.flush()")
    assert ExerciseSetLog.objects.exclude(pk__in=known).count() == 1  # exactly once


def test_a_diary_entry_made_offline_arrives_once(phone_context: Any, demo: str) -> None:
    page = phone_context.new_page()
    page.set_default_timeout(20_000)
    log_in(page, demo, "sanne")
    page.goto(f"{demo}/portal/diary/")
    _kept(page)
    known = set(DiaryEntry.objects.values_list("pk", flat=True))

    phone_context.set_offline(True)
    page.reload()
    page.tap("label[for=id_pain_now_6]")
    page.tap("#id_exercises label:has-text('Nee')")
    page.tap("#diary-save")
    assert page.locator("#diary-queued").is_visible()
    assert not page.locator("#diary-offline-alarm").is_visible()  # nothing ticked: no alarm text
    screenshot(page, "offline-03-diary-queued")
    assert page.evaluate("window.rugpadDiary.queue().length") == 1
    assert not DiaryEntry.objects.exclude(pk__in=known).exists()

    phone_context.set_offline(False)
    _until(lambda: DiaryEntry.objects.exclude(pk__in=known).count() == 1, "the entry arrived")
    entry = DiaryEntry.objects.exclude(pk__in=known).get()
    assert (entry.pain_now, entry.exercises) == (6, "no")
    _until(lambda: page.evaluate("window.rugpadDiary.queue().length") == 0, "the queue is empty")
    page.reload()
    page.evaluate("window.rugpadDiary.flush()")
    assert DiaryEntry.objects.exclude(pk__in=known).count() == 1  # exactly once


def test_an_alarm_ticked_offline_shows_whom_to_contact_at_once(phone_context: Any, demo: str) -> None:
    page = phone_context.new_page()
    log_in(page, demo, "sanne")
    page.goto(f"{demo}/portal/diary/")
    _kept(page)
    phone_context.set_offline(True)
    page.reload()
    page.tap("label[for=id_pain_now_4]")
    page.check("input[name=alarms][value=bladder]")
    page.locator("#diary-form button[type=submit]").last.tap()
    assert page.locator("#diary-offline-alarm").is_visible()
    screenshot(page, "offline-04-diary-alarm")

    phone_context.set_offline(False)  # sent at once: the page opens the entry with what the practice's rules say
    page.wait_for_url("**/portal/diary/*/")
    assert page.locator("#alarm").is_visible()
    entry = DiaryEntry.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[1]))
    assert entry.alarms == ["bladder"] and entry.alarm_flags
    assert RedFlag.objects.filter(episode=entry.episode, reference=f"diary:{entry.pk}").exists()


def test_signing_out_leaves_no_pages_and_a_clinician_s_are_never_kept(phone_context: Any, demo: str) -> None:
    page = phone_context.new_page()
    log_in(page, demo, "sanne")
    page.goto(f"{demo}/me/")
    _kept(page)
    assert len(page.evaluate(KEPT_PAGES)) == 1
    page.click("header form[action='/logout/'] button")
    page.wait_for_url("**/login/**")
    _until(lambda: page.evaluate(KEPT_PAGES) == [], "the patient's pages are gone")

    log_in(page, demo, "anna")  # a clinician on the same browser
    page.goto(f"{demo}/patients/")
    _until(lambda: page.get_attribute("html", "data-offline-state") == "cleared", "the clinician's page cleared")
    assert page.evaluate(KEPT_PAGES) == []
