"""A Belgian practice in French, from the login page to the guided session on a 390 px phone: every page the
patient passes reads in French (no Dutch or English content shown behind a language marker, no English interface
words), the session speaks French, and the result of an exercise arrives once."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest

from rugpad.web.plans.models import ExerciseSetLog
from rugpad.web.practice.models import Practice
from tests.e2e.conftest import PHONE, do_one_exercise, log_in, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NOT_FRENCH = re.compile(
    r"\[(?:NL|EN)\] |\b(?:the|your|you|please|today|exercises|save|start|log in|password)\b", re.IGNORECASE
)
"""A content text shown in another language (its marker), or English interface words."""


@pytest.fixture
def french_phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="fr-BE", viewport=PHONE, is_mobile=True, has_touch=True)
    context.add_init_script("window.RUGPAD_TIMESCALE = 0.005")  # the session's clock runs 200x faster
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def _reads_french(page: Any, where: str) -> None:
    assert page.evaluate("document.documentElement.lang") == "fr", where
    text = page.locator("main").inner_text()
    assert not NOT_FRENCH.search(text), f"{where}: {NOT_FRENCH.search(text)!r} in {text[:400]!r}"


def test_a_belgian_patient_goes_from_login_to_the_guided_session_in_french(french_phone: Any, demo: str) -> None:
    Practice.objects.update(country="be")
    page = french_phone
    page.goto(f"{demo}/login/")
    _reads_french(page, "login")
    assert page.locator("main button[type=submit]").inner_text().strip() == "Se connecter"
    screenshot(page, "fr-01-login")

    log_in(page, demo, "sanne")
    page.goto(f"{demo}/me/")
    _reads_french(page, "home")
    assert page.locator("#contact-now a[href='tel:1733']").is_visible()  # the Belgian GP on call
    screenshot(page, "fr-02-home")

    page.goto(f"{demo}/plans/me/")
    _reads_french(page, "my exercises")
    screenshot(page, "fr-03-programme")

    known = set(ExerciseSetLog.objects.values_list("pk", flat=True))
    page.goto(f"{demo}/plans/session/?all=1")
    _reads_french(page, "session")
    assert page.locator("#btn-begin").inner_text().strip() == "Commencer"
    screenshot(page, "fr-04-session")
    do_one_exercise(page)
    for _ in range(200):
        if ExerciseSetLog.objects.exclude(pk__in=known).exists():
            break
        time.sleep(0.05)
    logged = ExerciseSetLog.objects.exclude(pk__in=known)
    assert logged.count() == 1 and logged.get().pain_during == 2
    _reads_french(page, "session after one exercise")
    screenshot(page, "fr-05-session-done")
