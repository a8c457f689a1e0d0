"""`rugpad explain RULE_ID`: why a rule exists — its condition in words, its source and how well it is sourced."""

from __future__ import annotations

import argparse
from typing import Any

from rugpad import engine
from rugpad.cli._io import add_output_options, emit
from rugpad.cli.triage import STRENGTH_WORDS, URGENCY_WORDS, VERDICT_WORDS
from rugpad.core.explain import Explanation, RuleKind
from rugpad.core.text import Text, phrase
from rugpad.core.vocab import Evidence, Lang


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
    "kind": phrase("cli.explain.kind"),
    "outcome": phrase("cli.explain.outcome"),
    "when": phrase("cli.explain.when"),
    "source": phrase("cli.explain.source"),
    "evidence": phrase("cli.explain.evidence"),
    "note": phrase("cli.explain.note"),
}
_KINDS = {
    RuleKind.SIGN: phrase("cli.explain.kinds.sign"),
    RuleKind.RED_FLAG: phrase("cli.explain.kinds.red_flag"),
    RuleKind.RECOMMENDATION: phrase("cli.explain.kinds.recommendation"),
    RuleKind.MANIPULATION: phrase("cli.explain.kinds.manipulation"),
    RuleKind.STRATIFICATION: phrase("cli.explain.kinds.stratification"),
}
_EVIDENCE = {
    Evidence.VERIFIED: phrase("cli.evidence.verified"),
    Evidence.SECONDARY: phrase("cli.evidence.secondary"),
    Evidence.UNVERIFIED: phrase("cli.evidence.unverified"),
}
_OUTCOMES: dict[str, Text] = {**URGENCY_WORDS, **VERDICT_WORDS, **STRENGTH_WORDS}
"""A rule's outcome in words where it is an urgency, a manipulation verdict or a strength; a profile code or a
sign group reads as it is."""
_LABEL = phrase("text.label")


def render_text(explanation: Explanation, lang: Lang) -> str:
    def line(key: str, value: str) -> str:
        return _LABEL.get(lang).format(label=_WORDS[key].get(lang), value=value)

    lines = [_LABEL.get(lang).format(label=explanation.rule_id, value=explanation.name.get(lang))]
    if explanation.text != explanation.name:
        lines.append(f"  {explanation.text.get(lang)}")
    outcome = _OUTCOMES.get(explanation.outcome)
    kind = line("kind", _KINDS[explanation.kind].get(lang))
    lines.append(f"{kind} — {line('outcome', outcome.get(lang) if outcome else explanation.outcome)}")
    lines.append(line("when", explanation.condition.get(lang)))
    source = explanation.source
    lines.append(line("source", source.citation + (f" <{source.url}>" if source.url else "")))
    lines.append(line("evidence", _EVIDENCE[explanation.evidence].get(lang)))
    if explanation.note is not None:
        lines.append(line("note", explanation.note.get(lang)))
    return "\n".join(lines)
