"""The printable home-exercise programme: illustrations, steps, doses, the weekly schedule and the "contact us now
if..." signs from the education module `when-to-contact-now`. Drawn with fpdf2 (its SVG support draws the line
illustrations; the arrow markers and titles it cannot draw are taken out first) in the shipped DejaVu fonts, so
every name prints as written (Yılmaz, Łukasz, Σοφία)."""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata

from django.utils.translation import gettext as _
from fpdf import FPDF

from rugpad import engine
from rugpad.core.vocab import Lang
from rugpad.web.pdf_fonts import FAMILY, add_unicode_fonts
from rugpad.web.plans.models import PlanVersion, TreatmentPlan
from rugpad.web.plans.queries import ItemView, contact_now, exercises_of

_UNSUPPORTED_SVG = re.compile(r"<title[^>]*>.*?</title>|<defs>.*?</defs>|\smarker-(?:start|end)=\"[^\"]*\"", re.S)
_DAY_NAMES = engine.phrase("plan.weekdays")
"""The weekly schedule's column heads, Monday first, in one phrase separated by spaces."""


def _t(text: str) -> str:
    """Text as drawn: DejaVu has every character of the names and content; a control character (which no form
    lets through, but older records may hold) is left out rather than drawn as a box."""
    return "".join(char for char in text if char in "\n\t" or unicodedata.category(char) not in ("Cc", "Cs"))


def last_day(starts_on: dt.date, weeks: int) -> dt.date:
    """The programme's last day; a start stored near the end of the calendar (9999-12-31, from before the forms
    refused it) ends on the calendar's last day instead of overflowing."""
    try:
        return starts_on + dt.timedelta(days=weeks * 7 - 1)
    except OverflowError:
        return dt.date.max


def drawable_svg(svg: str) -> bytes:
    return _UNSUPPORTED_SVG.sub("", svg).encode()


class _Programme(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, size=8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 6, _t(f"{self.footer_text}  ·  {self.page_no()}"), align="C")


def programme_pdf(plan: TreatmentPlan, version: PlanVersion, lang: Lang) -> bytes:
    patient = plan.episode.patient
    views = exercises_of(plan, lang)
    pdf = _Programme(format="A4")
    add_unicode_fonts(pdf)
    pdf.footer_text = f"rugpad · {patient.practice.name} · {_('version')} {version.number}"
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.set_margins(15, 15, 15)
    pdf.add_page()
    pdf.set_font(FAMILY, "B", 18)
    pdf.cell(0, 10, _t(_("Your home exercise programme")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, size=11)
    pdf.multi_cell(
        0,
        6,
        _t(
            _("For %(name)s, from %(start)s to %(end)s (%(weeks)s weeks).")
            % {
                "name": f"{patient.first_name} {patient.last_name}",
                "start": f"{version.starts_on:%d-%m-%Y}",
                "end": f"{last_day(version.starts_on, version.weeks):%d-%m-%Y}",
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
    pdf.set_font(FAMILY, "B", size)
    pdf.set_text_color(11, 92, 122)
    pdf.multi_cell(0, 7, _t(text), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(FAMILY, size=11)


def _schedule(pdf: FPDF, views: list[ItemView], lang: Lang) -> None:
    _heading(pdf, _("Weekly schedule"))
    days = _DAY_NAMES.get(lang).split()
    name_width = pdf.epw - 7 * 12
    pdf.set_font(FAMILY, "B", 10)
    pdf.cell(name_width, 7, _t(_("Exercise")), border=1)
    for day in days:
        pdf.cell(12, 7, day, border=1, align="C")
    pdf.ln()
    pdf.set_font(FAMILY, size=10)
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
    pdf.set_font(FAMILY, "B", 11)
    pdf.multi_cell(width, 6, _t(view.dose_text), new_x="LEFT", new_y="NEXT")
    pdf.set_font(FAMILY, "I", 10)
    pdf.multi_cell(width, 5, _t(exercise.position.get(lang)), new_x="LEFT", new_y="NEXT")
    pdf.set_font(FAMILY, size=10)
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
        pdf.set_font(FAMILY, "B", 11)
        pdf.multi_cell(0, 6, _t(heading), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FAMILY, size=10)
        for bullet in bullets:
            pdf.multi_cell(0, 5, _t(f"- {bullet}"), new_x="LMARGIN", new_y="NEXT")
