"""Load the aftercare content (``data/aftercare/checkin.yaml``): the check-in's questions, the recurrence rule's
numbers and words, and the "come back if…" text.

Validated once here so the core can trust it: a text (Dutch at least) wherever one is read, a text per region where
the words name the back or the neck, known sources with evidence no stronger than theirs, exactly the question ids
and rule ids the core reads (`core.aftercare.QUESTION_IDS`, `RULE_ORDER`), and settings the core accepts.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from types import MappingProxyType
from typing import Any

from rugpad.content import ContentError, read_yaml, text
from rugpad.content import region as _region
from rugpad.content import sourced as _sourced
from rugpad.core.aftercare import (
    QUESTION_IDS,
    RULE_ORDER,
    AftercareContent,
    AftercareRule,
    AftercareSettings,
    AftercareStatus,
    CheckinQuestion,
    ComeBackPoint,
)
from rugpad.core.errors import InvalidInput
from rugpad.core.text import Text
from rugpad.core.vocab import Evidence, Region

__all__ = ["load_aftercare"]

PATH = "aftercare/checkin.yaml"


def _text(raw: object, where: str) -> Text:
    """A text; a missing language falls back like any content text (the languages check lists the gap)."""
    return text(raw, where)


def _per_region(raw: object, where: str) -> Mapping[Region, Text]:
    """A text for each region (the words name the back or the neck)."""
    if not isinstance(raw, Mapping) or {str(k) for k in raw} != {r.value for r in Region}:
        raise ContentError(f"{where}: needs a text for each region ({', '.join(r.value for r in Region)})")
    return MappingProxyType({_region(key, where): _text(value, f"{where}: {key}") for key, value in raw.items()})


def _settings(raw: Mapping[str, Any]) -> tuple[AftercareSettings, tuple[str, Evidence], tuple[str, Evidence]]:
    where = f"{PATH}: settings"
    weeks = raw.get("default_weeks")
    try:
        settings = AftercareSettings(
            pain_rise_points=raw.get("pain_rise_points"),  # type: ignore[arg-type]
            default_weeks=tuple(weeks) if isinstance(weeks, list) else weeks,  # type: ignore[arg-type]
        )
    except InvalidInput as exc:
        raise ContentError(f"{where}: {exc}") from exc
    weeks_sourced = {"source": raw.get("weeks_source"), "evidence": raw.get("weeks_evidence")}
    return settings, _sourced(raw, where), _sourced(weeks_sourced, f"{where}: weeks")


def _questions(raw: object) -> Mapping[str, CheckinQuestion]:
    if not isinstance(raw, list):
        raise ContentError(f"{PATH}: questions must be a list")
    questions: dict[str, CheckinQuestion] = {}
    for index, entry in enumerate(raw):
        where = f"{PATH}: questions: {entry.get('id', f'entry {index}')}"
        question_id = str(entry.get("id", ""))
        if question_id in questions:
            raise ContentError(f"{where}: defined twice")
        source, evidence = _sourced(entry, where)
        help_text = entry.get("help")
        questions[question_id] = CheckinQuestion(
            id=question_id,
            text=_per_region(entry.get("text"), f"{where}: text"),
            help=None if help_text is None else _text(help_text, f"{where}: help"),
            source=source,
            evidence=evidence,
        )
    if tuple(questions) != QUESTION_IDS:
        raise ContentError(f"{PATH}: questions must be exactly {', '.join(QUESTION_IDS)}, in that order")
    return MappingProxyType(questions)


def _rules(raw: object) -> Mapping[str, AftercareRule]:
    if not isinstance(raw, list):
        raise ContentError(f"{PATH}: rules must be a list")
    statuses = dict(RULE_ORDER)
    rules: dict[str, AftercareRule] = {}
    for index, entry in enumerate(raw):
        rule_id = str(entry.get("id", ""))
        where = f"{PATH}: rules: {rule_id or f'entry {index}'}"
        if rule_id not in statuses:
            raise ContentError(f"{where}: not a rule of the core ({', '.join(statuses)})")
        if rule_id in rules:
            raise ContentError(f"{where}: defined twice")
        source, evidence = _sourced(entry, where)
        rules[rule_id] = AftercareRule(
            id=rule_id,
            status=statuses[rule_id],
            name=_text(entry.get("name"), f"{where}: name"),
            text=_text(entry.get("text"), f"{where}: text"),
            source=source,
            evidence=evidence,
        )
    missing = [rule_id for rule_id in statuses if rule_id not in rules]
    if missing:
        raise ContentError(f"{PATH}: no words for the core's rules {missing}")
    return MappingProxyType({rule_id: rules[rule_id] for rule_id in statuses})


def _come_back(raw: object) -> tuple[Text, tuple[ComeBackPoint, ...], Text]:
    where = f"{PATH}: come_back"
    if not isinstance(raw, Mapping) or not isinstance(raw.get("points"), list) or not raw["points"]:
        raise ContentError(f"{where}: needs a title, a non-empty list of points and an alarm line")
    _sourced(raw, where)
    points = []
    for index, entry in enumerate(raw["points"]):
        at = f"{where}: points[{index}]"
        regions = entry.get("regions", [r.value for r in Region])
        if not isinstance(regions, list) or not regions:
            raise ContentError(f"{at}: regions must be a non-empty list")
        source, evidence = _sourced(entry, at)
        points.append(
            ComeBackPoint(
                text=_text(entry.get("text"), f"{at}: text"),
                regions=frozenset(_region(r, f"{at}: regions") for r in regions),
                source=source,
                evidence=evidence,
            )
        )
    return _text(raw.get("title"), f"{where}: title"), tuple(points), _text(raw.get("alarm"), f"{where}: alarm")


@cache
def load_aftercare() -> AftercareContent:
    raw = read_yaml(PATH)
    if not isinstance(raw, Mapping):
        raise ContentError(f"{PATH}: must be a mapping")
    settings, (settings_source, settings_evidence), (weeks_source, weeks_evidence) = _settings(
        raw.get("settings") or {}
    )
    action_source, action_evidence = _sourced(
        {"source": raw.get("action_source"), "evidence": raw.get("action_evidence")}, f"{PATH}: action"
    )
    for_patient = raw.get("for_patient")
    if not isinstance(for_patient, Mapping) or {str(k) for k in for_patient} != {s.value for s in AftercareStatus}:
        raise ContentError(f"{PATH}: for_patient needs a text for each status ({', '.join(AftercareStatus)})")
    title, points, alarm = _come_back(raw.get("come_back"))
    return AftercareContent(
        settings=settings,
        settings_source=settings_source,
        settings_evidence=settings_evidence,
        weeks_source=weeks_source,
        weeks_evidence=weeks_evidence,
        title=_per_region(raw.get("title"), f"{PATH}: title"),
        intro=_text(raw.get("intro"), f"{PATH}: intro"),
        questions=_questions(raw.get("questions")),
        rules=_rules(raw.get("rules")),
        action=_text(raw.get("action"), f"{PATH}: action"),
        action_source=action_source,
        action_evidence=action_evidence,
        come_back_title=title,
        come_back=points,
        come_back_alarm=alarm,
        for_patient=MappingProxyType(
            {AftercareStatus(k): _text(v, f"{PATH}: for_patient: {k}") for k, v in for_patient.items()}
        ),
    )
