"""Questionnaire (instrument) definitions: what the patient sees and how the answers are scored.

The definitions are data (``content/data/instruments/*.yaml``) so a clinician can review wording, bands and
missing-item rules without reading Python; this module only gives them a typed shape. Scoring itself lives in
`rugpad.core.scoring`, keyed by `ScoringRule`.

Every part of a definition carries its `Provenance`: the wording, the scoring rule, the missing-item rule, the
bands and the licence each name a source and say how well they are sourced, because for several instruments
(the Dutch wordings, NDI statements, GPE, PSK anchors, QBPDS) no verified text was available.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from rugpad.core.text import Text
from rugpad.core.vocab import Evidence, Lang, Region

__all__ = [
    "Band",
    "InstrumentDefinition",
    "Item",
    "Licence",
    "Option",
    "Part",
    "Provenance",
    "Recode",
    "Scoring",
    "ScoringRule",
]


class ScoringRule(StrEnum):
    """How answers become a score; each value has one function in `rugpad.core.scoring`."""

    SUM = "sum"
    """Plain sum of the (recoded) item values; only scored when at least `min_answered` items are answered."""
    SUM_WITH_DENOMINATOR_REDUCTION = "sum_with_denominator_reduction"
    """Sum of answered items divided by their maximum, scaled to `scale_max` (ODI, NDI)."""
    MEAN = "mean"
    """Mean of the answered items (PSK)."""
    STARTBACK = "startback"
    """STarT Back: total, psychosocial subscale and risk group."""


class Part(StrEnum):
    """The parts of a definition whose provenance is recorded separately."""

    WORDING_EN = "wording_en"
    WORDING_NL = "wording_nl"
    WORDING_FR = "wording_fr"
    SCORING = "scoring"
    MISSING_RULE = "missing_rule"
    BANDS = "bands"
    LICENCE = "licence"


def wording_part(lang: Lang) -> Part:
    """The part that records where the questionnaire's wording in `lang` comes from (its licensed version, or
    rugpad's own translation and therefore unverified)."""
    return Part(f"wording_{lang.value}")


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where one part of a definition comes from; `note` explains anything the clinician should know."""

    part: Part
    source_id: str
    evidence: Evidence
    note: Text | None = None


@dataclass(frozen=True, slots=True)
class Option:
    """One response option: the value that is scored and the label the patient reads."""

    value: int
    label: Text


@dataclass(frozen=True, slots=True)
class Item:
    """One question (item, section) of an instrument.

    `options` lists the labelled choices; it is empty for numeric rating scales, which have `anchors`
    (labels for `minimum` and `maximum` only). `optional` items may be left blank without counting as
    missing (the 4th and 5th PSK activity).
    """

    number: int
    text: Text
    options: tuple[Option, ...]
    minimum: int
    maximum: int
    anchors: tuple[Option, ...] = ()
    optional: bool = False

    @property
    def allowed(self) -> frozenset[int]:
        """Every valid answer: the options' values within minimum..maximum, or the whole range for a rating scale."""
        if self.options:
            return frozenset(o.value for o in self.options if self.minimum <= o.value <= self.maximum)
        return frozenset(range(self.minimum, self.maximum + 1))


@dataclass(frozen=True, slots=True)
class Band:
    """An interpretation band of the score, inclusive at both ends; `key` is stable (``"moderate"``)."""

    low: float
    high: float
    label: Text
    key: str

    def contains(self, score: float) -> bool:
        return self.low <= score <= self.high


@dataclass(frozen=True, slots=True)
class Licence:
    """Who holds the rights to the instrument and on what terms it may be used."""

    holder: str
    terms: Text


