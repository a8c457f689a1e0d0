"""Adherence per week comes from the guided sessions when the episode has a plan."""

from __future__ import annotations

import pytest
from django.utils import timezone

from rugpad.web.care.models import Episode
from rugpad.web.outcomes.queries import adherence_weeks
from rugpad.web.plans.queries import weekly_adherence

pytestmark = pytest.mark.usefixtures("committed_demo")  # the demo, loaded once for the module


@pytest.mark.django_db
def test_a_planned_episode_reports_exercises_done_of_those_planned() -> None:
    today = timezone.localdate()
    episode = Episode.objects.get(patient__last_name="de Vries")  # the demo gives her a plan and logged sessions
    weeks = weekly_adherence(episode, today)
    assert weeks and all(0 <= percent <= 100 for _, percent in weeks)
    assert any(percent > 0 for _, percent in weeks)
    title, labelled = adherence_weeks(episode, today)
    assert "xercise" in title or "efening" in title
    assert [percent for _, percent in labelled] == [percent for _, percent in weeks]


@pytest.mark.django_db
def test_without_a_plan_adherence_falls_back_to_questionnaires() -> None:
    today = timezone.localdate()
    episode = Episode.objects.get(patient__last_name="Bakker")  # red flag: no plan
    assert weekly_adherence(episode, today) == []
    title, _weeks = adherence_weeks(episode, today)
    assert "uestionnaire" in title or "ragenlijst" in title


@pytest.mark.django_db
def test_the_gp_report_form_starts_from_the_treatment_plan() -> None:
    from django.test import Client
    from django.urls import reverse

    from rugpad.web.practice.models import User

    episode = Episode.objects.get(patient__last_name="de Vries")
    client = Client()
    client.force_login(User.objects.get(username="anna"))
    form = client.get(reverse("outcomes_evaluation", args=[episode.pk])).context["report_form"]
    treatment = form.initial["treatment"]
    assert "begeleide oefensessies" in treatment  # the guided sessions she logged
    assert treatment.count("\n- ") >= 1  # one line per technique, exercise or education item
