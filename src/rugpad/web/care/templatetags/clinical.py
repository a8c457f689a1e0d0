"""Template filters for showing the engine's vocabulary and explanations in the reader's language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from rugpad import engine
from rugpad.core.text import Source, Text
from rugpad.core.vocab import LANGUAGE_NAMES
from rugpad.web.i18n import reader_lang

register = template.Library()


@register.simple_tag
def spoken_languages() -> list[tuple[str, str]]:
    """`{% spoken_languages as languages %}`: each language rugpad speaks by code, named in itself ("Français" on
    every page: a reader looks for their own language's name, not its name in the page's language)."""
    return [(lang.value, name) for lang, name in LANGUAGE_NAMES.items()]


@register.filter
def words(text: Text | None) -> str:
    """`{{ rule.name|words }}`: a content text in the reader's language (another, marked, if it lacks that one)."""
    return text.get(reader_lang()) if text is not None else ""


# The words a clinician reads for the engine's vocabulary values (urgency, strength, verdict, risk).
VOCABULARY_LABELS = {
    "emergency": _("emergency"),
    "urgent": _("urgent"),
    "soon": _("soon"),
    "none": _("none"),
    "do": _("do"),
    "consider": _("consider"),
    "do_not": _("do not"),
    "allowed": _("allowed"),
    "caution": _("caution"),
    "contraindicated": _("contra-indicated"),
    "low": _("low"),
    "medium": _("medium"),
    "high": _("high"),
    "continue": _("continue"),
    "progress": _("progress"),
    "reevaluate_risk_factors": _("re-evaluate risk factors"),
    "refer": _("refer"),
    "stop": _("stop"),
    "measure": _("measure first"),
    "red_flag": _("red flag"),
    "worsened": _("worsened"),
    "improved": _("improved"),
    "partial": _("partly improved"),
    "not_improved": _("not improved"),
    "incomplete": _("not fully measured"),
    "unknown": _("unknown"),
    "verified": _("verified"),
    "secondary": _("secondary source"),
    "unverified": _("unverified"),
    "minimal": _("minimal"),
    "mild": _("mild"),
    "moderate": _("moderate"),
    "severe": _("severe"),
}

# The measurement moments of the schedule (`content/data/evaluation/schedule.yaml`) by key. A test checks that every
# moment of the schedule has a name here.
MOMENT_LABELS = {
    "intake": _("Baseline (intake)"),
    "ndi-week-2": _("Neck function after 2 weeks"),
    "ndi-week-4": _("Neck function after 4 weeks"),
    "reevaluation-3-4-weeks": _("Re-evaluation after 3 to 4 weeks"),
    "reevaluation-6-weeks": _("Re-evaluation after 6 weeks"),
    "reevaluation-6-8-weeks": _("Re-evaluation after 6 to 8 weeks"),
    "reevaluation-12-weeks": _("Re-evaluation after 12 weeks"),
    "end": _("End of treatment"),
}


@register.filter
def vocab(value: object) -> object:
    """`{{ result.urgency|vocab }}` → "spoed" in Dutch; unknown values are shown as they are."""
    return VOCABULARY_LABELS.get(str(value), value)


@register.filter
def moment(key: object) -> object:
    """`{{ s.moment.key|moment }}` → "Herbeoordeling na 3 tot 4 weken"; a questionnaire sent without a moment is "–"."""
    if not key:
        return "–"
    return MOMENT_LABELS.get(str(key), _("Measurement"))


@register.filter
def instrument_name(code: object) -> str:
    """`{{ response.instrument|instrument_name }}` → "SBST", the questionnaire's own short name (not its file code)."""
    definition = engine.instruments().get(str(code))
    return definition.short_name if definition else str(code).upper()


@register.filter
def instrument_title(code: object) -> str:
    """`{{ response.instrument|instrument_title }}` → the questionnaire's full name in the reader's language, for
    patients, to whom "SBST" says nothing."""
    definition = engine.instruments().get(str(code))
    return definition.name.get(reader_lang()) if definition else str(code).upper()


@register.filter
def band(result: Mapping[str, Any] | None, code: object) -> str:
    """`{{ response.result|band:response.instrument }}`: the interpretation band's name from the instrument's own
    definition ("Matige pijn"), in the reader's language; "" when the score has no band."""
    key = (result or {}).get("band")
    if not key:
        return ""
    definition = engine.instruments().get(str(code))
    if definition is None:
        return ""
    named = next((b for b in definition.bands if b.key == key), None)
    return named.label.get(reader_lang()) if named else ""


def source_of(value: object) -> Source | None:
    """The source a template names: itself, its id, or an explanation's ``{"id", "citation", "url"}`` dict (a dict
    whose id is no packaged source, such as a screening item's, is shown by its own citation)."""
    if isinstance(value, Source):
        return value
    if isinstance(value, Mapping):
        known = engine.sources().get(str(value.get("id")))
        if known is None and value.get("citation"):
            return Source(id=str(value.get("id")), citation=str(value["citation"]), url=str(value.get("url") or ""))
        return known
    return engine.sources().get(str(value)) if value else None


def cited(source: Source, link: bool = False) -> SafeString:
    """A source as a reader sees it. A bibliographic citation stays in the language it was published in, so it sits
    in a `<cite>` element (which the page language checks pass over); rugpad's own words are in the reader's language
    and are plain text, checked like the rest of the page. With `link`, the words lead to the source's URL."""
    words = source.cite(reader_lang())
    shown = (
        format_html('<a href="{}" rel="noopener noreferrer" target="_blank">{}</a>', source.url, words)
        if link and source.url
        else conditional_escape(words)
    )
    return format_html("{}", shown) if source.words is not None else format_html("<cite>{}</cite>", shown)


@register.filter
def citation(source: object) -> SafeString | str:
    """`{{ rule.source_id|citation }}`: the source (an id, a `Source` or an explanation's source dict) as `cited`
    shows it; "–" for an unknown id, never the id itself."""
    found = source_of(source)
    return cited(found) if found is not None else "–"


@register.filter
def linked_citation(source: object) -> SafeString | str:
    """`{{ why.source|linked_citation }}`: as `citation`, the words leading to the source's URL when it has one."""
    found = source_of(source)
    return cited(found, link=True) if found is not None else "–"


@register.filter
def get(mapping: Mapping[str, Any] | None, key: object) -> Any:
    return mapping.get(str(key)) if mapping else None
