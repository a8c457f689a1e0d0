"""`rugpad instruments`: the available questionnaires with their licence notes and unverified parts."""

from __future__ import annotations

import argparse
from typing import Any

from rugpad import engine
from rugpad.cli._io import add_output_options, emit
from rugpad.core.instruments import InstrumentDefinition
from rugpad.core.scoring import score_range
from rugpad.core.text import Text, phrase
from rugpad.core.vocab import Lang


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("instruments", help="list the questionnaires and their licences")
    add_output_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    definitions = [definition for _, definition in sorted(engine.instruments().items())]

    def summaries(lang: Lang) -> list[dict[str, Any]]:
        return [summary(definition, lang) for definition in definitions]

    return emit(args, summaries, lambda lang: "\n\n".join(_text(entry, lang) for entry in summaries(lang)))


def summary(definition: InstrumentDefinition, lang: Lang) -> dict[str, object]:
    low, high = score_range(definition)
    return {
        "code": definition.code,
        "short_name": definition.short_name,
        "name": definition.name.get(lang),
        "version": definition.version,
        "regions": sorted(region.value for region in definition.regions),
        "items": len(definition.items),
        "score_range": [low, high],
        "higher_is_worse": definition.higher_is_worse,
        "rule": definition.scoring.rule.value,
        "bands": [band.key for band in definition.bands],
        "reference": definition.reference,
        "source": definition.source_id,
        "licence": {"holder": definition.licence.holder, "terms": definition.licence.terms.get(lang)},
        "unverified": [part.value for part in definition.unverified_parts],
    }


_LABEL = phrase("text.label")


def _text(entry: dict[str, Any], lang: Lang) -> str:
    def line(label: Text, value: str) -> str:
        return "  " + _LABEL.get(lang).format(label=label.get(lang), value=value)

    heading = phrase("cli.instruments.version").format(
        name=entry["name"], version=entry["version"], items=entry["items"]
    )
    unverified = ", ".join(entry["unverified"]) or "-"
    return "\n".join(
        [
            _LABEL.get(lang).format(label=entry["code"], value=heading.get(lang)),
            line(phrase("cli.instruments.reference"), entry["reference"]),
            line(phrase("cli.instruments.licence"), f"{entry['licence']['holder']} - {entry['licence']['terms']}"),
            line(phrase("cli.instruments.unverified"), unverified),
        ]
    )
