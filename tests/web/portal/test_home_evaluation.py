"""The patient's home never says a next evaluation is "planned around" a day that has already passed."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from rugpad.web.care.models import Episode
from tests.web.conftest import World, client_for


def _home(world: World, planned: dt.date) -> str:
    Episode.objects.filter(pk=world.episode.pk).update(next_evaluation_on=planned)
    return client_for(world.patient_user).get(reverse("patient_home"), HTTP_ACCEPT_LANGUAGE="nl").content.decode()


def test_a_planned_day_ahead_is_shown_as_planned(world: World) -> None:
    page = _home(world, timezone.localdate() + dt.timedelta(days=5))
    assert "Uw volgende evaluatie staat gepland rond" in page
    assert "nu aan de beurt" not in page


def test_a_planned_day_past_says_the_evaluation_is_due_now(world: World) -> None:
    page = _home(world, timezone.localdate() - dt.timedelta(days=3))
    assert "Uw evaluatie is nu aan de beurt" in page
    assert "gepland rond" not in page
