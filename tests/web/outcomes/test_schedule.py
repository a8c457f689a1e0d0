"""The measurement schedule on an injected clock: what falls due when, idempotent requests, next evaluation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from rugpad.web.care.models import InstrumentResponse, ResponseStatus
from rugpad.web.demo import as_user
from rugpad.web.outcomes import actions, clinical, clock
from tests.web.conftest import World, client_for
from tests.web.outcomes.helpers import ODI_40, fill


def _day(world: World, days: int) -> dt.date:
    return world.episode.started_on + dt.timedelta(days=days)


def _requested(world: World) -> set[tuple[str, str]]:
    rows = InstrumentResponse.objects.filter(episode=world.episode, status=ResponseStatus.REQUESTED)
    return {(r.moment, r.instrument) for r in rows}


def test_on_the_first_day_only_the_intake_questionnaires_are_requested(world: World) -> None:
    created = actions.do_request_due(as_user(world.clinician), world.episode, _day(world, 0))
    assert {(r.moment, r.instrument) for r in created} == {("intake", "nprs"), ("intake", "psk"), ("intake", "odi")}
    world.episode.refresh_from_db()
    assert world.episode.next_evaluation_on == _day(world, 21)


def test_the_low_back_reevaluation_falls_due_on_day_21_not_day_20(world: World) -> None:
    request = as_user(world.clinician)
    actions.do_request_due(request, world.episode, _day(world, 20))
    assert not any(moment == "reevaluation-3-4-weeks" for moment, _code in _requested(world))
    actions.do_request_due(request, world.episode, _day(world, 21))
    assert {code for moment, code in _requested(world) if moment == "reevaluation-3-4-weeks"} == {"nprs", "psk", "odi"}


def test_requesting_twice_never_sends_a_moment_twice(world: World) -> None:
    request = as_user(world.clinician)
    first = actions.do_request_due(request, world.episode, _day(world, 30))
    second = actions.do_request_due(request, world.episode, _day(world, 30))
    assert len(first) == 6 and second == []
    assert InstrumentResponse.objects.filter(episode=world.episode).count() == 6


def test_a_completed_request_is_not_sent_again(world: World) -> None:
    request = as_user(world.clinician)
    actions.do_request_due(request, world.episode, _day(world, 0))
    fill(world.clinician, world.episode, "odi", ODI_40, _day(world, 0), moment="intake")
    assert actions.do_request_due(request, world.episode, _day(world, 1)) == []


def test_a_moment_past_its_window_is_overdue_and_still_due(world: World) -> None:
    states = {s.moment.key: s.state for s in clinical.schedule_states(world.episode, _day(world, 29))}
    assert states["reevaluation-3-4-weeks"] == "overdue"
    assert states["end"] == "upcoming"
    assert {s.moment.key: s.state for s in clinical.schedule_states(world.episode, _day(world, 28))}[
        "reevaluation-3-4-weeks"
    ] == "due"


def test_questionnaires_the_clinician_filled_in_at_intake_count_for_the_intake(world: World) -> None:
    for code, answers in (("nprs", {"1": 6}), ("psk", {"1": 5, "2": 5, "3": 5}), ("odi", ODI_40)):
        fill(world.clinician, world.episode, code, answers, _day(world, 0))
    states = {s.moment.key: s.state for s in clinical.schedule_states(world.episode, _day(world, 1))}
    assert states["intake"] == "done"
    assert actions.do_request_due(as_user(world.clinician), world.episode, _day(world, 1)) == []


def test_completing_the_reevaluation_moves_the_next_evaluation_to_the_end(world: World) -> None:
    for code, answers in (("nprs", {"1": 4}), ("psk", {"1": 4, "2": 4, "3": 4}), ("odi", ODI_40)):
        fill(world.clinician, world.episode, code, answers, _day(world, 22), moment="reevaluation-3-4-weeks")
    actions.do_request_due(as_user(world.clinician), world.episode, _day(world, 23))
    world.episode.refresh_from_db()
    assert world.episode.next_evaluation_on == _day(world, 84)


def test_the_send_button_uses_the_clock_and_the_patient_sees_the_request(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clock, "today", lambda: _day(world, 21))
    response = client_for(world.clinician).post(reverse("outcomes_request_due", args=[world.episode.pk]))
    assert response.status_code == 302
    home = client_for(world.patient_user).get(reverse("patient_home"))
    assert b"ODI" in home.content or b"odi" in home.content


def test_the_episode_page_shows_due_and_overdue_moments(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: _day(world, 29))
    page = client_for(world.clinician).get(reverse("episode_detail", args=[world.episode.pk])).content.decode()
    assert 'id="outcomes-panel"' in page
    assert "Herbeoordeling na 3 tot 4 weken" in page and 'class="state overdue"' in page
    assert "reevaluation-3-4-weeks" not in page  # the moment's name, not its key
