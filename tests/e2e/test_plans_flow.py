"""A clinician generates and edits a plan; the patient runs a guided session on a phone with a shortened clock, a
dropped request is retried without a duplicate, and the entries appear in the clinician's view."""

from __future__ import annotations

from typing import Any

import pytest

from rugpad.web.care.models import Episode
from rugpad.web.plans.models import ExerciseSetLog
from tests.e2e.conftest import log_in, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


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
        phone.click(".pain-option:has(input[value='2']) span")
        phone.check("input[name=effort][value=ok]")
        screenshot(phone, "plans-04-rate-phone")
        phone.click("#btn-save")
    phone.wait_for_selector("#step-done", state="visible")
    phone.wait_for_function("window.rugpadSession.queue().length === 0", timeout=20_000)
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
