"""The words and numbers of the reader's country on a page: ``{% load country %}``.

- ``{% term "therapist" %}`` — the country's word (kinesitherapeut, fysiotherapeut, kinésithérapeute) in the page's
  language; ``{% term "insurer" as insurer %}`` keeps it for a ``blocktranslate``; ``country=`` names the country
  outright (a page about another practice's price list).
- ``{% out_of_hours_call %}`` — a call button for the country's out-of-hours GP number (Belgium: 1733), or nothing
  where there is no single national number (the Dutch huisartsenposten).

Whose country: the ``practice`` in the page's context when it has one (a public page about a practice), else the
signed-in user's practice (a patient's own practice, or the clinician's, which is their patient's), else the
Netherlands. The words themselves are content (``content/data/country/``), read through `rugpad.engine`.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString

from rugpad import engine
from rugpad.core.vocab import Country
from rugpad.web.i18n import reader_lang

register = template.Library()


def page_country(context: template.Context) -> str:
    """The country a page speaks for (see the module's docstring)."""
    practice = context.get("practice")
    if practice is not None and getattr(practice, "country", None):
        return str(practice.country)
    # An inclusion tag's template gets a fresh context without the `request` variable; the context keeps it.
    request: HttpRequest | None = context.get("request") or getattr(context, "request", None)
    user: Any = getattr(request, "user", None)
    if user is not None and getattr(user, "practice_id", None):
        return str(user.practice.country)  # cached on the user after the first read: one query per request at most
    return Country.NL.value


@register.simple_tag(takes_context=True)
def term(context: template.Context, key: str, country: str = "") -> str:
    """The country's word for `key` (a `core.country.Term`) in the page's language; autoescaped like any value."""
    return engine.country_term(key, country or page_country(context)).get(reader_lang())


@register.simple_tag(takes_context=True)
def out_of_hours_call(context: template.Context, country: str = "") -> SafeString | str:
    """A call button for the country's national out-of-hours GP number, or nothing when it has none."""
    number = engine.country_care(country or page_country(context)).phones.out_of_hours
    if number is None:
        return ""
    label = number.label.get(reader_lang()).replace("{number}", number.number)
    return format_html('<a class="button call" href="tel:{}">{}</a>', number.number, label)
