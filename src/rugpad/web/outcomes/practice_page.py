"""The practice outcome dashboard as the page and the CSV show it: the breakdowns of `practice_dashboard` turned
into labelled rows of formatted values. The page and the CSV read the same rows, so they cannot disagree.

No patient appears: a group is a clinician (a colleague, named), a region or a profile, and a group of fewer than
`MIN_GROUP` patients shows only that it is small.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rugpad import engine
from rugpad.web.care.models import REGION_CHOICES
from rugpad.web.care.templatetags.clinical import instrument_name, moment
from rugpad.web.i18n import reader_lang
from rugpad.web.outcomes import charts
from rugpad.web.outcomes.figures import figures
from rugpad.web.outcomes.practice_dashboard import (
    MIN_GROUP,
    NO_CONTACT_DAYS,
    Group,
    Period,
    improvement_rules,
)
from rugpad.web.practice.models import User

BREAKDOWN_TITLES = {
    "all": gettext_lazy("The whole practice"),
    "clinician": gettext_lazy("Per clinician"),
    "region": gettext_lazy("Per region"),
    "profile": gettext_lazy("Per profile"),
}


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    title: str


@dataclass(frozen=True, slots=True)
class Row:
    label: str
    shown: bool
    values: dict[str, str]


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def _hours(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def _fraction(part: float, whole: float) -> str:
    """The share as "40% (2/5)", or "fewer than 5" when the whole is too small to show."""
    if whole < MIN_GROUP:
        return _("fewer than %(n)d") % {"n": MIN_GROUP} if whole else "–"
    return f"{100 * part / whole:.0f}% ({part:.0f}/{whole:.0f})"


def moment_keys() -> list[str]:
    """The schedule's moments in schedule order, each key once."""
    return list(dict.fromkeys(m.key for m in engine.schedule().moments))


def columns() -> dict[str, list[Column]]:
    """The three tables of a breakdown and their columns."""
    return {
        "overview": [
            Column("patients", _("Patients")),
            Column("started", _("Episodes started")),
            Column("closed", _("Episodes closed")),
            Column("responders", _("Responders")),
            Column("adherence", _("Home programme adherence")),
            Column("alarms", _("Red flags raised")),
            Column("median_hours", _("Hours to action (median)")),
            Column("mean_hours", _("Hours to action (mean)")),
            Column("awaiting", _("Red flags without action")),
            Column("referrals", _("Referrals")),
            Column("dropout_closed", _("Closed without end measurement")),
            Column("dropout_open", _("Open without contact")),
        ],
        "change": [Column(f"mcid_{code}", str(instrument_name(code))) for code in improvement_rules()],
        "completion": [Column(f"moment_{key}", str(moment(key))) for key in moment_keys()],
    }


def _values(group: Group) -> dict[str, str]:
    alarms = group.acted + group.awaiting
    values = {
        "patients": str(group.patients),
        "started": f"{group.get('started'):.0f}",
        "closed": f"{group.get('closed_in'):.0f}",
        "responders": _fraction(group.get("responder_yes"), group.get("responder_yes") + group.get("responder_no")),
        "adherence": _percent(
            group.get("adherence_sum") / group.get("adherence_n") if group.get("adherence_n") >= MIN_GROUP else None
        ),
        "alarms": str(alarms),
        "median_hours": _hours(group.median_hours),
        "mean_hours": _hours(group.mean_hours),
        "awaiting": str(group.awaiting),
        "referrals": f"{group.get('referred'):.0f}",
        "dropout_closed": f"{group.get('dropout_closed'):.0f}",
        "dropout_open": f"{group.get('dropout_open'):.0f}",
    }
    for code in improvement_rules():
        values[f"mcid_{code}"] = _fraction(group.get(f"i_{code}"), group.get(f"m_{code}"))
    for key in moment_keys():
        asked, completed = group.moments.get(key, [0, 0])
        values[f"moment_{key}"] = _fraction(completed, asked)
    return values


def _labels(groups: dict[str, list[Group]]) -> dict[str, dict[Any, str]]:
    ids = [g.key for g in groups["clinician"] if g.key is not None]
    names = {u.pk: u.get_full_name() or u.get_username() for u in User.objects.filter(pk__in=ids).order_by()}
    regions = dict(REGION_CHOICES)
    return {
        "all": {None: str(BREAKDOWN_TITLES["all"])},
        "clinician": {None: _("No treating clinician"), **names},
        "region": {key: str(label) for key, label in regions.items()},
        "profile": {"": _("No profile yet")},
    }


