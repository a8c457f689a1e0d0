"""The 30-second diary on a 390x844 phone: the daily basics (pain now, exercises done) are on the first screen and
stored in three taps; the alarm questions stay in sight below them and the rest waits, folded away."""

from __future__ import annotations

from typing import Any

import pytest

from rugpad.web.portal.models import DiaryEntry
from tests.e2e.conftest import PHONE, log_in, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_basics_are_stored_in_three_taps_from_the_first_screen(phone: Any, demo: str) -> None:
    log_in(phone, demo, "sanne")
    phone.goto(f"{demo}/portal/diary/")
    screenshot(phone, "diary-quick-01-first-screen")
    first_screen = [phone.locator("#id_pain_now"), phone.locator("#id_exercises"), phone.locator("#diary-save")]
    for part in first_screen:  # no scrolling needed for the basics
        box = part.bounding_box()
        assert box is not None and box["y"] + box["height"] <= PHONE["height"], part
    assert phone.locator("#alarm-questions").is_visible()  # never folded away
    assert phone.locator("#alarm-questions input[name=alarms]").count() >= 10
    assert not phone.locator("#id_sleep_quality").is_visible()  # the optional part starts folded
    known = set(DiaryEntry.objects.values_list("pk", flat=True))

    taps = 0

    def tap(selector: str) -> None:
        nonlocal taps
        phone.locator(selector).tap()
        taps += 1

    tap("label[for=id_pain_now_3]")
    tap("#id_exercises label:has-text('Deels')")
    tap("#diary-save")
    phone.wait_for_url("**/portal/diary/*/")
    screenshot(phone, "diary-quick-02-saved")

    assert taps <= 3
    entry = DiaryEntry.objects.exclude(pk__in=known).get()
    assert (entry.pain_now, entry.exercises, entry.alarms, entry.key is not None) == (3, "partly", [], True)
    assert entry.patient.user is not None and entry.patient.user.username == "sanne"
