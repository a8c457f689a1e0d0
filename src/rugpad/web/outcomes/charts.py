"""Server-rendered SVG charts: no JavaScript, scale to the screen through `viewBox`, print in black on white.

A line chart shows one instrument over time with the MCID band drawn around the baseline (a change that stays
inside the band is not clinically important); a bar chart shows adherence per week as a percentage.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 360, 200
LEFT, RIGHT, TOP, BOTTOM = 40, 12, 14, 34
INK, MUTED, BRAND, BAND = "#1b2330", "#4a5568", "#0b5c7a", "#d8ecf3"


def _y(value: float, low: float, high: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - (value - low) / (high - low))


def _axes(low: float, high: float, title: str, desc: str) -> list[str]:
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" class="chart" '
        f'font-family="sans-serif" font-size="11">',
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>",
    ]
    for fraction in (0, 0.5, 1):
        value = low + (high - low) * fraction
        y = _y(value, low, high)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#cfd6df" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">{value:g}</text>'
        )
    return parts


def line_chart(
    points: Sequence[tuple[dt.date, float]],
    *,
    low: float,
    high: float,
    mcid: float | None,
    title: str,
    desc: str,
    band_label: str,
) -> SafeString:
    """`points` in date order; the band is baseline ± `mcid`, clipped to the scale."""
    parts = _axes(low, high, title, desc)
    if points:
        first, last = points[0][0], points[-1][0]
        span = max((last - first).days, 1)

        def x(day: dt.date) -> float:
            if len(points) == 1:
                return (LEFT + WIDTH - RIGHT) / 2
            return LEFT + 10 + (WIDTH - LEFT - RIGHT - 20) * (day - first).days / span

        baseline = points[0][1]
        if mcid is not None:
            top, bottom = _y(min(baseline + mcid, high), low, high), _y(max(baseline - mcid, low), low, high)
            parts.append(
                f'<rect x="{LEFT}" y="{top:.1f}" width="{WIDTH - LEFT - RIGHT}" height="{bottom - top:.1f}" '
                f'fill="{BAND}" stroke="{BRAND}" stroke-dasharray="4 3" stroke-width="0.8">'
                f"<title>{escape(band_label)}</title></rect>"
            )
        path = " ".join(f"{x(d):.1f},{_y(v, low, high):.1f}" for d, v in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{INK}" stroke-width="2"/>')
        for day, value in points:
            cx, cy = x(day), _y(value, low, high)
            parts.append(
                f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4" fill="{BRAND}"/>'
                f'<text x="{cx:.1f}" y="{cy - 8:.1f}" text-anchor="middle" fill="{INK}">{value:g}</text>'
            )
        labels = {first, last}
        for day in labels:
            parts.append(
                f'<text x="{x(day):.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" fill="{MUTED}">'
                f"{day:%d-%m}</text>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # safe: numbers formatted, every text escaped


def bar_chart(weeks: Sequence[tuple[str, float]], *, title: str, desc: str) -> SafeString:
    """One bar per week, 0-100 %."""
    parts = _axes(0, 100, title, desc)
    if weeks:
        slot = (WIDTH - LEFT - RIGHT) / len(weeks)
        for index, (label, percent) in enumerate(weeks):
            left = LEFT + index * slot + slot * 0.15
            y = _y(max(0.0, min(percent, 100.0)), 0, 100)
            parts.append(
                f'<rect x="{left:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{HEIGHT - BOTTOM - y:.1f}" '
                f'fill="{BRAND}"/><text x="{left + slot * 0.35:.1f}" y="{y - 4:.1f}" text-anchor="middle" '
                f'fill="{INK}">{percent:.0f}%</text><text x="{left + slot * 0.35:.1f}" y="{HEIGHT - BOTTOM + 16}" '
                f'text-anchor="middle" fill="{MUTED}">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def share_bars(bars: Sequence[tuple[str, float]], *, title: str, desc: str) -> SafeString:
    """One horizontal bar per labelled share (0-100 %), the label above its bar, so long labels (measurement moments)
    never overlap; the height grows with the number of bars."""
    row, label_gap, left, right = 34, 14, 8, 48
    height = TOP + row * len(bars) + 6
    width = WIDTH - left - right
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" class="chart" '
        f'font-family="sans-serif" font-size="11">',
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>",
    ]
    for index, (label, percent) in enumerate(bars):
        top = TOP + index * row
        share = max(0.0, min(percent, 100.0))
        parts.append(
            f'<text x="{left}" y="{top + 10}" fill="{INK}">{escape(label)}</text>'
            f'<rect x="{left}" y="{top + label_gap}" width="{width}" height="12" fill="{BAND}"/>'
            f'<rect x="{left}" y="{top + label_gap}" width="{width * share / 100:.1f}" height="12" fill="{BRAND}"/>'
            f'<text x="{left + width + 6}" y="{top + label_gap + 10}" fill="{INK}">{percent:.0f}%</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # safe: numbers formatted, every text escaped
