"""Amounts in cents as a reader writes them: "€ 1.234,50" in Dutch (a no-break space), "€1,234.50" in English,
"1 234,50 €" in French (the sign after the amount)."""

from __future__ import annotations

from decimal import Decimal

from django.utils import formats
from django.utils.translation import get_language


def euros(cents: int | None) -> str:
    if cents is None:
        return "–"
    amount = formats.number_format(Decimal(cents) / 100, decimal_pos=2, use_l10n=True, force_grouping=True)
    # a no-break space: the sign never ends a line apart from its amount
    lang = (get_language() or "nl")[:2]
    if lang == "fr":
        return f"{amount}\u00a0€"
    return f"€\u00a0{amount}" if lang == "nl" else f"€{amount}"


def euros_input(cents: int | None) -> str:
    """An amount as a form shows it for editing: "45,50" in Dutch, "45.50" in English, without grouping."""
    if cents is None:
        return ""
    return formats.number_format(Decimal(cents) / 100, decimal_pos=2, use_l10n=True)
