"""`{% outcomes_panel episode %}`: the schedule and outcome summary on the care app's episode page.

The care view has already loaded (and audited) the episode, so the tag only reads it."""

from __future__ import annotations

from typing import Any

from django import template

from rugpad.web.care.models import Episode
from rugpad.web.outcomes import clock, queries

register = template.Library()


@register.inclusion_tag("outcomes/_panel.html")
def outcomes_panel(episode: Episode) -> dict[str, Any]:
    return queries.panel(episode, clock.today())
