"""A clinician generates and edits a plan; the patient runs a guided session on a phone with a shortened clock, a
dropped request is retried without a duplicate, and the entries appear in the clinician's view."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import pytest

from rugpad.web.care.models import Episode
from rugpad.web.plans.models import ExerciseSetLog
from tests.e2e.conftest import PHONE, log_in, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_plan_to_guided_session_to_clinician_view(browser: Any, demo: str) -> None:
    episode = Episode.objects.get(patient__last_name="de Vries")
    clinician = browser.new_context(locale="nl-NL", viewport={"width": 1200, "height": 900})
    page = clinician.new_page()
    page.set_default_timeout(15_000)
    log_in(page, demo, "anna")
    page.goto(f"{demo}/plans/episodes/{episode.pk}/")
    page.click(f"a[href='/plans/episodes/{episode.pk}/generate/']")
    screenshot(page, "plans-01-proposal")
    assert page.locator(".proposal-item").count() >= 3, page.locator(".plan-error").all_inner_texts()
    screenshot(page, "plans-01-proposal")
    page.click("button.primary[type=submit]")
    page.wait_for_url(f"**/plans/episodes/{episode.pk}/")
    first = page.locator(".plan-item[data-ref]").filter(has=page.locator(".dose-form")).first
    ref = first.get_attribute("data-ref")
    reps = first.locator("input[name=repetitions]")
    if reps.count():
        reps.fill("6")
    else:
        first.locator("input[name=minutes]").fill("6")
    first.locator(".dose-form button[type=submit]").click()
    page.wait_for_selector(f".plan-item[data-ref='{ref}'] .dose:has-text('6')")
    page.set_viewport_size(PHONE)
    screenshot(page, "plans-02-editor-phone")

    patient = browser.new_context(locale="nl-NL", viewport=PHONE)
    phone = patient.new_page()
    phone.set_default_timeout(20_000)
    aborted: list[str] = []

    def drop_first(route: Any) -> None:
        if not aborted:
            aborted.append(route.request.post_data or "")
            route.abort()
        else:
            route.continue_()

    phone.route("**/plans/session/log/", drop_first)
    known = set(ExerciseSetLog.objects.values_list("pk", flat=True))
    log_in(phone, demo, "sanne")
    phone.goto(f"{demo}/plans/session/?all=1&timescale=0.005")
    count = int(phone.evaluate("JSON.parse(document.getElementById('session-exercises').textContent).length"))
    phone.check("input[name=settled][value=true]")
    phone.click("#btn-begin")
    screenshot(phone, "plans-03-session-phone")
    for _ in range(count):
        while not phone.locator("#step-rate").is_visible():
            if phone.locator("#btn-rep").is_visible():
                phone.click("#btn-rep")
            elif phone.locator("#btn-go").is_visible():
                phone.click("#btn-go")
            phone.wait_for_timeout(30)
        screenshot(phone, "plans-04-rate-phone")
        phone.click(".pain-choice[data-pain='2']")  # one tap: done, with the pain during the exercise
    phone.wait_for_selector("#step-done", state="visible")
    _wait_until(phone, "() => window.rugpadSession.queue().length === 0", 20.0)
    assert aborted, "the first POST was dropped"
    entries = ExerciseSetLog.objects.filter(session__patient=episode.patient).exclude(pk__in=known)
    assert set(entries.values_list("pain_during", flat=True)) == {2}
    assert entries.count() == count
    assert len(set(entries.values_list("key", flat=True))) == count
    screenshot(phone, "plans-05-done-phone")

    page.set_viewport_size({"width": 1200, "height": 900})
    page.goto(f"{demo}/plans/episodes/{episode.pk}/entries/")
    rows = page.locator("tr[data-key]")
    assert rows.count() >= count
    assert page.locator(".advice .badge").count() >= 1
    screenshot(page, "plans-06-entries")
    clinician.close()
    patient.close()


def _wait_until(page: Any, predicate: str, seconds: float = 15.0) -> None:
    """Polls a JS predicate from Python: Playwright's `wait_for_function` evaluates a string in the page, which the
    Content-Security-Policy (no 'unsafe-eval') rightly refuses."""
    from playwright.sync_api import Error as PlaywrightError

    deadline = time.monotonic() + seconds
    while True:
        try:
            if page.evaluate(predicate):
                return
        except PlaywrightError:  # the page navigated while we asked (the script reloads after sending): ask again
            pass
        assert time.monotonic() < deadline, f"still false after {seconds} s: {predicate}"
        page.wait_for_timeout(100)


def _queue_of(page: Any, user_id: int) -> list[dict[str, Any]]:
    raw = page.evaluate(f"localStorage.getItem('rugpad.session.queue.{user_id}')")
    return json.loads(raw) if raw else []


def _skip_one_offline(phone: Any, demo: str) -> str:
    """Runs a session with the server unreachable and skips the first exercise: one result waits in the queue."""
    phone.route("**/plans/session/log/", lambda route: route.abort())
    phone.goto(f"{demo}/plans/session/?all=1&timescale=0.005")
    phone.check("input[name=settled][value=true]")
    phone.click("#btn-begin")
    phone.click("#btn-skip")
    _wait_until(phone, "() => window.rugpadSession.queue().length === 1")
    phone.unroute("**/plans/session/log/")
    return str(phone.evaluate("window.rugpadSession.queue()[0].key"))


def test_the_offline_queue_belongs_to_one_login_and_survives_an_expired_session(browser: Any, demo: str) -> None:
    """On a shared phone: Sanne's unsent result is kept through an expired login and a stale token, is never sent
    while Lotte is logged in (nor is an ownerless queue of an older version), and reaches Sanne's record once she
    logs in again. Logging out with results waiting asks first and then deletes them from the phone."""
    from rugpad.web.practice.models import User

    sanne, lotte = User.objects.get(username="sanne"), User.objects.get(username="lotte")
    context = browser.new_context(locale="nl-NL", viewport=PHONE)
    phone = context.new_page()
    phone.set_default_timeout(20_000)
    posted: list[str] = []
    phone.on("request", lambda r: posted.append(r.post_data or "") if r.url.endswith("/plans/session/log/") else None)

    log_in(phone, demo, "sanne")
    key = _skip_one_offline(phone, demo)
    assert "1" in phone.inner_text("#offline-status")  # the patient sees that a result is waiting
    assert [e["key"] for e in _queue_of(phone, sanne.pk)] == [key]
    screenshot(phone, "plans-07-queue-waiting")

    # the login expires (the session cookie is gone, the CSRF cookie stays): the redirect to the login page keeps it
    cookies = context.cookies()
    context.clear_cookies()
    context.add_cookies([c for c in cookies if c["name"] != "sessionid"])
    phone.evaluate("window.rugpadSession.flush()")
    assert [e["key"] for e in _queue_of(phone, sanne.pk)] == [key]
    assert "Log opnieuw in" in phone.inner_text("#offline-status")

    # a stale CSRF token (403) keeps it too
    phone.route("**/plans/session/log/", lambda route: route.fulfill(status=403, body="CSRF"))
    phone.evaluate("window.rugpadSession.flush()")
    phone.unroute("**/plans/session/log/")
    assert [e["key"] for e in _queue_of(phone, sanne.pk)] == [key]
    assert not ExerciseSetLog.objects.filter(key=key).exists()

    # Lotte logs in on the same phone; an ownerless queue from an older script version is there as well
    legacy: dict[str, Any] = {"key": str(uuid.uuid4()), "session_key": str(uuid.uuid4())}
    legacy |= {"exercise_id": "bridge", "skipped": True}
    phone.evaluate(f"localStorage.setItem('rugpad.session.queue', JSON.stringify([{json.dumps(legacy)}]))")
    posted.clear()
    log_in(phone, demo, "lotte")
    phone.goto(f"{demo}/plans/me/")
    phone.goto(f"{demo}/plans/session/?all=1")
    phone.wait_for_timeout(1500)
    assert not any(key in body or legacy["key"] in body for body in posted), posted
    assert not ExerciseSetLog.objects.filter(key__in=[key, legacy["key"]]).exists()
    assert phone.evaluate("localStorage.getItem('rugpad.session.queue')") is None
    assert _queue_of(phone, lotte.pk) == [] and [e["key"] for e in _queue_of(phone, sanne.pk)] == [key]

    # Lotte logs out, Sanne logs in: her result is sent, under her own record
    phone.click("header form[action='/logout/'] button")
    phone.wait_for_url("**/")
    log_in(phone, demo, "sanne")
    phone.goto(f"{demo}/plans/me/")
    _wait_until(phone, "() => window.rugpadSession.queue().length === 0")
    assert ExerciseSetLog.objects.get(key=key).session.patient.user_id == sanne.pk

    # logging out with a result still waiting asks first; accepted, the result is deleted from this phone
    second = _skip_one_offline(phone, demo)
    phone.route("**/plans/session/log/", lambda route: route.abort())
    dialogs: list[str] = []

    def accept(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.accept()

    phone.on("dialog", accept)
    phone.click("header form[action='/logout/'] button")
    _wait_until(phone, "() => !document.getElementById('offline-status')")
    assert dialogs and "uitlogt" in dialogs[0]
    assert _queue_of(phone, sanne.pk) == [] and not ExerciseSetLog.objects.filter(key=second).exists()
    context.close()
