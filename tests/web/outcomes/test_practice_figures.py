"""The practice outcome dashboard reads the figures of today once they are counted (`outcomes.figures`): a later
view the same day reads them, the page says when they were counted, its button counts again, a stored day that is
over is counted again on the first view, and the nightly job counts every practice's default period."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from rugpad.web.audit.models import AuditEvent
from rugpad.web.outcomes import clock, figures
from rugpad.web.outcomes.models import PracticeFigures
from rugpad.web.outcomes.practice_dashboard import Period, practice_groups
from rugpad.web.outcomes.tasks import compute_practice_figures
from tests.web.conftest import client_for
from tests.web.outcomes.helpers import fill
from tests.web.outcomes.test_practice_dashboard import STARTED, TODAY, Practice, _patient, practice

__all__ = ["practice"]

PATIENTS = 'data-key="patients">{}<'


def _more(built: Practice, n: int) -> None:
    for index in range(n):
        episode = _patient(built.world.clinician, f"Later{index}", "neck")
        fill(built.world.clinician, episode, "ndi", {str(i): 1 for i in range(1, 11)}, STARTED)


def test_a_later_view_reads_the_figures_of_today_until_they_are_counted_again(practice: Practice) -> None:
    client = client_for(practice.world.admin)
    first = client.get(reverse("outcomes_practice")).content.decode()
    assert PATIENTS.format(10) in first and "Cijfers berekend op" in first
    _more(practice, 2)
    assert PATIENTS.format(10) in client.get(reverse("outcomes_practice")).content.decode()  # today's figures
    again = client.post(reverse("outcomes_practice"))
    assert again.status_code == 302 and again["Location"].startswith(reverse("outcomes_practice") + "?start=")
    assert PATIENTS.format(12) in client.get(again["Location"]).content.decode()
    summaries = list(AuditEvent.objects.filter(action="list").values_list("summary", flat=True))
    assert any(s.startswith("practice outcome dashboard, computed again") for s in summaries)


def test_figures_of_an_earlier_day_are_counted_again_on_the_first_view(practice: Practice) -> None:
    client = client_for(practice.world.admin)
    client.get(reverse("outcomes_practice"))
    _more(practice, 1)
    PracticeFigures.objects.update(computed_on=TODAY - dt.timedelta(days=1))
    assert PATIENTS.format(11) in client.get(reverse("outcomes_practice")).content.decode()
    assert PracticeFigures.objects.get().computed_on == TODAY


def test_each_period_has_figures_of_its_own_and_the_csv_reads_them(practice: Practice) -> None:
    client = client_for(practice.world.admin)
    client.get(reverse("outcomes_practice"))
    query = {"start": (TODAY - dt.timedelta(days=30)).isoformat(), "end": TODAY.isoformat()}
    assert client.get(reverse("outcomes_practice"), query).status_code == 200
    assert PracticeFigures.objects.count() == 2
    _more(practice, 1)
    assert client.get(reverse("outcomes_practice_csv")).content.decode().count("\n") > 1
    assert PracticeFigures.objects.count() == 2  # the CSV read the default period's stored figures


def test_stored_figures_are_exactly_the_counted_ones(practice: Practice) -> None:
    period = Period.default(TODAY)
    counted = practice_groups(practice.world.practice.pk, period, TODAY)
    assert figures.from_json(figures.to_json(counted)) == counted
    stored, _at = figures.figures(practice.world.practice.pk, period, TODAY)
    read, _at = figures.figures(practice.world.practice.pk, period, TODAY)
    assert stored == read == counted


def test_the_nightly_job_counts_every_practices_default_period(practice: Practice) -> None:
    client_for(practice.world.admin).get(reverse("outcomes_practice"), {"start": "2026-01-01", "end": "2026-03-31"})
    PracticeFigures.objects.update(computed_on=TODAY - dt.timedelta(days=1))  # a period asked for yesterday
    assert compute_practice_figures.call_local() == 2  # the world has two practices
    period = Period.default(clock.today())
    rows = PracticeFigures.objects.order_by("practice_id")
    assert [(r.start, r.end, r.computed_on) for r in rows] == [(period.start, period.end, TODAY)] * 2
    _more(practice, 1)
    compute_practice_figures.call_local()
    html = client_for(practice.world.admin).get(reverse("outcomes_practice")).content.decode()
    assert PATIENTS.format(11) in html


@pytest.mark.parametrize("who", ["patient_user", "other_clinician"])
def test_only_the_practice_staff_count_their_own_practice_again(practice: Practice, who: str) -> None:
    client_for(practice.world.admin).get(reverse("outcomes_practice"))
    _more(practice, 1)
    answer = client_for(getattr(practice.world, who)).post(reverse("outcomes_practice"))
    assert answer.status_code == (404 if who == "patient_user" else 302)
    assert PATIENTS.format(10) in client_for(practice.world.admin).get(reverse("outcomes_practice")).content.decode()
