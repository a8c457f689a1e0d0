"""Template tags that let the care pages show the portal's parts without the care app depending on it."""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from rugpad.web.care.models import Patient
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


@register.simple_tag
def portal_invitation(patient: Patient) -> Invitation | None:
    return queries.latest_invitation(patient)


_BOLD = re.compile(r"\*\*(.+?)\*\*")


@register.filter
def simple_markdown(source: str, heading_level: int = 3) -> SafeString:
    """The small Markdown subset of the education texts (headings, lists, paragraphs, bold), HTML-escaped first."""
    html: list[str] = []
    paragraph: list[str] = []
    in_list = False

    def inline(line: str) -> str:
        return _BOLD.sub(r"<strong>\1</strong>", escape(line))

    def flush() -> None:
        nonlocal in_list
        if paragraph:
            html.append(f"<p>{' '.join(paragraph)}</p>")
            paragraph.clear()
        if in_list:
            html.append("</ul>")
            in_list = False

    for raw in source.splitlines():
        line = raw.strip()
        if line.startswith("#"):
            flush()
            level = min(heading_level + line.count("#", 0, line.index(" ")) - 2, 6)
            html.append(f"<h{level}>{inline(line.lstrip('#').strip())}</h{level}>")
        elif line.startswith(("- ", "* ")):
            if paragraph:
                html.append(f"<p>{' '.join(paragraph)}</p>")
                paragraph.clear()
            if not in_list:
                html.append("<ul>")
                in_list = True
            html.append(f"<li>{inline(line[2:])}</li>")
        elif not line:
            flush()
        else:
            if in_list:
                html.append("</ul>")
                in_list = False
            paragraph.append(inline(line))
    flush()
    return mark_safe("\n".join(html))  # every piece of text was escaped above
