"""`rugpad explain RULE_ID`: why a rule exists — its condition in words, its source and how well it is sourced."""

from __future__ import annotations

import argparse
from typing import Any

from rugpad import engine
from rugpad.cli._io import add_output_options, emit
from rugpad.core.explain import Explanation
from rugpad.core.text import Text
from rugpad.core.vocab import Lang


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "explain",
        help="explain a rule (red flag, recommendation, manipulation or stratification rule, or sign)",
        description="Explain one rule by its id, e.g. rf.cauda_equina or lb.p1.self_exercise.",
    )
    parser.add_argument("rule_id", help="the rule id shown in a triage result")
    add_output_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    explanation = engine.explain(args.rule_id)
    return emit(args, explanation.to_dict, lambda lang: render_text(explanation, lang))


_WORDS = {
    "kind": Text(nl="Soort", en="Kind"),
    "outcome": Text(nl="Uitkomst", en="Outcome"),
    "when": Text(nl="Wanneer", en="When"),
    "source": Text(nl="Bron", en="Source"),
    "evidence": Text(nl="Bewijs", en="Evidence"),
    "note": Text(nl="Let op", en="Note"),
}


def render_text(explanation: Explanation, lang: Lang) -> str:
    def word(key: str) -> str:
        return _WORDS[key].get(lang)

    lines = [f"{explanation.rule_id}: {explanation.name.get(lang)}"]
    if explanation.text != explanation.name:
        lines.append(f"  {explanation.text.get(lang)}")
    lines.append(f"{word('kind')}: {explanation.kind} — {word('outcome')}: {explanation.outcome}")
    lines.append(f"{word('when')}: {explanation.condition.get(lang)}")
    source = explanation.source
    lines.append(f"{word('source')}: {source.citation}" + (f" <{source.url}>" if source.url else ""))
    lines.append(f"{word('evidence')}: {explanation.evidence}")
    if explanation.note is not None:
        lines.append(f"{word('note')}: {explanation.note.get(lang)}")
    return "\n".join(lines)
