"""Searchset Bundles and the request context every build function receives."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from rugpad.web.fhir.registry import BuildContext
from rugpad.web.i18n import reader_lang
from rugpad.web.practice.models import User


def base_url(request: HttpRequest) -> str:
    """The absolute address of /fhir on this server, as the client reached it."""
    return request.build_absolute_uri("/fhir")


def context(request: HttpRequest, user: User) -> BuildContext:
    return BuildContext(user=user, base_url=base_url(request), today=timezone.localdate(), lang=str(reader_lang()))


def searchset(
    ctx: BuildContext, resources: Sequence[dict[str, Any]], self_link: str, next_link: str | None
) -> dict[str, Any]:
    """A searchset Bundle of one page: `self` (the search as applied) and, while more follow, `next`. No `total`:
    counting the whole list would make every page cost as much as the list is long."""
    links = [{"relation": "self", "url": self_link}]
    if next_link is not None:
        links.append({"relation": "next", "url": next_link})
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "timestamp": timezone.now().isoformat(),
        "link": links,
        "entry": [
            {
                "fullUrl": ctx.url(resource["resourceType"], resource["id"]),
                "resource": resource,
                "search": {"mode": "match"},
            }
            for resource in resources
        ],
    }
