"""`{% offline_id %}`: the cache id of a patient's sign-in for the service worker (see `portal/pwa.py`)."""

from __future__ import annotations

from typing import Any

from django import template

from rugpad.web.portal.pwa import offline_id as _offline_id

register = template.Library()


@register.simple_tag(takes_context=True)
def offline_id(context: dict[str, Any]) -> str:
    request = context.get("request")
    return _offline_id(request) if request is not None else ""
