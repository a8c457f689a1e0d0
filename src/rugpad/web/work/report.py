"""The report for the occupational physician (bedrijfsarts; in Belgium the arbeidsgeneesheer / médecin du travail):
its content is built once from the records and the engine, in the GP letter's shape, so the GP letter's printable
page layout and PDF writer (`outcomes.report.render_pdf`) serve it unchanged.

It holds what matters for work and nothing more: the work and workload from the intake, the workplace check and the
advice it led to (each naming its rule and source), the clinician's note, the break routine, the treatment plan's
goals about work that the clinician chose, and their remarks. No diagnosis beyond the episode's region; no red
flags, scores or medical history.

Content shape (stored as JSON in `WorkReport.content`; a section of citations also has ``"cite": true``, which the
page shows as citations and the PDF writer passes over, and ``"own_words"``: the indexes of its items that are
rugpad's own words, in the letter's language, which the page shows as plain text)::

    {"title": str, "meta": [[label, value], ...], "sections": [{"heading": str, "paragraphs": [str],
     "items": [str]}], "signature": [str]}

The advice names its rules on the clinician's page; the letter numbers their sources instead (a rule id means
nothing to the occupational physician), each with its evidence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils import timezone, translation
from django.utils.dates import WEEKDAYS
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from rugpad import engine
from rugpad.core.country import Term
from rugpad.core.vocab import Lang
from rugpad.core.work import BreakRoutine as CoreRoutine
from rugpad.web.care.clinical import state_of
from rugpad.web.care.models import Episode, Intake
from rugpad.web.care.templatetags.clinical import vocab
from rugpad.web.outcomes.models import ConsentDecision
from rugpad.web.practice.models import User
from rugpad.web.work import clinical
from rugpad.web.work.forms import INTERVAL_LABELS
from rugpad.web.work.models import BreakRoutine, WorkReportConsent


def _section(heading: str, paragraphs: Sequence[str] = (), items: Sequence[str] = ()) -> dict[str, Any]:
    return {"heading": heading, "paragraphs": [p for p in paragraphs if p], "items": list(items)}


def _work_load(intake: Intake | None) -> dict[str, Any]:
    paragraphs = []
    if intake is not None and intake.work_load:
        paragraphs.append(_("Work and physical load (intake): %(text)s") % {"text": intake.work_load})
    if intake is not None and intake.work_absence_weeks:
        paragraphs.append(_("Weeks off work (intake): %(weeks)s") % {"weeks": intake.work_absence_weeks})
    return _section(_("Work"), paragraphs or [_("The intake records nothing about work.")])


def _check(episode: Episode, lang: Lang, country: str) -> list[dict[str, Any]]:
    check = clinical.latest_check(episode)
    if check is None:
        return [_section(_("Workplace check"), [_("The patient has not filled in the workplace check.")])]
    filled = timezone.localtime(check.filled_at)
    answers = [f"{view.question_text} {view.answer}" for view in clinical.answers_of(check, lang)]
    sections = [_section(_("Workplace check"), [_("Filled in on %(date)s.") % {"date": f"{filled:%d-%m-%Y}"}], answers)]
    phrase = clinical.physician(country)
    rules = clinical.advice_of(check, episode)
    # each source numbered once, in the order the advice first cites it: a letter, not a bibliography per line
    numbers: dict[str, int] = {}
    for rule in rules:
        numbers.setdefault(rule.source, len(numbers) + 1)
    advice = [
        f"{rule.advice_for(phrase).get(lang)} "
        + _("(source %(number)s; evidence: %(evidence)s)")
        % {"number": numbers[rule.source], "evidence": vocab(rule.evidence)}
        for rule in rules
    ]
    sections.append(_section(_("Advice"), [] if advice else [_("The answers lead to no advice.")], advice))
    if rules:
        known = engine.sources()
        cited = [
            f"{number}. {known[source].cite(lang) if source in known else source}" for source, number in numbers.items()
        ]
        # rugpad's own words are in the letter's language and no published work: the page shows them without <cite>
        own = [index for index, source in enumerate(numbers) if source in known and known[source].words is not None]
        sections.append(_section(_("Sources of the advice"), [], cited) | {"cite": True, "own_words": own})
    if check.review_note:
        therapist = engine.country_term(Term.THERAPIST, country).get(lang)
        heading = _("Note on the workplace check (%(therapist)s)") % {"therapist": therapist}
        sections.append(_section(heading, [check.review_note]))
    return sections


def _routine(episode: Episode, lang: Lang) -> dict[str, Any]:
    routine = BreakRoutine.objects.filter(episode=episode, active=True).first()
    if routine is None:
        return _section(_("Break routine"), [_("No break routine has been set.")])
    days = ", ".join(str(WEEKDAYS[day]) for day in sorted(routine.weekdays()))
    paragraphs = [
        _("On %(days)s, from %(start)s to %(end)s: a short break %(interval)s.")
        % {
            "days": days,
            "start": f"{routine.start:%H:%M}",
            "end": f"{routine.end:%H:%M}",
            "interval": INTERVAL_LABELS.get(routine.every_minutes, routine.every_minutes),
        }
    ]
    offered = clinical.routine_for(episode, state_of(episode)).offered
    items = [
        _("%(exercise)s: %(dose)s")
        % {
            "exercise": exercise.name.get(lang),
            "dose": CoreRoutine.dose_at_breaks(exercise, len(routine.weekdays())).describe(lang).lower(),
        }
        for _item, exercise in offered
    ]
    items.append(engine.work_content().break_move.get(lang))
    return _section(_("Break routine"), paragraphs, items)


def _goals(episode: Episode, lang: Lang, goal_ids: Sequence[int]) -> dict[str, Any]:
    chosen = [goal.text for goal in clinical.plan_goals(episode, lang) if goal.item.pk in set(goal_ids)]
    if not chosen:
        return _section(_("Goals for work"), [_("No goals about work were chosen from the treatment plan.")])
    return _section(_("Goals for work"), [_("From the treatment plan:")], chosen)


def build_content(
    episode: Episode, *, author: User, today: dt.date, lang: str, goal_ids: Sequence[int], remarks: str
) -> dict[str, Any]:
    """The report's content, in `lang`; reads only what the caller may already see."""
    reader = Lang(lang)
    patient = episode.patient
    country = patient.practice.country
    with translation.override(reader.value):
        physician = clinical.physician(country)
        title = capfirst(physician.get(reader))
        consent = WorkReportConsent.objects.filter(episode=episode).order_by("-recorded_at", "-id").first()
        named = consent is not None and consent.decision == ConsentDecision.GIVEN and consent.recipient
        addressee = title + (f" – {consent.recipient}" if named and consent else "")
        intake = episode.latest("intakes")
        return {
            "title": _("Report for the %(physician)s") % {"physician": physician.get(reader)},
            "meta": [
                [_("To"), addressee],
                [
                    _("Concerning"),
                    _("%(name)s, born %(date)s") % {"name": patient, "date": f"{patient.date_of_birth:%d-%m-%Y}"},
                ],
                [
                    _("Episode"),
                    _("%(region)s, since %(date)s")
                    % {"region": episode.get_region_display(), "date": f"{episode.started_on:%d-%m-%Y}"},
                ],
                [_("Date"), f"{today:%d-%m-%Y}"],
            ],
            "sections": [
                _section(
                    _("About this report"),
                    [_("Only what matters for work: the workplace check, its advice, the break routine, the goals.")],
                ),
                _work_load(intake if isinstance(intake, Intake) else None),
                *_check(episode, reader, country),
                _routine(episode, reader),
                _goals(episode, reader, goal_ids),
                _section(_("Remarks"), [remarks or _("None.")]),
            ],
            "signature": [_("Kind regards,"), author.get_full_name() or author.get_username(), str(patient.practice)],
        }
