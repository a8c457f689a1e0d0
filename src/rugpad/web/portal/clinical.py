"""The portal's clinical questions, answered by the engine (never here).

- an alarm answer: the questions map to sign ids (`engine.alarm_payloads`), `engine.triage` decides urgency and action;
- worsening trends: `engine.detect_trends` with the numbers of ``data/portal/trends.yaml``;
- the "contact us now" text: the education module ``when-to-contact-now``;
- words in a patient's message that name an alarm sign: `engine.alarm_phrases_in` (shown, never triaged).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rugpad import engine
from rugpad.core.diary import AlarmQuestion
from rugpad.core.education import EducationModule
from rugpad.core.episode import EpisodeFacts
from rugpad.core.flags import Firing
from rugpad.core.trends import DiaryPoint, TrendAlert
from rugpad.core.vocab import Urgency
from rugpad.web.i18n import reader_lang

CONTACT_MODULE = "when-to-contact-now"


def alarm_questions(region: str | None) -> list[AlarmQuestion]:
    """The questions asked of a patient with an episode in `region` (all of them when the region is unknown)."""
    return list(engine.alarm_questions(region))


@dataclass(frozen=True, slots=True)
class AlarmJudgement:
    payloads: list[dict[str, object]]
    """The answers as triage input (the patient's answers only)."""
    firings: tuple[Firing, ...]
    """The red flags the answers raise, judged with what the episode already knows, most urgent first."""

    @property
    def urgency(self) -> Urgency:
        return self.firings[0].urgency if self.firings else Urgency.NONE

    @property
    def top_flag(self) -> str:
        """Id of the most urgent red flag ('' when none fired)."""
        return self.firings[0].rule_id if self.firings else ""


def judge_alarms(answered: Iterable[str], region: str, known: EpisodeFacts | None = None) -> AlarmJudgement:
    """Runs the answered alarm questions through the triage, with the episode's recorded signs, age and sex when
    there is an episode; the most urgent red flag decides what the patient is told."""
    answered = list(answered)
    firings = engine.alarm_firings(
        answered,
        region,
        known_signs=known.recorded_signs if known else (),
        age=known.age if known else None,
        sex=str(known.sex) if known and known.sex else None,
    )
    ordered = tuple(sorted(firings, key=lambda f: (f.urgency.rank, f.rule_id)))
    return AlarmJudgement(engine.alarm_payloads(answered, region), ordered)


def red_flags_of(rule_ids: Iterable[str], country: str = "nl") -> list[dict[str, Any]]:
    """The red flags a diary entry raised, in the reader's language, most urgent first: name, action and source for
    the clinician, and what the patient is told to do for its urgency with the numbers of the practice's country."""
    lang = reader_lang()
    flags = []
    for rule_id in dict.fromkeys(rule_ids):
        rule = engine.red_flag(rule_id)
        if rule is None:
            continue
        flags.append(
            {
                "id": rule.id,
                "urgency": str(rule.urgency),
                "name": rule.name.get(lang),
                "action": rule.action.get(lang),
                "source": rule.source,
                "evidence": str(rule.evidence),
                "patient_action": engine.patient_instruction(rule, country).get(lang),
                "calls_112": engine.calls_112(rule),
            }
        )
    return sorted(flags, key=lambda flag: (Urgency(flag["urgency"]).rank, not flag["calls_112"]))


def entry_red_flags(entry_flags: list[str], payloads: list[dict[str, Any]], country: str) -> list[dict[str, Any]]:
    """A diary entry's red flags: those stored with it, or, for entries kept before that, its payloads triaged."""
    if entry_flags:
        return red_flags_of(entry_flags, country)
    return red_flags_of((flag.id for p in payloads for flag in engine.triage(p).red_flags), country)


def trends(points: Iterable[DiaryPoint], today: dt.date) -> tuple[TrendAlert, ...]:
    return engine.detect_trends(points, today)


def trend_view(rule_id: str, detail: dict[str, Any]) -> dict[str, str]:
    """Name and explanation of a stored trend alert, in the reader's language, with its source and evidence."""
    rule = engine.trend_rules()[rule_id]
    lang = reader_lang()
    value = f"{float(detail.get('value', 0)):g}"
    threshold = f"{float(detail.get('threshold', 0)):g}"
    return {
        "name": rule.name.get(lang),
        "text": rule.text.get(lang).format(value=value, threshold=threshold),
        "source": rule.source,
        "evidence": str(rule.evidence),
    }


def contact_module() -> EducationModule:
    return engine.education_library()[CONTACT_MODULE]


def alarm_words(text: str) -> tuple[str, ...]:
    """The alarm questions whose sign a patient's message names. Never a triage: the patient is only shown when to
    contact whom, and the clinician sees the message marked."""
    return engine.alarm_phrases_in(text)
