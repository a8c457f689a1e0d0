"""Aftercare's records turned into the facts the engine reads, and its answers back: never a rule of its own.

- the pain at discharge: `engine.discharge_pain` over the episode's measurements (from the episode's one state);
- the moments' days and statuses: `engine.checkin_dates`, `engine.checkin_statuses`;
- a check-in's verdict: `engine.assess_checkin`, with the rule's words, source and evidence from the content.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q

from rugpad import engine
from rugpad.core.aftercare import AftercareContent, AftercareRule, CheckinStatus
from rugpad.core.vocab import Lang, Region
from rugpad.web.aftercare.models import AftercarePlan, CheckIn
from rugpad.web.care.clinical import state_of
from rugpad.web.care.models import Episode


def content() -> AftercareContent:
    return engine.aftercare_content()


def pain_at_discharge(episode: Episode, today: dt.date) -> int | None:
    """The episode's last pain score (NPRS), as the engine reads it from the episode's state; None without one."""
    return engine.discharge_pain(state_of(episode, today).facts.measurements)


def newer_episode_started(plan: AftercarePlan) -> bool:
    """Whether the patient has started an episode after the discharged one: its aftercare is then over."""
    episode = plan.episode
    later = Q(started_on__gt=episode.started_on) | Q(started_on=episode.started_on, pk__gt=episode.pk)
    return Episode.objects.filter(later, patient_id=plan.patient_id).exists()


def statuses(checkins: Sequence[CheckIn], today: dt.date, *, ended: bool) -> list[CheckinStatus]:
    """The status of each check-in (in order of their days) on `today`."""
    due = [checkin.due_on for checkin in checkins]
    answered = [checkin.answered_at is not None for checkin in checkins]
    return list(engine.checkin_statuses(due, answered, today, ended=ended))


@dataclass(frozen=True, slots=True)
class RuleView:
    """A check-in's deciding rule in the reader's language: what it is called, why, its source and evidence."""

    id: str
    name: str
    text: str
    source: str
    evidence: str


def rule_view(rule_id: str, pain_change: int | None, lang: Lang) -> RuleView | None:
    """The words of a rule as stored with a check-in (None for a rule no longer in the content)."""
    rule: AftercareRule | None = content().rules.get(rule_id)
    if rule is None:
        return None
    threshold = content().settings.pain_rise_points
    worded = rule.text.get(lang).format(change=pain_change if pain_change is not None else "?", threshold=threshold)
    return RuleView(rule.id, rule.name.get(lang), worded, rule.source, str(rule.evidence))


def title(region: Region | str, lang: Lang) -> str:
    return content().title[Region(region)].get(lang)
