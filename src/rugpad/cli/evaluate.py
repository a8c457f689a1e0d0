"""`rugpad evaluate FILE`: an episode's facts in, its one clinical state out.

The facts are what a practice records about one episode (screening with the signs asked, examination, intake,
questionnaires with their dates, red flags with their life cycle, today's date); the state is what every page
of the web app reads: screening status, open and closed red flags, whether plan, guided session and manipulation
may proceed, risk/profile, measurement moments, change from baseline and the decision. Examples in `examples/`.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import Any

from rugpad import engine
from rugpad.cli._io import add_output_options, emit, read_payload
from rugpad.cli.triage import URGENCY_WORDS, VERDICT_WORDS
from rugpad.core.episode import EpisodeState, MomentStatus
from rugpad.core.evaluation import DecisionAction
from rugpad.core.flags import FlagStage
from rugpad.core.text import Text, phrase
from rugpad.core.vocab import Lang, Risk


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


_STAGES: dict[str, Text] = {
    FlagStage.RAISED: phrase("cli.evaluate.stage.raised"),
    FlagStage.ACTED: phrase("cli.evaluate.stage.acted"),
    FlagStage.EXCLUDED: phrase("cli.evaluate.stage.excluded"),
    FlagStage.CONFIRMED: phrase("cli.evaluate.stage.confirmed"),
    FlagStage.WITHDRAWN: phrase("cli.evaluate.stage.withdrawn"),
}
_STATUSES: dict[str, Text] = {
    MomentStatus.DONE: phrase("cli.evaluate.status.done"),
    MomentStatus.DUE: phrase("cli.evaluate.status.due"),
    MomentStatus.OVERDUE: phrase("cli.evaluate.status.overdue"),
    MomentStatus.UPCOMING: phrase("cli.evaluate.status.upcoming"),
    MomentStatus.MISSED: phrase("cli.evaluate.status.missed"),
}
_ACTIONS: dict[str, Text] = {
    DecisionAction.CONTINUE: phrase("cli.evaluate.action.continue"),
    DecisionAction.PROGRESS: phrase("cli.evaluate.action.progress"),
    DecisionAction.REEVALUATE_RISK_FACTORS: phrase("cli.evaluate.action.reevaluate_risk_factors"),
    DecisionAction.REFER: phrase("cli.evaluate.action.refer"),
    DecisionAction.STOP: phrase("cli.evaluate.action.stop"),
    DecisionAction.MEASURE: phrase("cli.evaluate.action.measure"),
}
_RISKS: dict[str, Text] = {
    Risk.LOW: phrase("words.risk.low"),
    Risk.MEDIUM: phrase("words.risk.medium"),
    Risk.HIGH: phrase("words.risk.high"),
}
_LABEL = phrase("text.label")


def render_text(state: EpisodeState, lang: Lang) -> str:
    """The state for a clinician at a terminal; the words follow `lang`, the ids and dates are the JSON's."""
    data = state.to_dict(lang)

    def line(label: Text, value: str) -> str:
        return _LABEL.get(lang).format(label=label.get(lang), value=value)

    def word(table: Mapping[str, Text], value: str | None) -> str:
        found = table.get(value) if value else None
        return found.get(lang) if found else (value or "-")

    screening: Any = data["screening"]
    pathway: Any = data["pathway"]
    if screening["status"] == "not_screened":
        lines = [line(phrase("cli.evaluate.screening"), phrase("cli.evaluate.not_done").get(lang))]
    else:
        lines = [line(phrase("cli.evaluate.screening"), str(screening["on"]))]
    flags: Any = data["red_flags"]
    for flag in flags:
        urgency = word(URGENCY_WORDS, flag["urgency"])
        lines.append(f"  [{word(_STAGES, flag['stage'])}] {urgency} {flag['name']} ({flag['id']})")
        if flag["stage"] in ("raised", "acted"):
            lines.append(f"    -> {flag['action']}")
    proceed = phrase("words.answer.yes") if pathway["may_proceed"] else phrase("words.answer.no")
    lines.append(line(phrase("cli.evaluate.may_proceed"), proceed.get(lang)))
    lines += [f"  - {reason}" for reason in pathway["reasons"]]
    lines.append(line(phrase("cli.evaluate.manipulation"), word(VERDICT_WORDS, pathway["manipulation"])))
    profile: Any = data["profile"]
    risk: Any = data["risk"]
    shown_risk = line(phrase("cli.evaluate.risk"), word(_RISKS, risk))
    lines.append(f"{line(phrase('cli.evaluate.profile'), profile or '-')}  {shown_risk}")
    moments: Any = data["moments"]
    for moment in moments:
        status = _LABEL.get(lang).format(label=moment["key"], value=word(_STATUSES, moment["status"]))
        lines.append(f"  {moment['due']} {status} ({', '.join(moment['instruments'])})")
    decision: Any = data["decision"]
    if decision:
        action = word(_ACTIONS, decision["action"])
        lines.append(line(phrase("cli.evaluate.decision"), f"{action} ({decision['rule']}) {decision['reason']}"))
    return "\n".join(lines)
