"""The printable home-exercise programme: illustrations, steps, doses, the weekly schedule and the "contact us now
if..." signs from the education module `when-to-contact-now`. Drawn with fpdf2 (its SVG support draws the line
illustrations; the arrow markers and titles it cannot draw are taken out first)."""

from __future__ import annotations

import io
import re

from django.utils.translation import gettext as _
from fpdf import FPDF

from rugpad.core.vocab import Lang
from rugpad.web.plans.models import PlanVersion, TreatmentPlan
from rugpad.web.plans.queries import ItemView, contact_now, exercises_of

_UNSUPPORTED_SVG = re.compile(r"<title[^>]*>.*?</title>|<defs>.*?</defs>|\smarker-(?:start|end)=\"[^\"]*\"", re.S)
_LATIN1 = str.maketrans(
    {"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...", "•": "-", "≤": "<=", "≥": ">="}
)
DAY_NAMES = {
    Lang.NL: ("ma", "di", "wo", "do", "vr", "za", "zo"),
    Lang.EN: ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}


def _t(text: str) -> str:
    """Text in the PDF core fonts' Latin-1; the few typographic characters outside it become plain ones."""
    return text.translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")


def drawable_svg(svg: str) -> bytes:
    return _UNSUPPORTED_SVG.sub("", svg).encode()


class _Programme(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 6, _t(f"{self.footer_text}  ·  {self.page_no()}"), align="C")


def programme_pdf(plan: TreatmentPlan, version: PlanVersion, lang: Lang) -> bytes:
    patient = plan.episode.patient
    views = exercises_of(plan, lang)
    pdf = _Programme(format="A4")
    pdf.footer_text = f"rugpad · {patient.practice.name} · {_('version')} {version.number}"
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.set_margins(15, 15, 15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(0, 10, _t(_("Your home exercise programme")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    until = version.starts_on.toordinal() + version.weeks * 7 - 1
    from datetime import date

    pdf.multi_cell(
        0,
        6,
        _t(
            _("For %(name)s, from %(start)s to %(end)s (%(weeks)s weeks).")
            % {
                "name": f"{patient.first_name} {patient.last_name}",
                "start": f"{version.starts_on:%d-%m-%Y}",
                "end": f"{date.fromordinal(until):%d-%m-%Y}",
                "weeks": version.weeks,
            }
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    _schedule(pdf, views, lang)
    for number, view in enumerate(views, start=1):
        _exercise(pdf, number, view, lang)
    _contact(pdf, patient.practice.phone, lang)
    return bytes(pdf.output())


def _heading(pdf: FPDF, text: str, size: int = 14) -> None:
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", size)
    pdf.set_text_color(11, 92, 122)
    pdf.multi_cell(0, 7, _t(text), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("Helvetica", size=11)


def _schedule(pdf: FPDF, views: list[ItemView], lang: Lang) -> None:
    _heading(pdf, _("Weekly schedule"))
    days = DAY_NAMES[lang]
    name_width = pdf.epw - 7 * 12
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(name_width, 7, _t(_("Exercise")), border=1)
    for day in days:
        pdf.cell(12, 7, day, border=1, align="C")
    pdf.ln()
    pdf.set_font("Helvetica", size=10)
    for view in views:
        pdf.cell(name_width, 7, _t(view.title), border=1)
        per_day = view.spec.dose.times_per_day if view.spec.dose else None
        for index in range(7):
            mark = (f"{per_day}x" if per_day and per_day > 1 else "X") if index in view.days else ""
            pdf.cell(12, 7, mark, border=1, align="C")
        pdf.ln()


def _exercise(pdf: FPDF, number: int, view: ItemView, lang: Lang) -> None:
    exercise = view.exercise
    assert exercise is not None
    if pdf.get_y() > pdf.h - 90:
        pdf.add_page()
    _heading(pdf, f"{number}. {view.title}", 13)
    top = pdf.get_y()
    pdf.image(io.BytesIO(drawable_svg(view.svg)), x=pdf.l_margin, y=top, w=60)
    pdf.set_xy(pdf.l_margin + 64, top)
    width = pdf.epw - 64
    pdf.set_font("Helvetica", "B", 11)
    pdf.multi_cell(width, 6, _t(view.dose_text), new_x="LEFT", new_y="NEXT")
    pdf.set_font("Helvetica", "I", 10)
    pdf.multi_cell(width, 5, _t(exercise.position.get(lang)), new_x="LEFT", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    for index, step in enumerate(exercise.steps, start=1):
        pdf.multi_cell(width, 5, _t(f"{index}. {step.get(lang)}"), new_x="LEFT", new_y="NEXT")
    pdf.set_y(max(pdf.get_y(), top + 42) + 2)
    pdf.set_x(pdf.l_margin)


def _contact(pdf: FPDF, phone: str, lang: Lang) -> None:
    title, sections = contact_now(lang)
    if pdf.get_y() > pdf.h - 100:
        pdf.add_page()
    _heading(pdf, title)
    if phone:
        pdf.multi_cell(0, 6, _t(_("Your practice: %(phone)s") % {"phone": phone}), new_x="LMARGIN", new_y="NEXT")
    for heading, bullets in sections:
        pdf.set_font("Helvetica", "B", 11)
        pdf.multi_cell(0, 6, _t(heading), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=10)
        for bullet in bullets:
            pdf.multi_cell(0, 5, _t(f"- {bullet}"), new_x="LMARGIN", new_y="NEXT")
