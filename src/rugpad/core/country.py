"""What differs between the countries rugpad serves, as plain data: words, phone numbers, whose guideline first.

A Belgian patient is treated by a *kinesitherapeut*, calls *1733* when the GP's practice is closed and is insured
through a *ziekenfonds*; a Dutch one sees a *fysiotherapeut*, calls the *huisartsenpost* and has a
*zorgverzekeraar*. The clinical rules are the same in both countries; only these words, the numbers and the order in
which a recommendation's guidelines are cited differ, and all of them are content
(``content/data/country/``), read per practice through `rugpad.engine`:

    practice.country ──► CountryCare ──► term(Term.THERAPIST)        → Text (nl / en / fr)
                                    ├──► phones.out_of_hours          → 1733 with its words, or None
                                    └──► cited_first(rule's sources)  → the country's own guideline first
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from rugpad.core.errors import InvalidInput
from rugpad.core.text import Text
from rugpad.core.vocab import Country

__all__ = ["CallNumber", "CountryCare", "Guideline", "Phones", "Term", "cited_first", "country_of"]


class Term(StrEnum):
    """A professional or care-system word whose name differs per country (the keys of ``country/terms.yaml``)."""

    THERAPIST = "therapist"
    """fysiotherapeut (NL), kinesitherapeut (BE), kinésithérapeute (BE, French)."""
    THERAPY = "therapy"
    """The discipline as a subject: fysiotherapie, kinesitherapie (a report's title)."""
    GP = "gp"
    OUT_OF_HOURS = "out_of_hours"
    """Whom a patient calls when the GP's practice is closed: the huisartsenpost (NL), the GP on call at 1733 (BE)."""
    EMERGENCY_DEPARTMENT = "emergency_department"
    INSURER = "insurer"
    """Who reimburses care: the zorgverzekeraar (NL), the ziekenfonds or mutualiteit (BE)."""
    OCCUPATIONAL_PHYSICIAN = "occupational_physician"
    """bedrijfsarts (NL), arbeidsgeneesheer / médecin du travail (BE)."""
    LETTER_ADDRESSEE = "letter_addressee"
    """Whom the referral letter is addressed to: the huisarts (NL), the huisarts / behandelend arts (BE)."""


def country_of(raw: object) -> Country:
    """A country code ("nl", "be") as a `Country`; InvalidInput naming the field otherwise."""
    try:
        return Country(str(raw).lower())
    except ValueError:
        known = ", ".join(country.value for country in Country)
        raise InvalidInput("country", f"{raw!r} is not a country rugpad serves; known: {known}") from None


@dataclass(frozen=True, slots=True)
class CallNumber:
    """A number a patient may call, with the words on its call button."""

    number: str
    label: Text
    """The button's words, with ``{number}`` where the number stands."""


@dataclass(frozen=True, slots=True)
class Phones:
    """The numbers a patient of this country is given."""

    emergency: str
    """112 in both countries."""
    out_of_hours: CallNumber | None
    """The national number of the GP on call when the practice is closed (Belgium: 1733); None where each region
    has its own (the Dutch huisartsenposten), so no single number can be shown."""
    source: str
    """The source id the numbers rest on."""


@dataclass(frozen=True, slots=True)
class Guideline:
    """A publisher of guidelines a country's clinicians read first (KNGF, NHG, KCE) and the source ids that are its."""

    publisher: str
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CountryCare:
    """Everything rugpad words or orders differently for one country."""

    country: Country
    terms: Mapping[Term, Text]
    phones: Phones
    guidelines: tuple[Guideline, ...]
    """The country's own guideline publishers, cited first, in this order."""

    def term(self, key: Term | str) -> Text:
        """The country's word for `key` in every language; InvalidInput for a key that is no `Term`."""
        try:
            wanted = Term(key)
        except ValueError:
            known = ", ".join(term.value for term in Term)
            raise InvalidInput("term", f"{key!r} is not a country term; known: {known}") from None
        return self.terms[wanted]

    @property
    def preferred_sources(self) -> tuple[str, ...]:
        """The source ids of the country's own guidelines, in the order they are cited first."""
        return tuple(source for guideline in self.guidelines for source in guideline.sources)

    def cited_first(self, source_ids: Iterable[str]) -> tuple[str, ...]:
        """`source_ids` with this country's own guidelines first (see `cited_first`)."""
        return cited_first(source_ids, self.preferred_sources)


def cited_first(source_ids: Iterable[str], preferred: Sequence[str]) -> tuple[str, ...]:
    """The sources of one recommendation in the order a reader should see them: the preferred ones first, in the
    order of `preferred` (the country's own guidelines), then the others in the order the rule gives them. A source
    named twice is shown once. Nothing is dropped: a Dutch clinician still sees that KCE says the same."""
    unique = tuple(dict.fromkeys(source_ids))
    rank = {source: position for position, source in enumerate(dict.fromkeys(preferred))}
    last = len(rank)
    # sorted() is stable: sources outside the preference keep the rule's own order.
    return tuple(sorted(unique, key=lambda source: rank.get(source, last)))
