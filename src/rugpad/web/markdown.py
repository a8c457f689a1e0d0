"""A tiny, safe Markdown renderer for the subset the education modules use: headings, paragraphs, bullet and
numbered lists, and **bold**. Everything is escaped first, so no HTML in a module can reach the page."""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d+[.)]\s+(.*)$")
_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")


def _inline(text: str) -> str:
    return _BOLD.sub(lambda m: f"<strong>{m.group(1) or m.group(2)}</strong>", str(escape(text.strip())))


def render(markdown: str, heading_offset: int = 0) -> SafeString:
    """HTML for `markdown`; headings move down by `heading_offset` levels so a page keeps one h1."""
    out: list[str] = []
    paragraph: list[str] = []
    list_tag = ""

    def flush() -> None:
        nonlocal list_tag
        if paragraph:
            out.append(f"<p>{_inline(' '.join(paragraph))}</p>")
            paragraph.clear()
        if list_tag:
            out.append(f"</{list_tag}>")
            list_tag = ""

    for line in markdown.splitlines():
        heading, bullet, numbered = _HEADING.match(line), _BULLET.match(line), _NUMBERED.match(line)
        if not line.strip():
            flush()
        elif heading:
            flush()
            level = min(len(heading.group(1)) + heading_offset, 6)
            out.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
        elif bullet or numbered:
            tag = "ul" if bullet else "ol"
            if paragraph or list_tag != tag:
                flush()
                out.append(f"<{tag}>")
                list_tag = tag
            out.append(f"<li>{_inline((bullet or numbered).group(1))}</li>")  # type: ignore[union-attr]
        else:
            if list_tag:
                flush()
            paragraph.append(line)
    flush()
    return mark_safe("\n".join(out))  # safe: every piece of text went through escape()
