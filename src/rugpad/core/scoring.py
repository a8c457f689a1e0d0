"""Exact scoring of a completed questionnaire.

    answers {"1": 0, "2": 3, ...} --validate--> {item: value} --rule (from the YAML)--> InstrumentScore

Validation is strict because a silently wrong score misleads a clinical decision: unknown item numbers,
non-integers, booleans and out-of-range values raise `InvalidInput` naming the item. An absent item or
``None`` means "not answered". When fewer items are answered than the instrument's missing-item rule allows,
the score is ``None`` (never a guess); instruments without a published missing-item rule require every item.

Rounding is half up to the definition's `decimals` and exact (integer arithmetic, not floats), so 16/45 of the ODI
gives 35.6. A score that falls between two integer bands (an NDI of 34.4 with one item imputed) belongs to the
first band whose upper bound is not below it, i.e. the higher (worse) band: the literal reading of ">34".
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from rugpad.core._quick import quick_init
from rugpad.core.errors import InvalidInput
from rugpad.core.instruments import Band, InstrumentDefinition, Item, ScoringRule
from rugpad.core.text import Text
from rugpad.core.vocab import Lang, Risk

__all__ = ["InstrumentScore", "score_answers", "score_range"]


@quick_init
@dataclass(frozen=True)
class InstrumentScore:
    """The result of scoring one questionnaire; `to_dict` gives the JSON of the CLI contract.

    `missing` lists the unanswered non-optional items (also when a score could still be computed);
    `band` is a stable key (``"moderate"``), `banded` says whether the instrument defines bands at all;
    `extra` holds the instrument-specific fields (startback: total, psychosocial, risk; ndi: percent).
    """

    instrument: str
    score: float | int | None
    missing: tuple[int, ...]
    band: str | None = None
    band_label: Text | None = None
    extra: Mapping[str, object] = field(default_factory=dict)
    banded: bool = False
    rule: ScoringRule | None = None

    def to_dict(self, lang: Lang = Lang.EN) -> dict[str, object]:
        result: dict[str, object] = {"instrument": self.instrument, "score": self.score, "missing": list(self.missing)}
        if self.banded:
            result["band"] = self.band
            result["band_label"] = self.band_label.get(lang) if self.band_label else None
        result.update(self.extra)
        return result


def score_answers(definition: InstrumentDefinition, answers: Mapping[str, object]) -> InstrumentScore:
    """Score `answers` (item number as string -> answer) by the rule the definition names."""
    values = _validated(definition, answers)
    if values.keys() >= definition.required_set:
        missing: tuple[int, ...] = ()
    else:
        missing = tuple([number for number in definition.required if number not in values])
    return _RULES[definition.scoring.rule](definition, values, missing)


def score_range(definition: InstrumentDefinition) -> tuple[float, float]:
    """The lowest and highest score the definition's rule can give (bands must cover exactly this)."""
    scoring = definition.scoring
    if scoring.rule is ScoringRule.SUM_WITH_DENOMINATOR_REDUCTION:
        return 0, scoring.scale_max or 100
    lows = [_scored(definition, item.number, item.minimum) for item in definition.items]
    highs = [_scored(definition, item.number, item.maximum) for item in definition.items]
    if scoring.rule is ScoringRule.MEAN:
        return min(lows), max(highs)
    return sum(lows), sum(highs)


# --- validation ---------------------------------------------------------------------------------------------


def _validated(definition: InstrumentDefinition, answers: Mapping[str, object]) -> dict[int, int]:
    """The answers by item number, or InvalidInput naming the lowest bad item.

    Valid input costs one dictionary look-up and one set test per answer (the definition's precomputed `answers`
    table): every key an item number as JSON writes it, every value a valid answer or null. Anything else — an
    integer key, an unknown item, a bad value — takes the careful path, which builds the error message."""
    if type(answers) is dict:
        table = definition.answers
        values: dict[int, int] = {}
        for key, value in answers.items():
            entry = table.get(key)
            if entry is None:
                break
            if value is None:
                continue
            if type(value) is not int or value not in entry[1]:
                break
            values[entry[0]] = value
        else:
            return values
    return _validated_carefully(definition, answers)


def _validated_carefully(definition: InstrumentDefinition, answers: Mapping[str, object]) -> dict[int, int]:
    """The reference validation: every rule checked in turn, the error text built for the lowest bad item."""
    code = definition.code
    if not isinstance(answers, Mapping):
        raise InvalidInput(f"{code}: answers", "must be an object of item number to answer")
    numbers = [item.number for item in definition.items]
    known = f"{code} has items {min(numbers)}..{max(numbers)}"
    keyed = [(_item_number(code, key, known), value) for key, value in answers.items()]
    values: dict[int, int] = {}
    for number, value in sorted(keyed, key=lambda pair: pair[0]):  # the lowest bad item is reported, whatever order
        item = definition.item(number)
        if item is None:
            raise InvalidInput(f"{code}: item {number}", f"unknown item; {known}")
        if value is not None:
            values[number] = _checked_value(code, item, value)
    return values


def _item_number(code: str, key: object, known: str) -> int:
    if isinstance(key, int) and not isinstance(key, bool):
        return key
    if isinstance(key, str) and key.isascii() and key.isdigit() and str(int(key)) == key:
        return int(key)
    raise InvalidInput(f"{code}: item {key}", f"not an item number; {known}")


