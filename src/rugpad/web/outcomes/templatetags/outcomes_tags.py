"""`{% outcomes_panel episode %}`: the schedule and outcome summary on the care app's episode page.

The care view has already loaded (and audited) the episode, so the tag only reads it."""

from __future__ import annotations

from typing import Any

from django import template

from rugpad.core.episode import EpisodeState
from rugpad.web.care.models import Episode
from rugpad.web.outcomes import clock, queries

register = template.Library()


@register.inclusion_tag("outcomes/_panel.html")
def outcomes_panel(episode: Episode, state: EpisodeState | None = None) -> dict[str, Any]:
    """`state`: the episode state the page already computed (used when it is of the same day)."""
    today = clock.today()
    return queries.panel(episode, today, state if state is not None and state.facts.today == today else None)
