"""Worked scoring examples from the clinical facts file §6.1 (test oracles) and the instrument manuals."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from rugpad.content.instruments import load_instruments
from rugpad.core.instruments import InstrumentDefinition
from rugpad.core.scoring import score_answers
from rugpad.core.vocab import Lang


def definition(code: str) -> InstrumentDefinition:
    return load_instruments()[code]


def answers(values: Sequence[int | None]) -> dict[str, object]:
    return {str(number): value for number, value in enumerate(values, start=1)}


# Source: awell-health/awell-score test data (commit c37843e5), facts §6.1; idcafe/Fairbank sheet for 16/50.
@pytest.mark.parametrize(
    ("values", "expected", "band"),
    [
        ([0] * 10, 0.0, "minimal"),
        ([2, 2, 2, 2, 2, 3, 3, 3, 3, 3], 50.0, "severe"),
        ([1, 5, 4, 4, 3, 0, 1, 5, 3, 4], 60.0, "severe"),
        ([5, 5, 3, 3, 0, 0, 0, 0, 0, 0], 32.0, "moderate"),  # 16/50, the official sheet example
    ],
)
def test_odi_worked_examples_give_the_published_percentage(values: list[int], expected: float, band: str) -> None:
    result = score_answers(definition("odi"), answers(values))
    assert result.score == expected
    assert result.band == band
    assert result.missing == ()


def test_odi_one_missing_section_shrinks_the_denominator() -> None:
    # Awell: 16/45 = 35.56 -> 36; Fairbank sheet 35.5; rugpad rounds half up to one decimal: 35.6.
    result = score_answers(definition("odi"), answers([5, 5, 3, 3, 0, 0, 0, 0, 0, None]))
    assert result.score == 35.6
    assert result.missing == (10,)
    assert result.band == "moderate"


def test_odi_with_only_eight_sections_answered_is_not_scored() -> None:
    # Awell: 8 answered -> not computed.
    result = score_answers(definition("odi"), answers([1, 1, 1, 1, 1, 1, 1, 1]))
    assert result.score is None
    assert result.band is None
    assert result.missing == (9, 10)
    assert result.to_dict()["band"] is None


# Source: awell-health/awell-score NDI test data, facts §6.1; bands from Vernon's note.
@pytest.mark.parametrize(
    ("values", "raw", "percent", "band"),
    [
        ([3, 2, 3, 0, 0, 2, 5, 2, 2, 2], 21.0, 42.0, "moderate"),
        ([2, 2, 2, 2, 2, 3, 3, 3, 3, 3], 25.0, 50.0, "severe"),
    ],
)
def test_ndi_worked_examples_give_raw_score_percent_and_band(
    values: list[int], raw: float, percent: float, band: str
) -> None:
    result = score_answers(definition("ndi"), answers(values))
    assert (result.score, result.extra["percent"], result.band) == (raw, percent, band)
    assert result.to_dict() == {
        "instrument": "ndi",
        "score": raw,
        "missing": [],
        "band": band,
        "band_label": result.band_label.get(Lang.EN) if result.band_label else None,
        "percent": percent,
    }


def test_ndi_one_missing_item_is_imputed_with_the_mean_of_the_others() -> None:
    # Vernon: the average of the other items is added; 19 over 9 items -> 19 + 19/9 = 21.1 raw, 42.2 %.
    result = score_answers(definition("ndi"), answers([3, 2, 3, 0, 0, 2, 5, 2, 2, None]))
    assert result.score == 21.1
    assert result.extra["percent"] == 42.2
    assert result.missing == (10,)


def test_ndi_two_missing_items_give_no_score_and_no_percent() -> None:
    result = score_answers(definition("ndi"), answers([3, 2, 3, 0, 0, 2, 5, 2]))
    assert result.score is None
    assert result.extra["percent"] is None


def test_ndi_score_between_bands_goes_to_the_worse_band() -> None:
    # 31 over 9 items -> 34.4 raw: above the 25-34 band, so "complete" (>34) rather than "severe".
    result = score_answers(definition("ndi"), answers([4, 4, 4, 4, 3, 3, 3, 3, 3, None]))
    assert result.score == 34.4
    assert result.band == "complete"


# Source: awell-health/awell-score STarT Back test data, facts §6.1.
@pytest.mark.parametrize(
    ("values", "total", "psychosocial", "risk"),
    [
        ([0, 0, 0, 0, 0, 0, 0, 0, 0], 0, 0, "low"),  # all disagree, Q9 not at all
        ([1, 1, 1, 1, 0, 0, 0, 0, 0], 4, 0, "medium"),  # Q1-Q4 agree
        ([1, 0, 1, 0, 0, 1, 0, 0, 4], 4, 2, "medium"),  # Q1, Q3, Q6 agree, Q9 extremely
        ([1, 1, 1, 1, 1, 1, 1, 1, 4], 9, 5, "high"),  # all agree, Q9 extremely
        ([0, 0, 0, 0, 1, 1, 1, 1, 2], 4, 4, "high"),  # Q5-Q8 agree, Q9 moderately (recoded 0)
        ([0, 0, 0, 0, 0, 0, 0, 0, 2], 0, 0, "low"),  # Q9 moderately only
    ],
)
def test_startback_worked_examples_give_total_subscale_and_risk(
    values: list[int], total: int, psychosocial: int, risk: str
) -> None:
    result = score_answers(definition("startback"), answers(values))
    assert result.extra == {"total": total, "psychosocial": psychosocial, "risk": risk}
    assert result.score == total
    assert result.band == risk


def test_startback_item_nine_counts_only_very_much_and_extremely() -> None:
    scored = [score_answers(definition("startback"), answers([0] * 8 + [value])).extra["total"] for value in range(5)]
    assert scored == [0, 0, 0, 1, 1]


def test_startback_with_one_item_missing_gives_no_risk_group() -> None:
    result = score_answers(definition("startback"), answers([1, 1, 1, 1, 1, 1, 1, 1, None]))
    assert result.score is None
    assert result.extra == {"total": None, "psychosocial": None, "risk": None}
    assert result.missing == (9,)


def test_startback_dutch_band_label() -> None:
    result = score_answers(definition("startback"), answers([1] * 8 + [4]))
    assert result.to_dict(Lang.NL)["band_label"] == "Hoog risico"


def test_psk_score_is_the_mean_of_the_rated_activities() -> None:
    # Same arithmetic as the Awell "PSK" (PSFS) example [1,2,0,7,5] -> 3.0, facts §6.1; PSK direction: higher = worse.
    assert score_answers(definition("psk"), answers([1, 2, 0, 7, 5])).score == 3.0


def test_psk_with_three_activities_is_scored_and_nothing_is_missing() -> None:
    result = score_answers(definition("psk"), answers([4, 5, 7]))
    assert result.score == 5.3
    assert result.missing == ()


def test_psk_with_two_activities_is_not_scored() -> None:
    result = score_answers(definition("psk"), answers([4, 5]))
    assert result.score is None
    assert result.missing == (3,)


def test_rmdq_score_counts_the_statements_that_apply() -> None:
    values = [1 if number % 3 == 0 else 0 for number in range(1, 25)]
    assert score_answers(definition("rmdq"), answers(values)).score == 8


def test_rmdq_with_an_unanswered_statement_is_not_scored() -> None:
    result = score_answers(definition("rmdq"), answers([1] * 23))
    assert result.score is None
    assert result.missing == (24,)


def test_qbpds_score_is_the_sum_of_twenty_items() -> None:
    assert score_answers(definition("qbpds"), answers([5] * 20)).score == 100
    assert score_answers(definition("qbpds"), answers([2] * 10 + [3] * 10)).score == 50


def test_qbpds_with_any_item_missing_is_not_scored() -> None:
    assert score_answers(definition("qbpds"), answers([0] * 19)).score is None


def test_nprs_and_gpe_score_the_single_answer() -> None:
    assert score_answers(definition("nprs"), {"1": 7}).band == "severe"
    assert score_answers(definition("gpe"), {"1": 2}).score == 2


def test_single_item_instruments_without_an_answer_are_not_scored() -> None:
    for code in ("nprs", "gpe"):
        result = score_answers(definition(code), {"1": None})
        assert (result.score, result.missing) == (None, (1,))


def test_gpe_has_no_band_in_its_json() -> None:
    assert score_answers(definition("gpe"), {"1": 4}).to_dict() == {"instrument": "gpe", "score": 4, "missing": []}