def _checked_value(code: str, item: Item, value: object) -> int:
    where = f"{code}: item {item.number}"
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(where, f"{_shown(value)} is not a whole number")
    if not item.minimum <= value <= item.maximum:
        raise InvalidInput(where, f"{value} is out of range {item.minimum}..{item.maximum}")
    if item.options and value not in {option.value for option in item.options}:
        raise InvalidInput(where, f"{value} is not one of the answer options")
    return value


def _shown(value: object) -> str:
    """The value as the user wrote it in JSON (``true``, ``"3"``, ``3.5``)."""
    try:
        return json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)


# --- rules ----------------------------------------------------------------------------------------------------

_Rule = Callable[[InstrumentDefinition, Mapping[int, int], tuple[int, ...]], InstrumentScore]


def _enough(definition: InstrumentDefinition, values: Mapping[int, int], missing: tuple[int, ...]) -> bool:
    """The missing-item rule: `min_answered` items, or every non-optional item when the rule gives no number."""
    minimum = definition.scoring.min_answered
    return not missing if minimum is None else len(values) >= minimum


def _scored(definition: InstrumentDefinition, number: int, value: int) -> int:
    recode = definition.recode_of(number)
    return recode.scored[value] if recode else value


def _total(definition: InstrumentDefinition, values: Mapping[int, int]) -> int:
    """The sum of the scored answers: the plain sum, corrected for the few recoded items (STarT Back item 9)."""
    total = sum(values.values())
    for number, recode in definition.recodes.items():
        value = values.get(number)
        if value is not None:
            total += recode.scored[value] - value
    return total


def _rounded_ratio(numerator: int, denominator: int, decimals: int) -> float | int:
    """Half-up rounding of numerator / denominator to `decimals`, exactly (an int when `decimals` is 0), in integer
    arithmetic: floor(x + 1/2) of x = n·10^d / m is (2·n·10^d + m) // 2m, and int / int is correctly rounded, so
    this equals rounding the exact fraction (the tests compare it with `fractions.Fraction`)."""
    scale: int = 10**decimals
    rounded = (2 * numerator * scale + denominator) // (2 * denominator)
    return rounded if decimals == 0 else rounded / scale


def _band_for(definition: InstrumentDefinition, score: float | None) -> Band | None:
    if score is None:
        return None
    return next((band for band in definition.bands if score <= band.high), None)


def _result(
    definition: InstrumentDefinition,
    score: float | int | None,
    missing: tuple[int, ...],
    extra: Mapping[str, object] | None = None,
    band: Band | None = None,
) -> InstrumentScore:
    chosen = band if band is not None else _band_for(definition, score)
    return InstrumentScore(
        definition.code,
        score,
        missing,
        chosen.key if chosen else None,
        chosen.label if chosen else None,
        extra or {},
        bool(definition.bands),
        definition.scoring.rule,
    )


def _sum(definition: InstrumentDefinition, values: Mapping[int, int], missing: tuple[int, ...]) -> InstrumentScore:
    score = _total(definition, values) if _enough(definition, values, missing) else None
    return _result(definition, score, missing)


def _sum_with_denominator_reduction(
    definition: InstrumentDefinition, values: Mapping[int, int], missing: tuple[int, ...]
) -> InstrumentScore:
    """Answered sum over the answered maximum, scaled: ODI 16/45 x 100; NDI imputes the mean, which is the same."""
    scoring = definition.scoring
    percent: float | int | None = None
    score: float | int | None = None
    if values and _enough(definition, values, missing):
        maxima = definition.scored_maxima
        answered_max = sum([maxima[number] for number in values])
        total = _total(definition, values)
        score = _rounded_ratio(total * (scoring.scale_max or 100), answered_max, scoring.decimals)
        percent = _rounded_ratio(total * 100, answered_max, scoring.decimals)
    extra = {"percent": percent} if scoring.report_percent else None
    return _result(definition, score, missing, extra)


def _mean(definition: InstrumentDefinition, values: Mapping[int, int], missing: tuple[int, ...]) -> InstrumentScore:
    score = None
    if values and _enough(definition, values, missing):
        score = _rounded_ratio(_total(definition, values), len(values), definition.scoring.decimals)
    return _result(definition, score, missing)


def _startback(
    definition: InstrumentDefinition, values: Mapping[int, int], missing: tuple[int, ...]
) -> InstrumentScore:
    """Hill et al. 2008: low when total <= 3; otherwise high when the psychosocial subscale >= 4, else medium."""
    scoring = definition.scoring
    if not _enough(definition, values, missing):
        return _result(definition, None, missing, {"total": None, "psychosocial": None, "risk": None})
    total = _total(definition, values)
    psychosocial = _total(definition, {number: values[number] for number in scoring.subscale})
    if total <= (scoring.low_risk_max_total or 0):
        risk = _LOW
    elif psychosocial >= (scoring.high_risk_min_subscale or 0):
        risk = _HIGH
    else:
        risk = _MEDIUM
    extra = {"total": total, "psychosocial": psychosocial, "risk": risk}
    return _result(definition, total, missing, extra, band=definition.band(risk))


_LOW, _MEDIUM, _HIGH = Risk.LOW.value, Risk.MEDIUM.value, Risk.HIGH.value
"""The risk groups as the JSON writes them (plain strings: an enum's `.value` is slow to read in the hot path)."""

_RULES: Mapping[ScoringRule, _Rule] = {
    ScoringRule.SUM: _sum,
    ScoringRule.SUM_WITH_DENOMINATOR_REDUCTION: _sum_with_denominator_reduction,
    ScoringRule.MEAN: _mean,
    ScoringRule.STARTBACK: _startback,
}