def _label(labels: dict[str, dict[Any, str]], breakdown: str, key: Any) -> str:
    if breakdown == "profile" and key:
        return _("Profile %(profile)s") % {"profile": key}
    return labels[breakdown].get(key, str(key))


def rows(groups: dict[str, list[Group]]) -> dict[str, list[Row]]:
    """Every breakdown as labelled rows, sorted by label; a group of fewer than `MIN_GROUP` patients keeps only its
    label and `shown=False`."""
    labels = _labels(groups)
    found = {}
    for breakdown, members in groups.items():
        built = [Row(_label(labels, breakdown, g.key), g.shown, _values(g) if g.shown else {}) for g in members]
        found[breakdown] = sorted(built, key=lambda row: row.label.casefold())
    return found


def definitions() -> list[dict[str, Any]]:
    """What each instrument's clinically important change is, with its source: the engine's change rules."""
    lang = reader_lang()
    found = []
    for rule in improvement_rules().values():
        found.append({
            "name": rule.name.get(lang),
            "points": f"{rule.mcid_points:g}",
            "percent": f"{rule.mcid_percent:g}" if rule.mcid_percent is not None else None,
            "source_id": rule.source_id,
            "evidence": rule.evidence.value,
        })  # fmt: skip
    return found


def practice_charts(total: Row, column_sets: dict[str, list[Column]]) -> list[dict[str, Any]]:
    """Bar charts of the whole practice: the share reaching a clinically important change per instrument, and the
    questionnaires completed per moment (only the bars that may be shown)."""
    found = []
    for key, title in (
        ("change", _("Share reaching a clinically important change")),
        ("completion", _("Questionnaires completed per moment")),
    ):
        bars = []
        for column in column_sets[key]:
            text = total.values.get(column.key, "")
            if text.endswith(")"):  # "40% (2/5)": shown
                bars.append((column.title, float(text.split("%", 1)[0])))
        if bars:
            desc = ", ".join(f"{label}: {percent:.0f}%" for label, percent in bars)
            found.append({"title": title, "svg": charts.share_bars(bars, title=title, desc=desc), "desc": desc})
    return found


def page(practice_id: int, period: Period, today: dt.date, *, again: bool = False) -> dict[str, Any]:
    """The page's (and the CSV's) rows from the period's figures, today's stored ones unless `again`."""
    groups, computed_at = figures(practice_id, period, today, again=again)
    built = rows(groups)
    column_sets = columns()
    total = built["all"][0] if built["all"] else Row(str(BREAKDOWN_TITLES["all"]), False, {})
    return {
        "period": period,
        "computed_at": computed_at,
        "total": total,
        "breakdowns": [(name, BREAKDOWN_TITLES[name], built[name]) for name in ("clinician", "region", "profile")],
        "columns": column_sets,
        "table_titles": [
            ("overview", _("Overview")),
            ("change", _("Share reaching a clinically important change")),
            ("completion", _("Questionnaires completed per moment")),
        ],
        "definitions": definitions(),
        "charts": practice_charts(total, column_sets) if total.shown else [],
        "min_group": MIN_GROUP,
        "no_contact_days": NO_CONTACT_DAYS,
        "patients": int(total.values["patients"]) if total.shown else 0,
        "raw": groups,
    }


def csv_text(context: dict[str, Any]) -> str:
    """The page's rows as CSV: one line per group of every breakdown, the same formatted values."""
    out = io.StringIO()
    writer = csv.writer(out)
    column_sets: dict[str, list[Column]] = context["columns"]
    every = [c for key in ("overview", "change", "completion") for c in column_sets[key]]
    writer.writerow([_("Breakdown"), _("Group"), *(c.title for c in every)])
    period: Period = context["period"]
    sections = [("all", BREAKDOWN_TITLES["all"], [context["total"]]), *context["breakdowns"]]
    for _name, title, members in sections:
        for row in members:
            if row.shown:
                writer.writerow([str(title), row.label, *(row.values.get(c.key, "") for c in every)])
            else:
                small = _("fewer than %(n)d patients") % {"n": MIN_GROUP}
                writer.writerow([str(title), row.label, small, *([""] * (len(every) - 1))])
    writer.writerow([])
    writer.writerow([_("Period"), f"{period.start:%Y-%m-%d}", f"{period.end:%Y-%m-%d}"])
    return out.getvalue()