@dataclass(frozen=True, slots=True)
class Recode:
    """Scored value per answer for one item: `scored[answer]` (STarT Back item 9: only 3 and 4 count as 1)."""

    item: int
    scored: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Scoring:
    """The scoring rule and its parameters, with the rule and the missing-item rule in plain words.

    `min_answered` is the number of answered items needed for a score (``None`` = every non-optional item);
    `recode` gives the scored value per answer for some items (STarT Back item 9); `subscale` lists the items of
    the psychosocial subscale; `decimals` is the rounding of the score (half up).
    """

    rule: ScoringRule
    description: Text
    missing_rule: Text
    min_answered: int | None = None
    decimals: int = 0
    scale_max: int | None = None
    report_percent: bool = False
    recode: tuple[Recode, ...] = ()
    subscale: tuple[int, ...] = ()
    low_risk_max_total: int | None = None
    high_risk_min_subscale: int | None = None


@dataclass(frozen=True, slots=True)
class InstrumentDefinition:
    """One questionnaire, as loaded from its YAML file; `code` is the file name (``"odi"``)."""

    code: str
    version: str
    name: Text
    short_name: str
    regions: frozenset[Region]
    recall_period: Text
    instructions: Text
    items: tuple[Item, ...]
    scoring: Scoring
    bands: tuple[Band, ...]
    higher_is_worse: bool
    reference: str
    licence: Licence
    source_id: str
    provenance: tuple[Provenance, ...] = ()
    _items_by_number: dict[int, Item] = field(init=False, repr=False, compare=False)
    _recode_by_item: dict[int, Recode] = field(init=False, repr=False, compare=False)
    _answers: dict[str, tuple[int, frozenset[int]]] = field(init=False, repr=False, compare=False)
    _required: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _required_set: frozenset[int] = field(init=False, repr=False, compare=False)
    _scored_maxima: dict[int, int] = field(init=False, repr=False, compare=False)
    _bands_by_key: dict[str, Band] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Look-ups built once: scoring runs in the triage's hot path (thousands of times a second).
        object.__setattr__(self, "_items_by_number", {item.number: item for item in self.items})
        object.__setattr__(self, "_recode_by_item", {entry.item: entry for entry in self.scoring.recode})
        object.__setattr__(self, "_answers", {str(item.number): (item.number, item.allowed) for item in self.items})
        object.__setattr__(self, "_required", tuple(item.number for item in self.items if not item.optional))
        object.__setattr__(self, "_required_set", frozenset(self._required))
        maxima = {}
        for item in self.items:
            recode = self._recode_by_item.get(item.number)
            maxima[item.number] = recode.scored[item.maximum] if recode else item.maximum
        object.__setattr__(self, "_scored_maxima", maxima)
        bands: dict[str, Band] = {}
        for band in self.bands:
            bands.setdefault(band.key, band)
        object.__setattr__(self, "_bands_by_key", bands)

    @property
    def answers(self) -> dict[str, tuple[int, frozenset[int]]]:
        """Item number as written in JSON (``"1"``) -> (item number, every valid answer): validation's fast path."""
        return self._answers

    @property
    def required(self) -> tuple[int, ...]:
        """The numbers of the items that count as missing when unanswered (every item but the optional ones)."""
        return self._required

    @property
    def required_set(self) -> frozenset[int]:
        """`required` as a set, for the test "is anything missing?"."""
        return self._required_set

    @property
    def scored_maxima(self) -> dict[int, int]:
        """Item number -> the highest score its answers can give (after recoding): the denominators of ODI and NDI."""
        return self._scored_maxima

    @property
    def recodes(self) -> dict[int, Recode]:
        """The recoded items by number (STarT Back item 9)."""
        return self._recode_by_item

    def item(self, number: int) -> Item | None:
        return self._items_by_number.get(number)

    def recode_of(self, number: int) -> Recode | None:
        """How the answer to item `number` is scored, when the instrument recodes it (STarT Back item 9)."""
        return self._recode_by_item.get(number)

    def provenance_of(self, part: Part) -> Provenance | None:
        return next((entry for entry in self.provenance if entry.part is part), None)

    def band(self, key: str) -> Band | None:
        return self._bands_by_key.get(key)

    @property
    def unverified_parts(self) -> tuple[Part, ...]:
        """The parts the UI must flag: no source was found for them."""
        return tuple(entry.part for entry in self.provenance if entry.evidence is Evidence.UNVERIFIED)
