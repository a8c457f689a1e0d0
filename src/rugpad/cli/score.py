"""`rugpad score INSTRUMENT FILE`: score one completed questionnaire (contract: docs/cli.md).

Input ``{"answers": {"1": 0, ...}}``; JSON out by default, or ``--format text`` for a summary a clinician reads:
score, band, missing items and the rule used, with any unverified part flagged.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import Any

from rugpad import engine
from rugpad.cli._io import add_output_options, emit, read_payload
from rugpad.core.errors import InvalidInput
from rugpad.core.instruments import InstrumentDefinition
from rugpad.core.scoring import InstrumentScore, score_range
from rugpad.core.text import Text, number, phrase
from rugpad.core.vocab import Lang


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "score",
        help="score a completed questionnaire",
        description='Score a questionnaire. FILE (or - for stdin) holds {"answers": {"1": 0, "2": 3, ...}}.',
    )
    parser.add_argument("instrument", help="startback, odi, rmdq, ndi, nprs, psk, gpe or qbpds")
    parser.add_argument("file", help="JSON file with the answers, or - for standard input")
    add_output_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    definition = engine.instrument(args.instrument)
    answers = answers_of(read_payload(args.file))
    result = engine.score(definition.code, answers)
    return emit(args, result.to_dict, lambda lang: render_text(definition, result, lang))


def answers_of(payload: Mapping[str, Any]) -> Mapping[str, object]:
    if "answers" not in payload:
        raise InvalidInput("answers", 'missing; expected {"answers": {"1": 0, ...}}')
    answers = payload["answers"]
    if not isinstance(answers, dict):
        raise InvalidInput("answers", "must be an object of item number to answer")
    return answers


_LABEL = phrase("text.label")
_EXTRA_NAMES = {
    "total": phrase("cli.score.extra.total"),
    "psychosocial": phrase("cli.score.extra.psychosocial"),
    "risk": phrase("cli.score.extra.risk"),
    "percent": phrase("cli.score.extra.percent"),
}
"""The instrument-specific fields beside the score (an unknown one is shown by its JSON name)."""
_RISK_WORDS = {
    "low": phrase("words.risk.low"),
    "medium": phrase("words.risk.medium"),
    "high": phrase("words.risk.high"),
}


def render_text(definition: InstrumentDefinition, result: InstrumentScore, lang: Lang) -> str:
    """A plain summary: what the score is, what it means, what is missing and how it was computed."""

    def line(label: Text | str, value: object) -> str:
        name = label.get(lang) if isinstance(label, Text) else label
        return _LABEL.get(lang).format(label=name, value=value)

    low, high = score_range(definition)
    if result.score is None:
        shown = phrase("cli.score.not_scored").get(lang)
    else:
        span = f"{number(low).get(lang)}-{number(high).get(lang)}"
        direction = f", {phrase('cli.score.higher_is_worse').get(lang)}" if definition.higher_is_worse else ""
        shown = f"{number(result.score).get(lang)} ({span}{direction})"
    lines = [f"{definition.name.get(lang)} {definition.version}", line(phrase("cli.score.score"), shown)]
    for key, value in result.extra.items():
        if value is None:
            value = "-"
        elif isinstance(value, str) and value in _RISK_WORDS:
            value = _RISK_WORDS[value].get(lang)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            value = number(value).get(lang)
        lines.append(line(_EXTRA_NAMES.get(key, key), value))
    if result.banded:
        lines.append(line(phrase("cli.score.band"), result.band_label.get(lang) if result.band_label else "-"))
    missing = ", ".join(map(str, result.missing)) or phrase("cli.score.none").get(lang)
    lines.append(line(phrase("cli.score.missing"), missing))
    lines.append(line(phrase("cli.score.rule"), definition.scoring.description.get(lang)))
    lines.append(line(phrase("cli.score.missing_rule"), definition.scoring.missing_rule.get(lang)))
    for entry in definition.provenance:
        if entry.part in definition.unverified_parts and entry.note:
            unverified = f"{phrase('cli.score.unverified').get(lang)} ({entry.part.value})"
            lines.append(line(unverified, entry.note.get(lang)))
    return "\n".join(lines)
