"""`rugpad triage FILE`: red flags, stratification and care-pathway advice for one case.

JSON (the contract in docs/cli.md) by default; ``--format text`` is for a clinician at a terminal:
urgency first and loud, each red flag with its action, then risk/profile, the manipulation verdict and the
recommendations grouped do / consider / do not, each with its rule id and source so `rugpad explain` can say why.
"""

from __future__ import annotations

import argparse
from typing import Any

from rugpad import engine
from rugpad.cli._io import add_output_options, emit, read_payload
from rugpad.core.text import Text, number, phrase
from rugpad.core.triage import TriageResult
from rugpad.core.vocab import Evidence, Lang, ManipulationVerdict, Risk, Strength, Urgency


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "triage",
        help="red flags, risk, profile and recommendations for one case",
        description="Triage one case. FILE (or - for stdin) holds the case as JSON; only 'region' is required.",
    )
    parser.add_argument("file", help="JSON file with the case, or - for standard input")
    add_output_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    result = engine.triage(read_payload(args.file))
    return emit(args, result.to_dict, lambda lang: render_text(result, lang))


_URGENCY_BANNER = {
    Urgency.EMERGENCY: phrase("cli.triage.banner.emergency"),
    Urgency.URGENT: phrase("cli.triage.banner.urgent"),
    Urgency.SOON: phrase("cli.triage.banner.soon"),
    Urgency.NONE: phrase("cli.triage.banner.none"),
}
URGENCY_WORDS: dict[str, Text] = {
    Urgency.EMERGENCY: phrase("cli.urgency.emergency"),
    Urgency.URGENT: phrase("cli.urgency.urgent"),
    Urgency.SOON: phrase("cli.urgency.soon"),
    Urgency.NONE: phrase("cli.urgency.none"),
}
VERDICT_WORDS: dict[str, Text] = {
    ManipulationVerdict.ALLOWED: phrase("cli.verdict.allowed"),
    ManipulationVerdict.CAUTION: phrase("cli.verdict.caution"),
    ManipulationVerdict.CONTRAINDICATED: phrase("cli.verdict.contraindicated"),
}
STRENGTH_WORDS: dict[str, Text] = {
    Strength.DO: phrase("cli.strength.do"),
    Strength.CONSIDER: phrase("cli.strength.consider"),
    Strength.DO_NOT: phrase("cli.strength.do_not"),
}
_RISK_WORDS = {
    Risk.LOW: phrase("words.risk.low"),
    Risk.MEDIUM: phrase("words.risk.medium"),
    Risk.HIGH: phrase("words.risk.high"),
}
_WORDS = {
    "red_flags": phrase("cli.triage.red_flags"),
    "risk": phrase("cli.triage.risk"),
    "profile": phrase("cli.triage.profile"),
    "stopped": phrase("cli.triage.stopped"),
    "computed": phrase("cli.triage.computed"),
    "override": phrase("cli.triage.override"),
    "radicular": phrase("cli.triage.radicular"),
    "manipulation": phrase("cli.triage.manipulation"),
    "recommendations": phrase("cli.triage.recommendations"),
    "undecided": phrase("cli.triage.undecided"),
    "flag_undecided": phrase("cli.triage.flag_undecided"),
    "reevaluate": phrase("cli.triage.reevaluate"),
    "unknown": phrase("words.answer.unknown"),
    "yes": phrase("words.answer.yes"),
    "no": phrase("words.answer.no"),
    "unverified": phrase("cli.triage.unverified"),
    "why": phrase("cli.triage.why"),
}
_LABEL = phrase("text.label")
_HEADING = phrase("text.heading")


def render_text(result: TriageResult, lang: Lang) -> str:
    """The triage for a clinician reading in a terminal."""

    def word(key: str) -> str:
        return _WORDS[key].get(lang)

    def labelled(key: str, value: str) -> str:
        return _LABEL.get(lang).format(label=word(key), value=value)

    def heading(name: str) -> str:
        return _HEADING.get(lang).format(label=name)

    def mark(evidence: Evidence) -> str:
        return f" [{word('unverified')}]" if evidence is Evidence.UNVERIFIED else ""

    lines = [_URGENCY_BANNER[result.urgency].get(lang)]
    open_flags = [item for item in result.undecided if item.item.startswith("rf.")]
    if open_flags:  # a red flag that missing data keeps open is said up front, not after the advice
        lines.append(f"!! {heading(word('flag_undecided'))}")
        lines.extend(
            f"   - {_LABEL.get(lang).format(label=item.item, value=item.reason.get(lang))}" for item in open_flags
        )
    lines.append("")
    if result.red_flags:
        lines.append(heading(word("red_flags")))
        for flag in result.red_flags:
            lines.append(f"  * [{URGENCY_WORDS[flag.urgency].get(lang)}] {flag.name.get(lang)}{mark(flag.evidence)}")
            lines.append(f"    -> {flag.action.get(lang)}")
            lines.append(f"    ({flag.id}; {flag.source})")
        lines.append("")
    unknown = word("unknown")
    lines.append(labelled("risk", _RISK_WORDS[result.risk].get(lang) if result.risk else unknown))
    if result.pathway_stopped:
        profile = word("stopped")
    else:
        profile = result.profile or unknown
        if result.profile_override is not None:
            computed = result.profile_computed or unknown
            override = _LABEL.get(lang).format(label=word("override"), value=result.profile_override.reason)
            profile += f" ({override}; {_LABEL.get(lang).format(label=word('computed'), value=computed)})"
        elif result.profile_rule:
            profile += f" ({result.profile_rule})"
    lines.append(labelled("profile", profile))
    radicular = unknown if result.radicular is None else word("yes" if result.radicular else "no")
    lines.append(labelled("radicular", radicular))
    lines.append(labelled("manipulation", VERDICT_WORDS[result.manipulation].get(lang)))
    for rule in result.manipulation_rules:
        lines.append(f"  - {rule.name.get(lang)}{mark(rule.evidence)} ({rule.id}; {rule.source})")
    lines.append("")
    lines.append(heading(word("recommendations")))
    for strength in Strength:
        recs = [rec for rec in result.recommendations if rec.strength is strength]
        if recs:
            lines.append(f"  {heading(STRENGTH_WORDS[strength].get(lang))}")
            for rec in recs:
                lines.append(f"    - {rec.text.get(lang)}{mark(rec.evidence)}")
                lines.append(f"      ({rec.id}; {rec.source})")
    if result.reevaluate_after_weeks is not None:
        lines.append(labelled("reevaluate", number(result.reevaluate_after_weeks).get(lang)))
    if result.undecided:
        lines.append("")
        lines.append(heading(word("undecided")))
        for item in result.undecided:
            lines.append(f"  - {_LABEL.get(lang).format(label=item.item, value=item.reason.get(lang))}")
    lines.append("")
    lines.append(word("why"))
    return "\n".join(lines)
