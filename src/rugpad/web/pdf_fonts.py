"""The Unicode fonts every PDF of rugpad draws with: the DejaVu Sans files shipped once, with the outcomes app
(``outcomes/static/outcomes/fonts/``, licence alongside). PDF core fonts know Latin-1 only and would print
"Y?lmaz" for Yılmaz; DejaVu covers Latin, Greek and Cyrillic scripts in full."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

FONTS = Path(__file__).resolve().parent / "outcomes" / "static" / "outcomes" / "fonts"
"""The folder with DejaVuSans.ttf, DejaVuSans-Bold.ttf and their licence."""
FAMILY = "DejaVu"


def add_unicode_fonts(pdf: FPDF) -> str:
    """Registers DejaVu Sans (regular, bold; italic drawn upright, as no oblique face is shipped) and returns the
    family name to pass to `set_font`."""
    pdf.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.add_font(FAMILY, "I", str(FONTS / "DejaVuSans.ttf"))
    return FAMILY
