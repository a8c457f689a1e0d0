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
from rugpad.core.text import Text
from rugpad.core.triage import TriageResult
from rugpad.core.vocab import Evidence, Lang, Strength, Urgency


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
    Urgency.EMERGENCY: Text(
        nl="!!! SPOED: NU naar de spoedeisende hulp of bel 112 !!!",
        en="!!! EMERGENCY: emergency department NOW or call 112 !!!",
    ),
    Urgency.URGENT: Text(
        nl="!! DRINGEND: vandaag of morgen naar de huisarts !!", en="!! URGENT: GP today or tomorrow !!"
    ),
    Urgency.SOON: Text(
        nl="! BINNENKORT: huisarts of verwijzing binnen weken !", en="! SOON: GP or referral within weeks !"
    ),
    Urgency.NONE: Text(nl="Geen rode vlag gevonden.", en="No red flag found."),
}
_VALUES = {
    "emergency": Text(nl="SPOED", en="EMERGENCY"),
    "urgent": Text(nl="DRINGEND", en="URGENT"),
    "soon": Text(nl="BINNENKORT", en="SOON"),
    "allowed": Text(nl="TOEGESTAAN", en="ALLOWED"),
    "caution": Text(nl="VOORZICHTIG", en="CAUTION"),
    "contraindicated": Text(nl="GECONTRAINDICEERD", en="CONTRAINDICATED"),
    "low": Text(nl="laag", en="low"),
    "medium": Text(nl="middelmatig", en="medium"),
    "high": Text(nl="hoog", en="high"),
}
_HEADINGS = {
    Strength.DO: Text(nl="Doen", en="Do"),
    Strength.CONSIDER: Text(nl="Overwegen", en="Consider"),
    Strength.DO_NOT: Text(nl="Niet doen", en="Do not"),
}
_WORDS = {
    "red_flags": Text(nl="Rode vlaggen", en="Red flags"),
    "risk": Text(nl="STarT Back-risico", en="STarT Back risk"),
    "profile": Text(nl="Profiel", en="Profile"),
    "stopped": Text(nl="geen: de rode vlag gaat voor", en="none: the red flag comes first"),
    "computed": Text(nl="berekend", en="computed"),
    "override": Text(nl="aangepast door clinicus", en="overridden by clinician"),
    "radicular": Text(nl="Radiculair syndroom vermoed", en="Radicular syndrome suspected"),
    "manipulation": Text(nl="Manipulatie", en="Manipulation"),
    "recommendations": Text(nl="Aanbevelingen", en="Recommendations"),
    "undecided": Text(nl="Niet beoordeeld", en="Not decided"),
    "flag_undecided": Text(
        nl="Rode vlag niet uit te sluiten door ontbrekende gegevens", en="Red flag not ruled out for lack of data"
    ),
    "reevaluate": Text(nl="Evalueer opnieuw na (weken)", en="Re-evaluate after (weeks)"),
    "unknown": Text(nl="onbekend", en="unknown"),
    "yes": Text(nl="ja", en="yes"),
    "no": Text(nl="nee", en="no"),
    "unverified": Text(nl="NIET GEVERIFIEERD", en="UNVERIFIED"),
    "why": Text(nl="Waarom? rugpad explain <id>", en="Why? rugpad explain <id>"),
}


def render_text(result: TriageResult, lang: Lang) -> str:
    """The triage for a clinician reading in a terminal."""

    def word(key: str) -> str:
        return _WORDS[key].get(lang)

    def mark(evidence: Evidence) -> str:
        return f" [{word('unverified')}]" if evidence is Evidence.UNVERIFIED else ""

    lines = [_URGENCY_BANNER[result.urgency].get(lang)]
    open_flags = [item for item in result.undecided if item.item.startswith("rf.")]
    if open_flags:  # a red flag that missing data keeps open is said up front, not after the advice
        lines.append(f"!! {word('flag_undecided')}:")
        lines.extend(f"   - {item.item}: {item.reason.get(lang)}" for item in open_flags)
    lines.append("")
    if result.red_flags:
        lines.append(f"{word('red_flags')}:")
        for flag in result.red_flags:
            lines.append(f"  * [{_VALUES[flag.urgency].get(lang)}] {flag.name.get(lang)}{mark(flag.evidence)}")
            lines.append(f"    -> {flag.action.get(lang)}")
            lines.append(f"    ({flag.id}; {flag.source})")
        lines.append("")
    unknown = word("unknown")
    lines.append(f"{word('risk')}: {_VALUES[result.risk].get(lang) if result.risk else unknown}")
    if result.pathway_stopped:
        profile = word("stopped")
    else:
        profile = result.profile or unknown
        if result.profile_override is not None:
            computed = result.profile_computed or unknown
            profile += f" ({word('override')}: {result.profile_override.reason}; {word('computed')}: {computed})"
        elif result.profile_rule:
            profile += f" ({result.profile_rule})"
    lines.append(f"{word('profile')}: {profile}")
    radicular = unknown if result.radicular is None else word("yes" if result.radicular else "no")
    lines.append(f"{word('radicular')}: {radicular}")
    lines.append(f"{word('manipulation')}: {_VALUES[result.manipulation].get(lang)}")
    for rule in result.manipulation_rules:
        lines.append(f"  - {rule.name.get(lang)}{mark(rule.evidence)} ({rule.id}; {rule.source})")
    lines.append("")
    lines.append(f"{word('recommendations')}:")
    for strength in Strength:
        recs = [rec for rec in result.recommendations if rec.strength is strength]
        if recs:
            lines.append(f"  {_HEADINGS[strength].get(lang)}:")
            for rec in recs:
                lines.append(f"    - {rec.text.get(lang)}{mark(rec.evidence)}")
                lines.append(f"      ({rec.id}; {rec.source})")
    if result.reevaluate_after_weeks is not None:
        lines.append(f"{word('reevaluate')}: {result.reevaluate_after_weeks:g}")
    if result.undecided:
        lines.append("")
        lines.append(f"{word('undecided')}:")
        for item in result.undecided:
            lines.append(f"  - {item.item}: {item.reason.get(lang)}")
    lines.append("")
    lines.append(word("why"))
    return "\n".join(lines)
