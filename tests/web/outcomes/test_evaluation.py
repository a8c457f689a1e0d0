"""The evaluation page: change, MCID and clinical importance per instrument, responder status, the decision rule."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.urls import reverse

from rugpad import engine
from rugpad.core.vocab import Lang
from rugpad.web.outcomes import clinical, clock
from tests.web.conftest import World, client_for
from tests.web.outcomes.helpers import ODI_20, ODI_36, ODI_40, fill


@pytest.fixture
def at_week_4(world: World, monkeypatch: pytest.MonkeyPatch) -> dt.date:
    today = world.episode.started_on + dt.timedelta(days=28)
    monkeypatch.setattr(clock, "today", lambda: today)
    return today


def _page(world: World) -> str:
    response = client_for(world.clinician).get(reverse("outcomes_evaluation", args=[world.episode.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_an_important_pain_change_and_an_unimportant_function_change_are_told_apart(
    world: World, at_week_4: dt.date
) -> None:
    start = world.episode.started_on
    fill(world.clinician, world.episode, "nprs", {"1": 8}, start)
    fill(world.clinician, world.episode, "nprs", {"1": 3}, at_week_4)
    fill(world.clinician, world.episode, "odi", ODI_40, start)
    fill(world.clinician, world.episode, "odi", ODI_36, at_week_4)
    changes = {c.instrument: c for c in clinical.evaluate(world.episode, at_week_4).changes}
    assert changes["nprs"].clinically_important is True and changes["nprs"].points == -5
    assert changes["odi"].clinically_important is False
    page = _page(world)
    assert _cited("eval-ostelo-2008") in page  # the MCID's source, as its citation (never the bare id)
    assert "eval-ostelo-2008" not in page
    assert "-5" in page and "-62.5 %" in page.replace(",", ".")


def test_the_decision_rule_is_shown_with_its_id_and_source(world: World, at_week_4: dt.date) -> None:
    start = world.episode.started_on
    fill(world.clinician, world.episode, "nprs", {"1": 8}, start)
    fill(world.clinician, world.episode, "nprs", {"1": 7}, at_week_4)
    fill(world.clinician, world.episode, "odi", ODI_40, start)
    fill(world.clinician, world.episode, "odi", ODI_36, at_week_4)
    evaluation = clinical.evaluate(world.episode, at_week_4)
    assert evaluation.decision.outcome == "not_improved"
    assert evaluation.decision.rule_id == "eval-low-back-3-4-weeks"
    page = _page(world)
    assert "eval-low-back-3-4-weeks" in page and _cited(evaluation.decision.source_id) in page
    assert "risicofactoren opnieuw beoordelen" in page  # the decision "reevaluate_risk_factors", in Dutch


def test_improvement_on_pain_and_function_makes_a_responder(world: World, at_week_4: dt.date) -> None:
    start = world.episode.started_on
    fill(world.clinician, world.episode, "nprs", {"1": 8}, start)
    fill(world.clinician, world.episode, "nprs", {"1": 2}, at_week_4)
    fill(world.clinician, world.episode, "odi", ODI_40, start)
    fill(world.clinician, world.episode, "odi", ODI_20, at_week_4)
    decision = clinical.evaluate(world.episode, at_week_4).decision
    assert decision.response.responder is True and decision.action == "progress"


def test_a_baseline_of_zero_shows_no_percentage_and_no_error(world: World, at_week_4: dt.date) -> None:
    fill(world.clinician, world.episode, "nprs", {"1": 0}, world.episode.started_on)
    fill(world.clinician, world.episode, "nprs", {"1": 0}, at_week_4)
    (nprs,) = clinical.evaluate(world.episode, at_week_4).changes
    assert nprs.percent is None and nprs.direction == "unchanged" and nprs.clinically_important is False
    assert "%)" not in _page(world).split('id="eval-h"')[1].split("</table>")[0]


def test_without_a_follow_up_the_change_cannot_be_judged(world: World, at_week_4: dt.date) -> None:
    fill(world.clinician, world.episode, "nprs", {"1": 6}, world.episode.started_on)
    evaluation = clinical.evaluate(world.episode, at_week_4)
    (nprs,) = evaluation.changes
    assert nprs.follow_up is None and nprs.clinically_important is None
    assert evaluation.decision.outcome == "unknown"
    assert (evaluation.decision.action, evaluation.decision.missing) == ("measure", ("nprs", "psk", "odi"))
    page = _page(world)
    assert "kan niet beoordeeld worden" in page or "cannot be judged" in page
    assert "eerst meten" in page and "NPRS, PSK en ODI in te vullen" in page


def test_no_questionnaires_at_all_asks_to_measure_first(world: World, at_week_4: dt.date) -> None:
    page = _page(world)
    assert "eval-low-back-measure" in page  # unknown outcome at a guideline moment → measure, not "not improved"
    assert "onvoldoende verbeterd" not in page.split('id="decision"')[1].split("</dd>")[0]


def test_pain_improved_with_the_function_follow_up_missing_is_incomplete(world: World, at_week_4: dt.date) -> None:
    start = world.episode.started_on
    fill(world.clinician, world.episode, "nprs", {"1": 7}, start)
    fill(world.clinician, world.episode, "nprs", {"1": 3}, at_week_4)
    fill(world.clinician, world.episode, "odi", ODI_40, start)
    decision = clinical.evaluate(world.episode, at_week_4).decision
    assert (decision.outcome, decision.action, decision.missing) == ("incomplete", "measure", ("odi", "psk"))
    assert "niet volledig gemeten" in _page(world)  # the outcome "incomplete", in Dutch


def test_the_decision_weeks_count_from_the_onset_of_the_complaint(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    episode = world.episode
    episode.onset_on = episode.started_on - dt.timedelta(days=21)
    episode.save(update_fields=["onset_on"])
    today = episode.started_on + dt.timedelta(days=1)
    monkeypatch.setattr(clock, "today", lambda: today)
    fill(world.clinician, episode, "nprs", {"1": 8}, episode.started_on)
    fill(world.clinician, episode, "nprs", {"1": 7}, today)
    fill(world.clinician, episode, "odi", ODI_40, episode.started_on)
    fill(world.clinician, episode, "odi", ODI_36, today)
    evaluation = clinical.evaluate(episode, today)
    assert (evaluation.weeks, evaluation.clock_field, evaluation.clock_start) == (3.1, "onset_on", episode.onset_on)
    assert evaluation.decision.rule_id == "eval-low-back-3-4-weeks"  # 1 day of treatment, but 3 weeks of complaint
    clock_text = _page(world).split('id="decision-clock"')[1].split("</span>")[0]
    assert "klacht begonnen op" in clock_text and f"{episode.onset_on:%d-%m-%Y}" in clock_text
    # the measurement schedule still counts from the start of treatment
    due = {s.moment.key: s.moment.due for s in clinical.schedule_states(episode, today)}
    assert due["reevaluation-3-4-weeks"] == episode.started_on + dt.timedelta(days=21)


def test_without_an_onset_the_decision_weeks_count_from_the_first_contact(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    episode = world.episode
    episode.onset_on = None
    episode.save(update_fields=["onset_on"])
    today = episode.started_on + dt.timedelta(days=14)
    monkeypatch.setattr(clock, "today", lambda: today)
    evaluation = clinical.evaluate(episode, today)
    assert (evaluation.weeks, evaluation.clock_field, evaluation.clock_start) == (2.0, "started_on", episode.started_on)
    assert evaluation.decision.rule_id == "eval-low-back-continue"
    clock_text = _page(world).split('id="decision-clock"')[1].split("</span>")[0]
    assert "eerste contact" in clock_text and f"{episode.started_on:%d-%m-%Y}" in clock_text


def test_the_global_perceived_effect_is_shown_with_its_unverified_source(world: World, at_week_4: dt.date) -> None:
    fill(world.clinician, world.episode, "gpe", {"1": 2}, at_week_4)
    evaluation = clinical.evaluate(world.episode, at_week_4)
    assert evaluation.gpe is not None and evaluation.gpe.success
    assert _cited("eval-gpe-unverified") in _page(world)


def test_the_charts_draw_the_mcid_band_around_the_baseline(world: World, at_week_4: dt.date) -> None:
    fill(world.clinician, world.episode, "nprs", {"1": 8}, world.episode.started_on)
    fill(world.clinician, world.episode, "nprs", {"1": 3}, at_week_4)
    page = _page(world)
    assert "<svg" in page and "<polyline" in page and 'stroke-dasharray="4 3"' in page


def _cited(source_id: str) -> str:
    """How a (Dutch) page shows a source: a bibliographic citation in a <cite> element, rugpad's own words in Dutch
    as plain text."""
    source = engine.sources()[source_id]
    words = html.escape(source.cite(Lang.NL))
    return words if source.words is not None else f"<cite>{words}</cite>"
