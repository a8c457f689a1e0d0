"""The letter to the GP (verslaglegging): its content is built once from the records and the engine, then shown as
printable HTML and written as a PDF from the same structure, so the two never disagree.

Content shape (stored as JSON in `GpReport.content`)::

    {"title": str, "meta": [[label, value], ...], "sections": [{"heading": str, "paragraphs": [str],
     "items": [str]}], "signature": [str]}
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from fpdf import FPDF

from rugpad import engine
from rugpad.core.episode import EpisodeState
from rugpad.core.evaluation import DecisionAction, Outcome
from rugpad.core.flags import FlagEventKind, FlagStage
from rugpad.web.care.clinical import state_of
from rugpad.web.care.models import Episode, Examination, Intake, TestResult
from rugpad.web.care.templatetags.clinical import vocab
from rugpad.web.outcomes.clinical import Evaluation, evaluate
from rugpad.web.pdf_fonts import add_unicode_fonts
from rugpad.web.practice.models import User


def _source(source_id: str) -> str:
    source = engine.sources().get(source_id)
    return source.citation if source is not None else source_id


def _section(heading: str, paragraphs: list[str] | None = None, items: list[str] | None = None) -> dict[str, Any]:
    return {"heading": heading, "paragraphs": [p for p in paragraphs or [] if p], "items": items or []}


def _findings(intake: Intake | None, examination: Examination | None) -> dict[str, Any]:
    paragraphs: list[str] = []
    if intake is not None:
        paragraphs.append(_("History: %(text)s") % {"text": intake.complaint})
        if intake.course:
            paragraphs.append(_("Course so far: %(text)s") % {"text": intake.get_course_display()})
        if intake.work_absence_weeks:
            paragraphs.append(_("Weeks off work: %(weeks)s") % {"weeks": intake.work_absence_weeks})
    items: list[str] = []
    if examination is not None:
        for label, value in (
            (_("Inspection"), examination.inspection),
            (_("Range of motion"), examination.range_of_motion),
        ):
            if value:
                paragraphs.append(f"{label}: {value}")
        for field in Examination.SIGN_OF_FIELD:
            value = getattr(examination, field)
            if value in (TestResult.NEGATIVE, TestResult.POSITIVE):
                verbose = str(getattr(Examination._meta.get_field(field), "verbose_name", field))
                items.append(f"{verbose}: {TestResult(value).label}")
        if examination.notes:
            paragraphs.append(_("Other findings: %(text)s") % {"text": examination.notes})
    if not paragraphs and not items:
        paragraphs.append(_("No history or examination recorded."))
    return _section(_("Findings"), paragraphs, items)


def _red_flags(state: EpisodeState, lang: str) -> dict[str, Any]:
    """Per group of the checklist: what the screening and examination asked and found, what they asked and did not
    find, and what nobody asked; then every red flag with its history. Only what was asked is called absent."""
    screening = state.facts.screening
    asked = (screening.asked if screening else frozenset()) | state.facts.examination_asked
    present = state.facts.recorded_signs & asked
    paragraphs = [
        _("No red-flag screening was recorded.")
        if screening is None
        else _("Screened on %(date)s.") % {"date": f"{screening.on:%d-%m-%Y}"}
    ]
    items = []
    for heading, signs in engine.sign_groups(state.facts.region):
        found = [sign.label.get(lang) for sign in signs if sign.id in present]
        absent = [sign.label.get(lang) for sign in signs if sign.id in asked and sign.id not in present]
        not_asked = [sign.label.get(lang) for sign in signs if sign.id not in asked]
        parts = []
        if found:
            parts.append(_("present: %(signs)s") % {"signs": "; ".join(found)})
        if absent:
            parts.append(_("asked, absent: %(signs)s") % {"signs": "; ".join(absent)})
        if not_asked:
            parts.append(_("not asked: %(signs)s") % {"signs": "; ".join(not_asked)})
        items.append(f"{heading.get(lang)} – " + " · ".join(parts))
    for flag in state.flags:
        history = [
            f"{timezone.localtime(event.at):%d-%m-%Y} {FLAG_EVENT_WORDS[event.kind]()}"
            + (f" ({event.counterpart})" if event.counterpart else "")
            for event in (flag.record.events if flag.record else ())
        ]
        raised = timezone.localtime(flag.record.raised_at).date() if flag.record else state.facts.today
        items.append(
            _("Red flag %(name)s (%(urgency)s), raised %(date)s: %(stage)s")
            % {
                "name": flag.name.get(lang),
                "urgency": vocab(str(flag.urgency)),
                "date": f"{raised:%d-%m-%Y}",
                "stage": FLAG_STAGE_WORDS[flag.stage](),
            }
            + ("; " + "; ".join(history) if history else "")
        )
    return _section(_("Red flags"), paragraphs, items)


GP_OUTCOME_WORDS = {
    Outcome.RED_FLAG: lambda: _("a red flag needs attention first"),
    Outcome.WORSENED: lambda: _("clinically important worsening"),
    Outcome.IMPROVED: lambda: _("clinically important improvement of pain and function"),
    Outcome.PARTIAL: lambda: _("clinically important improvement of either pain or function"),
    Outcome.NOT_IMPROVED: lambda: _("no clinically important improvement"),
    Outcome.INCOMPLETE: lambda: _("change not yet fully measurable"),
    Outcome.UNKNOWN: lambda: _("change not yet measurable"),
}
GP_DECISION_WORDS = {
    DecisionAction.PROGRESS: lambda: _("We are building up towards the previous level of activity and discharge."),
    DecisionAction.REFER: lambda: _("We ask you to see the patient again (back to the GP)."),
    DecisionAction.STOP: lambda: _("We are stopping the treatment and discussing this with the patient."),
}


def number(value: float, lang: str) -> str:
    """A number as the reader writes it: a decimal comma in Dutch and French."""
    text = f"{value:g}"
    return text.replace(".", ",") if lang in ("nl", "fr") else text


FLAG_STAGE_WORDS = {
    FlagStage.RAISED: lambda: _("no action recorded yet"),
    FlagStage.ACTED: lambda: _("action taken, awaiting the doctor's assessment"),
    FlagStage.EXCLUDED: lambda: _("excluded by a doctor"),
    FlagStage.CONFIRMED: lambda: _("confirmed by a doctor, referred"),
    FlagStage.WITHDRAWN: lambda: _("withdrawn, raised in error"),
}
FLAG_EVENT_WORDS = {
    FlagEventKind.ACTION: lambda: _("action"),
    FlagEventKind.EXCLUDED: lambda: _("excluded"),
    FlagEventKind.CONFIRMED: lambda: _("confirmed"),
    FlagEventKind.WITHDRAWN: lambda: _("withdrawn"),
}


def _risk(result: dict[str, Any], therapist: str) -> dict[str, Any]:
    radicular = result.get("radicular")
    set_by = " " + _("(set by the %(therapist)s)") % {"therapist": therapist}
    return _section(
        _("Risk and profile"),
        [
            _("STarT Back risk: %(risk)s") % {"risk": vocab(result["risk"]) if result.get("risk") else "–"},
            _("Treatment profile: %(profile)s") % {"profile": result.get("profile") or "–"}
            + (set_by if result.get("profile_override") else ""),
            _("Radicular syndrome suspected: %(answer)s") % {"answer": _("yes") if radicular else _("no")},
        ],
    )


def _outcomes(evaluation: Evaluation, lang: str, closing_reason: str = "") -> dict[str, Any]:
    rules = engine.change_rules()
    items = []
    for item in evaluation.changes:
        name = rules[item.instrument].name.get(lang)
        base = "–" if item.baseline is None else number(item.baseline, lang)
        follow = "–" if item.follow_up is None else number(item.follow_up, lang)
        items.append(f"{name}: {base} → {follow}. {item.reason.get(lang)}")
    paragraphs = []
    if evaluation.gpe is not None:
        verdict = _("success") if evaluation.gpe.success else _("no success")
        paragraphs.append(
            _("Global perceived effect: %(value)s (%(verdict)s)") % {"value": evaluation.gpe.value, "verdict": verdict}
        )
    if not items:
        paragraphs.append(_("No questionnaires were completed."))
    decision = evaluation.decision
    if decision is not None:
        # For the GP: the outcome in words, and only decisions that concern them; the therapist's own to-dos
        # ("measure first", "carry on", "ask about risk factors") stay out of the letter.
        weeks = number(evaluation.weeks, lang)
        outcome = str(GP_OUTCOME_WORDS.get(decision.outcome, GP_OUTCOME_WORDS[Outcome.UNKNOWN])())
        paragraphs.append(
            (
                _("Evaluation %(weeks)s weeks after the complaint started: %(outcome)s.")
                if evaluation.clock_field == "onset_on"
                else _("Evaluation %(weeks)s weeks after the first contact: %(outcome)s.")
            )
            % {"weeks": weeks, "outcome": outcome}
        )
        if decision.action in GP_DECISION_WORDS:
            paragraphs.append(str(GP_DECISION_WORDS[decision.action]()))
    if closing_reason:
        paragraphs.append(_("Closed without an end measurement: %(reason)s") % {"reason": closing_reason})
    return _section(_("Outcomes from baseline to now"), paragraphs, items)


def build_content(
    episode: Episode,
    *,
    kind: str,
    author: User,
    today: dt.date,
    treatment: str,
    advice: str,
    lang: str = "nl",
    closing_reason: str = "",
) -> dict[str, Any]:
    """The report's content, in `lang`; reads only what the caller may already see."""
    with translation.override(lang):
        patient = episode.patient
        intake = episode.latest("intakes")
        intake = intake if isinstance(intake, Intake) else None
        examination = episode.latest("examinations")
        examination = examination if isinstance(examination, Examination) else None
        state = state_of(episode, today)
        result = state.triage.to_dict(lang)  # type: ignore[arg-type]
        evaluation = evaluate(episode, today, state)
        # The practice's country names the discipline and the addressee: kinesitherapie and "huisarts / behandelend
        # arts" in Belgium, fysiotherapie and "huisarts" in the Netherlands.
        country = patient.practice.country
        words = {term: engine.country_term(term, country).get(lang) for term in ("therapy", "therapist")}
        addressee = engine.country_term("letter_addressee", country).get(lang)
        title = (_("Discharge report %(therapy)s") if kind == "discharge" else _("Interim report %(therapy)s")) % {
            "therapy": words["therapy"]
        }
        help_request = (
            [_("Help request: %(text)s") % {"text": intake.help_request}] if intake else [_("No intake recorded.")]
        )
        return {
            "title": title,
            "meta": [
                [_("To"), patient.gp_name or capfirst(addressee)],
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
                _section(_("Reason for referral and help request"), help_request),
                _findings(intake, examination),
                _risk(result, words["therapist"]),
                _red_flags(state, lang),
                _section(_("Treatment given"), [treatment or _("Not described.")]),
                _outcomes(evaluation, lang, closing_reason),
                _section(_("Advice and follow-up"), [advice or _("None.")]),
            ],
            "signature": [
                _("Kind regards,"),
                author.get_full_name() or author.get_username(),
                str(patient.practice),
            ],
        }


