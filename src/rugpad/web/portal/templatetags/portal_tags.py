"""Template tags that let the care pages show the portal's parts without the care app depending on it."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString

from rugpad.web.care.models import Episode, Patient
from rugpad.web.markdown import render as render_markdown
from rugpad.web.portal import queries
from rugpad.web.portal.models import Invitation

register = template.Library()


@register.simple_tag(takes_context=True)
def portal_open_alerts(context: template.Context) -> list[dict[str, Any]]:
    user = context.get("user")
    if user is None or not getattr(user, "is_clinician", False):
        return []
    return queries.open_alerts(user)


@register.inclusion_tag("portal/_home.html", takes_context=True)
def portal_home(context: template.Context, patient: Patient) -> dict[str, Any]:
    return queries.patient_home(patient, timezone.localdate()) | {"request": context.get("request")}


@register.simple_tag(takes_context=True)
def portal_unread_threads(context: template.Context) -> dict[str, Any]:
    """The dashboard's new messages from patients in threads the clinician treats (nothing for anybody else)."""
    user = context.get("user")
    if user is None or not getattr(user, "is_clinician", False):
        return {"total": 0}
    return queries.unread_threads(user)


@register.simple_tag
def portal_episode_unread(episode: Episode) -> dict[str, Any]:
    """The patient's messages in this episode's thread that no clinician has read yet (the episode page, whose
    view already authorised and logged the episode)."""
    count = queries.unread_in_episode(episode)
    return {"n": count, "shown": queries.capped(count)}


@register.simple_tag
def portal_invitation(patient: Patient) -> Invitation | None:
    return queries.latest_invitation(patient)


@register.filter
def simple_markdown(source: str, heading_level: int = 3) -> SafeString:
    """The education texts' small Markdown subset as HTML (escaped first); its "##" headings become h<level>."""
    return render_markdown(source, heading_offset=heading_level - 2)
