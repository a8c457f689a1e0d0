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


_LABELS = {
    Lang.EN: ("Score", "Band", "Missing items", "none", "Rule", "Missing-item rule", "not scored", "Unverified"),
    Lang.NL: (
        "Score",
        "Klasse",
        "Ontbrekende items",
        "geen",
        "Regel",
        "Regel bij ontbrekende items",
        "geen score",
        "Niet geverifieerd",
    ),
}


def render_text(definition: InstrumentDefinition, result: InstrumentScore, lang: Lang) -> str:
    """A plain summary: what the score is, what it means, what is missing and how it was computed."""
    score_word, band_word, missing_word, none_word, rule_word, missing_rule_word, unscored, unverified = _LABELS[lang]
    low, high = score_range(definition)
    direction = {Lang.EN: "higher is worse", Lang.NL: "hoger is slechter"}[lang] if definition.higher_is_worse else ""
    shown = unscored if result.score is None else f"{result.score} ({_number(low)}-{_number(high)}, {direction})"
    lines = [f"{definition.name.get(lang)} {definition.version}", f"{score_word}: {shown}"]
    lines += [f"{key}: {'-' if value is None else value}" for key, value in result.extra.items()]
    if result.banded:
        lines.append(f"{band_word}: {result.band_label.get(lang) if result.band_label else '-'}")
    lines.append(f"{missing_word}: {', '.join(map(str, result.missing)) or none_word}")
    lines.append(f"{rule_word}: {definition.scoring.description.get(lang)}")
    lines.append(f"{missing_rule_word}: {definition.scoring.missing_rule.get(lang)}")
    for entry in definition.provenance:
        if entry.part in definition.unverified_parts and entry.note:
            lines.append(f"{unverified} ({entry.part.value}): {entry.note.get(lang)}")
    return "\n".join(lines)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
