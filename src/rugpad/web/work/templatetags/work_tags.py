"""`{% work_panel episode %}`: the work module's summary on the clinician's episode page (the care app does not
import this app): whether the workplace check is filled in and reviewed, how much advice it gave, whether a break
routine is set, and the way in."""

from __future__ import annotations

from typing import Any

from django import template

from rugpad.web.care.models import Episode
from rugpad.web.work import queries

register = template.Library()


@register.inclusion_tag("work/_panel.html", takes_context=True)
def work_panel(context: template.Context, episode: Episode) -> dict[str, Any]:
    user = context.get("user")
    if user is None or not getattr(user, "is_clinician", False) or user.practice_id != episode.patient.practice_id:
        return {"hidden": True}
    return {"episode": episode, "panel": queries.panel(episode)}
