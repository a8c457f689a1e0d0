"""`rugpad instruments`: the available questionnaires with their licence notes and unverified parts."""

from __future__ import annotations

import argparse
from typing import Any

from rugpad import engine
from rugpad.cli._io import add_output_options, emit
from rugpad.core.instruments import InstrumentDefinition
from rugpad.core.scoring import score_range
from rugpad.core.vocab import Lang


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("instruments", help="list the questionnaires and their licences")
    add_output_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    definitions = [definition for _, definition in sorted(engine.instruments().items())]

    def summaries(lang: Lang) -> list[dict[str, Any]]:
        return [summary(definition, lang) for definition in definitions]

    return emit(args, summaries, lambda lang: "\n\n".join(_text(entry) for entry in summaries(lang)))


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


def _text(entry: dict[str, Any]) -> str:
    unverified = ", ".join(entry["unverified"]) or "-"
    return "\n".join(
        [
            f"{entry['code']}: {entry['name']} (version {entry['version']}, {entry['items']} items)",
            f"  reference: {entry['reference']}",
            f"  licence: {entry['licence']['holder']} - {entry['licence']['terms']}",
            f"  unverified: {unverified}",
        ]
    )
