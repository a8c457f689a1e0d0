"""Load what differs per country from ``data/country/``: the professional and care-system words (``terms.yaml``), the
numbers a patient is given and whose guidelines are cited first (``care.yaml``).

The shapes are declared as pydantic models; a file that does not fit raises `ContentError` naming the file and the
field. Beyond the shapes: every `Term` and every `Country` is given, every source id exists in ``sources/`` and
belongs to one publisher only. A term may lack a language other than Dutch (the reader then sees the Dutch word
behind a marker); `missing_terms` lists such gaps for the content check, which fails on any.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, RootModel, ValidationError

from rugpad.content import ContentError, load_sources, read_yaml
from rugpad.content.shapes import LangTexts
from rugpad.core.country import CallNumber, CountryCare, Guideline, Phones, Term
from rugpad.core.text import Text
from rugpad.core.vocab import Country, Lang

__all__ = ["CARE", "TERMS", "load_country_care", "missing_terms"]

TERMS = "country/terms.yaml"
CARE = "country/care.yaml"


class _Terms(RootModel[dict[Term, dict[Country, LangTexts]]]):
    pass


class _CallNumber(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    number: str = Field(pattern=r"^[0-9]{3,15}$")
    label: LangTexts


class _Phones(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    emergency: str = Field(pattern=r"^[0-9]{3,15}$")
    out_of_hours: _CallNumber | None
    source: str = Field(min_length=1)


class _Guideline(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    publisher: str = Field(min_length=1)
    sources: list[str] = Field(min_length=1)


class _CountryCare(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    phones: _Phones
    guidelines: list[_Guideline]


class _Care(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    countries: dict[Country, _CountryCare]


def _validated(model: type[BaseModel], path: str, raw: Any) -> Any:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ": ".join(str(part) for part in first["loc"]) or "(top)"
        raise ContentError(f"{path}: {where}: {first['msg']}") from None


def _text(texts: Mapping[Lang, str]) -> Text:
    """A validated `LangTexts` (Dutch present) as a `Text`, in `Lang`'s order."""
    return Text({lang: texts[lang] for lang in Lang if lang in texts})


def _raw_terms() -> dict[Term, dict[Country, dict[Lang, str]]]:
    parsed: _Terms = _validated(_Terms, TERMS, read_yaml(TERMS))
    terms = parsed.root
    missing = sorted(term.value for term in Term if term not in terms)
    if missing:
        raise ContentError(f"{TERMS}: no words for {missing}")
    for term, per_country in terms.items():
        lacking = sorted(country.value for country in Country if country not in per_country)
        if lacking:
            raise ContentError(f"{TERMS}: {term.value}: no words for {lacking}")
    return terms


@cache
def load_country_care() -> Mapping[Country, CountryCare]:
    """Per country its words, numbers and guideline order; validated once."""
    terms = _raw_terms()
    parsed: _Care = _validated(_Care, CARE, read_yaml(CARE))
    lacking = sorted(country.value for country in Country if country not in parsed.countries)
    if lacking:
        raise ContentError(f"{CARE}: countries: nothing for {lacking}")
    sources = load_sources()
    result: dict[Country, CountryCare] = {}
    for country, care in parsed.countries.items():
        where = f"{CARE}: countries: {country.value}"
        if care.phones.source not in sources:
            raise ContentError(f"{where}: phones: source: unknown source id {care.phones.source!r}")
        seen: set[str] = set()
        for index, guideline in enumerate(care.guidelines):
            for source in guideline.sources:
                if source not in sources:
                    raise ContentError(f"{where}: guidelines: {index}: sources: unknown source id {source!r}")
                if source in seen:
                    raise ContentError(f"{where}: guidelines: {index}: sources: {source!r} is listed twice")
                seen.add(source)
        out_of_hours = care.phones.out_of_hours
        if out_of_hours is not None:
            for lang, label in out_of_hours.label.items():
                if "{number}" not in label or label.count("{") != 1:
                    raise ContentError(f"{where}: phones: out_of_hours: label: {lang.value}: needs {{number}} once")
        result[country] = CountryCare(
            country=country,
            terms=MappingProxyType({term: _text(terms[term][country]) for term in Term}),
            phones=Phones(
                emergency=care.phones.emergency,
                out_of_hours=None
                if out_of_hours is None
                else CallNumber(out_of_hours.number, _text(out_of_hours.label)),
                source=care.phones.source,
            ),
            guidelines=tuple(Guideline(g.publisher, tuple(g.sources)) for g in care.guidelines),
        )
    return MappingProxyType(result)


def missing_terms() -> tuple[tuple[Term, Country, Lang], ...]:
    """Every (term, country, language) without words of its own, including a call button's label (as the term
    `out_of_hours`): what the content check reports."""
    gaps = [
        (term, country, lang)
        for term, per_country in _raw_terms().items()
        for country, texts in per_country.items()
        for lang in Lang
        if lang not in texts
    ]
    for country, care in load_country_care().items():
        if care.phones.out_of_hours is not None:
            gaps += [(Term.OUT_OF_HOURS, country, lang) for lang in care.phones.out_of_hours.label.missing()]
    return tuple(gaps)