def render_pdf(content: dict[str, Any]) -> bytes:
    """A4 PDF of `content` with the shipped DejaVu font (all Dutch characters, no system fonts needed)."""
    pdf = FPDF(format="A4")
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(auto=True, margin=18)
    add_unicode_fonts(pdf)
    pdf.set_title(content["title"])
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 15)
    pdf.multi_cell(0, 8, content["title"], new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(2)
    for label, value in content["meta"]:
        pdf.set_font("DejaVu", "B", 10)
        pdf.cell(32, 6, f"{label}:")
        pdf.set_font("DejaVu", "", 10)
        pdf.multi_cell(0, 6, value, new_x="LMARGIN", new_y="NEXT", align="L")
    for section in content["sections"]:
        pdf.ln(3)
        pdf.set_font("DejaVu", "B", 12)
        pdf.multi_cell(0, 7, section["heading"], new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.set_font("DejaVu", "", 10)
        for paragraph in section["paragraphs"]:
            pdf.multi_cell(0, 5.5, paragraph, new_x="LMARGIN", new_y="NEXT", align="L")
        for item in section["items"]:
            pdf.set_x(pdf.l_margin + 4)
            pdf.multi_cell(0, 5.5, f"• {item}", new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(6)
    for line in content["signature"]:
        pdf.multi_cell(0, 5.5, line, new_x="LMARGIN", new_y="NEXT", align="L")
    return bytes(pdf.output())
