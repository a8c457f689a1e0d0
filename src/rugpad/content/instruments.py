"""Load and validate the questionnaire definitions in ``data/instruments/*.yaml``.

One file per instrument; the file name is the instrument code. Validation is strict (every text in both
languages, items numbered 1..n, bands covering the whole score range, every source id known) so a content
error shows up when the file is loaded, naming the file and the field, not when a patient's score is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from itertools import pairwise
from typing import Any

from rugpad.content import ContentError, E, list_files, load_sources, read_yaml, text
from rugpad.content import enum_value as _enum
from rugpad.core.instruments import (
    Band,
    InstrumentDefinition,
    Item,
    Licence,
    Option,
    Part,
    Provenance,
    Recode,
    Scoring,
    ScoringRule,
    wording_part,
)
from rugpad.core.scoring import score_range
from rugpad.core.text import Text
from rugpad.core.vocab import Evidence, Lang, Region, Risk

__all__ = ["instrument_codes", "load_instrument", "load_instruments"]


_ALWAYS_DOCUMENTED = (Part.SCORING, Part.MISSING_RULE, Part.LICENCE)
"""Besides these, every language the questionnaire is written in says where its wording comes from."""


@cache
def load_instruments() -> Mapping[str, InstrumentDefinition]:
    """Every instrument definition by code, validated; raises ContentError naming file and field."""
    definitions: dict[str, InstrumentDefinition] = {}
    for code in instrument_codes():
        definition = load_instrument(code)
        definitions[definition.code] = definition
    return definitions


@cache
def instrument_codes() -> tuple[str, ...]:
    """The codes of the packaged instruments (their file names), sorted."""
    return tuple(path.removeprefix("instruments/").removesuffix(".yaml") for path in list_files("instruments", ".yaml"))


@cache
def load_instrument(code: str) -> InstrumentDefinition:
    """One instrument definition, reading only its own file (the triage needs STarT Back alone): the same object
    `load_instruments()[code]` gives. KeyError for a code that is not packaged."""
    if code not in instrument_codes():
        raise KeyError(code)
    path = f"instruments/{code}.yaml"
    return _parse(path, read_yaml(path))


def _parse(path: str, raw: Any) -> InstrumentDefinition:
    file = _Fields(path, raw, path)
    code = file.string("code")
    if f"instruments/{code}.yaml" != path:
        raise ContentError(f"{path}: code: {code!r} must equal the file name")
    default_options = _options(file, "response_options") if "response_options" in file.raw else ()
    default_scale = file.child("scale") if "scale" in file.raw else None
    items = tuple(
        _item(file.nested(f"items[{index}]", entry), default_options, default_scale)
        for index, entry in enumerate(file.list("items"))
    )
    if [item.number for item in items] != list(range(1, len(items) + 1)):
        raise ContentError(f"{path}: items: must be numbered 1..{len(items)} in order")
    definition = InstrumentDefinition(
        code=code,
        version=file.string("version"),
        name=file.text("name"),
        short_name=file.string("short_name"),
        regions=frozenset(file.enum_list("regions", Region)),
        recall_period=file.text("recall_period"),
        instructions=file.text("instructions"),
        items=items,
        scoring=_scoring(file.child("scoring")),
        bands=tuple(_band(file.nested(f"bands[{i}]", entry)) for i, entry in enumerate(file.list("bands", []))),
        higher_is_worse=file.boolean("higher_is_worse"),
        reference=file.string("reference"),
        licence=_licence(file.child("licence")),
        source_id=file.source("source"),
        provenance=_provenance(file, file.text("name").languages),
    )
    _check_scoring(file, definition)
    _check_bands(file, definition)
    return definition


def _item(fields: _Fields, default_options: tuple[Option, ...], default_scale: _Fields | None) -> Item:
    options = _options(fields, "options") if "options" in fields.raw else default_options
    scale = fields.child("scale") if "scale" in fields.raw else default_scale
    number, item_text, optional = fields.integer("number"), fields.text("text"), fields.boolean("optional", False)
    if options:
        values = [option.value for option in options]
        if len(set(values)) != len(values):
            raise ContentError(f"{fields.where}: options: values must be unique")
        return Item(number, item_text, options, min(values), max(values), optional=optional)
    if scale is None:
        raise ContentError(f"{fields.where}: needs 'options' or a 'scale' (or a default for all items)")
    low, high = scale.integer("min"), scale.integer("max")
    if low >= high:
        raise ContentError(f"{scale.where}: min must be below max")
    anchors = (Option(low, scale.text("min_label")), Option(high, scale.text("max_label")))
    return Item(number, item_text, (), low, high, anchors, optional)


def _options(fields: _Fields, key: str) -> tuple[Option, ...]:
    return tuple(
        Option(value=option.integer("value"), label=text(option.raw, option.where, besides=("value",)))
        for option in (fields.nested(f"{key}[{i}]", entry) for i, entry in enumerate(fields.list(key)))
    )


def _scoring(fields: _Fields) -> Scoring:
    recode = fields.raw.get("recode") or {}
    if not isinstance(recode, Mapping):
        raise ContentError(f"{fields.where}: recode: must map item number to a list of scored values")
    return Scoring(
        rule=fields.enum("rule", ScoringRule),
        description=fields.text("description"),
        missing_rule=fields.text("missing_rule"),
        min_answered=fields.optional_integer("min_answered"),
        decimals=fields.integer("decimals", 0),
        scale_max=fields.optional_integer("scale_max"),
        report_percent=fields.boolean("report_percent", False),
        recode=tuple(
            Recode(item=int(number), scored=tuple(int(value) for value in values)) for number, values in recode.items()
        ),
        subscale=tuple(int(number) for number in fields.list("subscale", [])),
        low_risk_max_total=fields.optional_integer("low_risk_max_total"),
        high_risk_min_subscale=fields.optional_integer("high_risk_min_subscale"),
    )


def _check_scoring(file: _Fields, definition: InstrumentDefinition) -> None:
    scoring, where = definition.scoring, f"{file.where}: scoring"
    numbers = {item.number for item in definition.items}
    if scoring.min_answered is not None and not 1 <= scoring.min_answered <= len(numbers):
        raise ContentError(f"{where}: min_answered: must be between 1 and {len(numbers)}")
    for recode in scoring.recode:
        item = definition.item(recode.item)
        if item is None or item.minimum != 0 or len(recode.scored) != item.maximum + 1:
            raise ContentError(f"{where}: recode: item {recode.item} needs one scored value per answer 0..max")
    if not set(scoring.subscale) <= numbers:
        raise ContentError(f"{where}: subscale: unknown item numbers")
    if scoring.rule is ScoringRule.SUM_WITH_DENOMINATOR_REDUCTION and scoring.scale_max is None:
        raise ContentError(f"{where}: scale_max: required by {scoring.rule}")
    if scoring.rule is ScoringRule.STARTBACK and (
        not scoring.subscale or scoring.low_risk_max_total is None or scoring.high_risk_min_subscale is None
    ):
        raise ContentError(f"{where}: startback needs subscale, low_risk_max_total and high_risk_min_subscale")


def _check_bands(file: _Fields, definition: InstrumentDefinition) -> None:
    bands, where = definition.bands, f"{file.where}: bands"
    if not bands:
        return
    if Part.BANDS not in {entry.part for entry in definition.provenance}:
        raise ContentError(f"{file.where}: provenance: bands: required when the instrument has bands")
    if definition.scoring.rule is ScoringRule.STARTBACK:
        if {band.key for band in bands} != {risk.value for risk in Risk}:
            raise ContentError(f"{where}: startback bands are the risk groups low, medium and high")
        return
    low, high = score_range(definition)
    ordered = all(before.high < after.low for before, after in pairwise(bands))
    if not ordered or bands[0].low != low or bands[-1].high != high:
        raise ContentError(f"{where}: must be in ascending order, not overlap and cover {low}..{high}")


def _band(fields: _Fields) -> Band:
    return Band(
        low=fields.number("low"), high=fields.number("high"), label=fields.text("label"), key=fields.string("key")
    )


def _licence(fields: _Fields) -> Licence:
    return Licence(holder=fields.string("holder"), terms=fields.text("terms"))


def _provenance(file: _Fields, languages: tuple[Lang, ...]) -> tuple[Provenance, ...]:
    block = file.child("provenance")
    entries = []
    for key in block.raw:
        part = _enum(Part, key, f"{block.where}: {key}")
        entry = block.child(str(key))
        note = entry.text("note") if "note" in entry.raw else None
        entries.append(Provenance(part, entry.source("source"), entry.enum("evidence", Evidence), note))
        if entries[-1].evidence is not Evidence.VERIFIED and note is None:
            raise ContentError(f"{entry.where}: note: required when the evidence is not verified")
    required = (*(wording_part(lang) for lang in languages), *_ALWAYS_DOCUMENTED)
    absent = [part.value for part in required if part not in {entry.part for entry in entries}]
    if absent:
        raise ContentError(f"{block.where}: missing {', '.join(absent)}")
    return tuple(entries)


class _Fields:
    """Typed access to one YAML mapping; every error names the file and the field path."""

    def __init__(self, path: str, raw: Any, where: str) -> None:
        if not isinstance(raw, Mapping):
            raise ContentError(f"{where}: must be a mapping")
        self.path, self.raw, self.where = path, raw, where

    def nested(self, key: str, raw: Any) -> _Fields:
        return _Fields(self.path, raw, f"{self.where}: {key}")

    def child(self, key: str) -> _Fields:
        return self.nested(key, self._get(key))

    def _get(self, key: str, default: Any = ...) -> Any:
        if key in self.raw and self.raw[key] is not None:
            return self.raw[key]
        if default is ...:
            raise ContentError(f"{self.where}: {key}: required")
        return default

    def string(self, key: str) -> str:
        value = self._get(key)
        if not isinstance(value, str | int | float) or isinstance(value, bool) or not str(value).strip():
            raise ContentError(f"{self.where}: {key}: must be a non-empty text")
        return str(value).strip()

    def text(self, key: str) -> Text:
        return text(self._get(key), f"{self.where}: {key}")

    def integer(self, key: str, default: int | None = None) -> int:
        value = self._get(key, ... if default is None else default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ContentError(f"{self.where}: {key}: must be a whole number")
        return int(value)

    def optional_integer(self, key: str) -> int | None:
        return self.integer(key) if self.raw.get(key) is not None else None

    def number(self, key: str) -> float:
        value = self._get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ContentError(f"{self.where}: {key}: must be a number")
        return float(value)

    def boolean(self, key: str, default: bool | None = None) -> bool:
        value = self._get(key, ... if default is None else default)
        if not isinstance(value, bool):
            raise ContentError(f"{self.where}: {key}: must be true or false")
        return value

    def list(self, key: str, default: list[Any] | None = None) -> list[Any]:
        value = self._get(key, ... if default is None else default)
        if not isinstance(value, list):
            raise ContentError(f"{self.where}: {key}: must be a list")
        return value

    def enum(self, key: str, kind: type[E]) -> E:
        return _enum(kind, self._get(key), f"{self.where}: {key}")

    def enum_list(self, key: str, kind: type[E]) -> tuple[E, ...]:
        return tuple(_enum(kind, value, f"{self.where}: {key}") for value in self.list(key))

    def source(self, key: str) -> str:
        source_id = self.string(key)
        if source_id not in load_sources():
            raise ContentError(f"{self.where}: {key}: unknown source id {source_id!r}")
        return source_id
