"""Read-only assembly of what the outcomes pages show. Callers have authorised the user and audited the load."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from rugpad import engine
from rugpad.core.episode import EpisodeState
from rugpad.core.vocab import Region
from rugpad.web.care.clinical import state_of
from rugpad.web.care.models import Episode, ResponseStatus
from rugpad.web.i18n import reader_lang
from rugpad.web.outcomes import charts, clinical
from rugpad.web.outcomes.actions import has_consent

PAIN_INSTRUMENT = "nprs"


def _line(episode_series: tuple[clinical.Series, ...], code: str) -> dict[str, Any] | None:
    rule = engine.change_rules().get(code)
    points = next((s.points for s in episode_series if s.instrument == code), ())
    if rule is None or not points:
        return None
    name = rule.name.get(reader_lang().value)
    band = _("Band: baseline ± %(mcid)s points; inside it a change is not clinically important.") % {
        "mcid": f"{rule.mcid_points:g}" if rule.mcid_points is not None else "–"
    }
    values = ", ".join(f"{day:%d-%m}: {value:g}" for day, value in points)
    return {
        "title": name,
        "svg": charts.line_chart(
            points,
            low=rule.minimum,
            high=rule.maximum,
            mcid=rule.mcid_points,
            title=name,
            desc=values,
            band_label=band,
        ),
        "band": band if rule.mcid_points is not None else _("No clinically important change threshold is known."),
        "values": values,
    }


def adherence_weeks(episode: Episode, today: dt.date) -> tuple[str, list[tuple[str, float]]]:
    """Adherence per week, with the chart's title: exercises done of those planned when the episode has a plan
    (the guided sessions' logs), otherwise the share of requested questionnaires that were completed."""
    from rugpad.web.plans.queries import weekly_adherence

    exercise_weeks = weekly_adherence(episode, today)
    if exercise_weeks:
        labelled = [(_("wk %(week)s") % {"week": week}, percent) for week, percent in exercise_weeks]
        return _("Exercises done per week (of those planned)"), labelled
    return _("Questionnaires completed per week"), questionnaire_weeks(episode)


def questionnaire_weeks(episode: Episode) -> list[tuple[str, float]]:
    """Per week since the start: the share of requested questionnaires that were completed (weeks without a
    request are left out)."""
    weeks: dict[int, list[bool]] = {}
    for response in episode.responses.exclude(requested_at__isnull=True):
        week = (response.requested_at.date() - episode.started_on).days // 7 + 1  # type: ignore[union-attr]
        weeks.setdefault(week, []).append(response.status == ResponseStatus.COMPLETED)
    return [(_("wk %(week)s") % {"week": week}, 100 * sum(done) / len(done)) for week, done in sorted(weeks.items())]


def charts_for(episode: Episode, today: dt.date) -> dict[str, Any]:
    series = clinical.series_of(episode)
    functions = engine.schedule().function_instruments[Region(episode.region)]
    function = next((_line(series, code) for code in functions if _line(series, code)), None)
    title, weeks = adherence_weeks(episode, today)
    desc = ", ".join(f"{label}: {percent:.0f}%" for label, percent in weeks)
    return {
        "pain": _line(series, PAIN_INSTRUMENT),
        "function": function,
        "adherence": charts.bar_chart(weeks, title=title, desc=desc) if weeks else None,
        "adherence_values": desc,
        "adherence_title": title,
    }


def education_status(episode: Episode) -> list[dict[str, Any]]:
    rows = []
    for assignment in episode.education.all():
        module = clinical.education_module(assignment.module_id)
        if module is not None:
            rows.append({"assignment": assignment, "module": module, "title": module.title.get(reader_lang().value),
                         "summary": module.summary.get(reader_lang().value)})  # fmt: skip
    return rows


def evaluation_page(episode: Episode, today: dt.date) -> dict[str, Any]:
    state = state_of(episode, today)
    evaluation = clinical.evaluate(episode, today, state)
    rules = engine.change_rules()
    changes = [
        {"change": c, "name": rules[c.instrument].name.get(reader_lang().value), "rule": rules[c.instrument],
         "reason": c.reason.get(reader_lang().value)}
        for c in evaluation.changes
    ]  # fmt: skip
    return {
        "episode": episode,
        "patient": episode.patient,
        "today": today,
        "states": clinical.schedule_states(episode, today, state),
        "evaluation": evaluation,
        "changes": changes,
        "decision_reason": evaluation.decision.reason.get(reader_lang().value) if evaluation.decision else "",
        "charts": charts_for(episode, today),
        "education": education_status(episode),
        "reports": episode.gp_reports.all(),
        "consents": episode.report_consents.all(),
        "consent": has_consent(episode),
        "lang": reader_lang().value,
    }


def panel(episode: Episode, today: dt.date, state: EpisodeState | None = None) -> dict[str, Any]:
    states = clinical.schedule_states(episode, today, state)
    return {
        "episode": episode,
        "open": [s for s in states if s.state in ("due", "overdue")],
        "next": next((s for s in states if s.state == "upcoming"), None),
        "read": episode.education.filter(read_at__isnull=False).count(),
        "assigned": episode.education.count(),
        "reports": episode.gp_reports.count(),
    }


def patient_progress(episode: Episode | None, today: dt.date) -> dict[str, Any]:
    if episode is None:
        return {"episode": None}
    return {"episode": episode, "charts": charts_for(episode, today), "education": education_status(episode)}
