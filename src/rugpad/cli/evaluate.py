"""`rugpad evaluate FILE`: an episode's facts in, its one clinical state out.

The facts are what a practice records about one episode (screening with the signs asked, examination, intake,
questionnaires with their dates, red flags with their life cycle, today's date); the state is what every page
of the web app reads: screening status, open and closed red flags, whether plan, guided session and manipulation
may proceed, risk/profile, measurement moments, change from baseline and the decision. Examples in `examples/`.
"""

from __future__ import annotations

import argparse
from typing import Any

from rugpad import engine
from rugpad.cli._io import add_output_options, emit, read_payload
from rugpad.core.episode import EpisodeState
from rugpad.core.vocab import Lang


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "evaluate",
        help="an episode's clinical state from its recorded facts",
        description="Compute one episode's clinical state. FILE (or - for stdin) holds the facts as JSON.",
    )
    parser.add_argument("file", help="JSON file with the episode's facts, or - for standard input")
    add_output_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    state = engine.episode_state(engine.parse_episode_facts(read_payload(args.file)))
    return emit(args, state.to_dict, lambda lang: render_text(state, lang))


def render_text(state: EpisodeState, lang: Lang) -> str:
    data = state.to_dict(lang)
    nl = lang is Lang.NL
    screening: Any = data["screening"]
    pathway: Any = data["pathway"]
    lines = []
    if screening["status"] == "not_screened":
        lines.append("Screening op rode vlaggen: NOG NIET GEDAAN" if nl else "Red-flag screening: NOT DONE YET")
    else:
        lines.append(("Screening op rode vlaggen: " if nl else "Red-flag screening: ") + str(screening["on"]))
    flags: Any = data["red_flags"]
    for flag in flags:
        lines.append(f"  [{flag['stage']}] {flag['urgency'].upper()} {flag['name']} ({flag['id']})")
        if flag["stage"] in ("raised", "acted"):
            lines.append(f"    -> {flag['action']}")
    verdict = "ja" if nl else "yes"
    lines.append(
        ("Traject mag verder: " if nl else "Pathway may proceed: ")
        + (verdict if pathway["may_proceed"] else ("nee" if nl else "no"))
    )
    lines += [f"  - {reason}" for reason in pathway["reasons"]]
    lines.append(f"{'Manipulatie' if nl else 'Manipulation'}: {pathway['manipulation'] or '-'}")
    profile, risk = ("Profiel", "risico") if nl else ("Profile", "risk")
    lines.append(f"{profile}: {data['profile'] or '-'}  {risk}: {data['risk'] or '-'}")
    moments: Any = data["moments"]
    for moment in moments:
        lines.append(f"  {moment['due']} {moment['key']}: {moment['status']} ({', '.join(moment['instruments'])})")
    decision: Any = data["decision"]
    if decision:
        lines.append(
            f"{'Besluit' if nl else 'Decision'}: {decision['action']} ({decision['rule']}) {decision['reason']}"
        )
    return "\n".join(lines)
