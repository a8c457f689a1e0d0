"""The portal's clinical questions, answered by the engine (never here).

- an alarm answer: the questions map to sign ids (`engine.alarm_payloads`), `engine.triage` decides urgency and action;
- worsening trends: `engine.detect_trends` with the numbers of ``data/portal/trends.yaml``;
- the "contact us now" text: the education module ``when-to-contact-now``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rugpad import engine
from rugpad.core.diary import AlarmQuestion
from rugpad.core.education import EducationModule
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
    urgency: Urgency
    top_flag: str
    """Id of the most urgent red flag ('' when none fired)."""


def judge_alarms(answered: Iterable[str], region: str) -> AlarmJudgement:
    """Runs the answered alarm questions through the triage; the most urgent red flag decides."""
    payloads = engine.alarm_payloads(answered, region)
    flags = [flag for payload in payloads for flag in engine.triage(payload).red_flags]
    if not flags:
        return AlarmJudgement(payloads, Urgency.NONE, "")
    top = min(flags, key=lambda flag: flag.urgency.rank)
    return AlarmJudgement(payloads, top.urgency, top.id)


def red_flags_of(payloads: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The red flags of stored alarm payloads, re-rendered in the reader's language, most urgent first."""
    lang = reader_lang()
    flags = [flag for p in payloads for flag in engine.triage(p).to_dict(lang)["red_flags"]]  # type: ignore[attr-defined]
    for flag in flags:  # the clinician's action text is for clinicians; patients read what the level means for them
        flag["patient_action"] = engine.patient_action(flag["urgency"]).get(lang)
    return sorted(flags, key=lambda flag: Urgency(flag["urgency"]).rank)


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
