"""Load the patient-portal content: the diary's alarm questions, the words in a message that name an alarm sign,
and the trend rules (``data/portal/*.yaml``).

Validated once here so the core can trust it: both languages, exactly one known sign per alarm question (and no
sign asked twice), known regions and sources, and settings the core accepts. That every alarm question raises a
red flag (alone, or with a history of cancer or an infection feature on the records) is checked by a content test.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from types import MappingProxyType
from typing import Any

from rugpad.content import ContentError, read_yaml, text
from rugpad.content import region as _region
from rugpad.content import sourced as _sourced
from rugpad.content.rules import load_rulebook
from rugpad.core.diary import AlarmPhrase, AlarmQuestion, normalise_words
from rugpad.core.errors import InvalidInput
from rugpad.core.text import DEFAULT_LANG
from rugpad.core.trends import EXERCISES_SKIPPED, PAIN_RISING, TrendRule, TrendSettings
from rugpad.core.vocab import Lang

__all__ = ["load_alarm_phrases", "load_alarm_questions", "load_trend_rules", "load_trend_settings"]

_FOLDER = "portal"


_LANG_CODES = tuple(lang.value for lang in Lang)


def _question(entry: Mapping[str, Any], where: str) -> AlarmQuestion:
    signs = entry.get("signs")
    if not isinstance(signs, list) or len(signs) != 1:
        # One sign per question: a patient can answer one thing with yes or no, and the triage must know which.
        raise ContentError(f"{where}: signs must list exactly one sign id (one sign per question)")
    unknown = sorted(str(s) for s in signs if s not in load_rulebook().signs)
    if unknown:
        raise ContentError(f"{where}: unknown signs {unknown}")
    regions = entry.get("regions")
    if not isinstance(regions, list) or not regions:
        raise ContentError(f"{where}: regions must be a non-empty list")
    triage_region = entry.get("triage_region")
    source, evidence = _sourced(entry, where)
    return AlarmQuestion(
        id=str(entry["id"]),
        question=text(entry.get("question"), f"{where}: question"),
        signs=tuple(str(s) for s in signs),
        regions=frozenset(_region(r, f"{where}: regions") for r in regions),
        triage_region=None if triage_region is None else _region(triage_region, f"{where}: triage_region"),
        source=source,
        evidence=evidence,
    )


@cache
def load_alarm_questions() -> Mapping[str, AlarmQuestion]:
    """Every alarm question by id, in the order of the file (the order the patient sees)."""
    path = f"{_FOLDER}/alarm_questions.yaml"
    raw = read_yaml(path)
    if not isinstance(raw, list) or not raw:
        raise ContentError(f"{path}: must be a non-empty list of questions")
    questions: dict[str, AlarmQuestion] = {}
    for index, entry in enumerate(raw):
        where = f"{path}: {entry.get('id', f'entry {index}')}"
        if not entry.get("id") or entry["id"] in questions:
            raise ContentError(f"{where}: id missing or defined twice")
        question = _question(entry, where)
        asked = next((q.id for q in questions.values() if q.signs == question.signs), None)
        if asked is not None:
            raise ContentError(f"{where}: sign {question.signs[0]!r} is already asked by {asked!r}")
        questions[question.id] = question
    return MappingProxyType(questions)


@cache
def load_alarm_phrases() -> tuple[AlarmPhrase, ...]:
    """The words that name an alarm sign in a message, per alarm question, normalised for matching. Each entry
    names a known alarm question and lists words per language (Dutch required); a phrase may not be empty after
    normalising."""
    path = f"{_FOLDER}/alarm_phrases.yaml"
    raw = read_yaml(path)
    if not isinstance(raw, list) or not raw:
        raise ContentError(f"{path}: must be a non-empty list of entries")
    questions = load_alarm_questions()
    phrases: list[AlarmPhrase] = []
    for index, entry in enumerate(raw):
        question = str(entry.get("question", ""))
        where = f"{path}: {question or f'entry {index}'}"
        if question not in questions:
            raise ContentError(f"{where}: question must name an alarm question of alarm_questions.yaml")
        words: list[str] = []
        unknown = sorted(set(map(str, entry)) - {"question", "source", "evidence", "note", *_LANG_CODES})
        if unknown:
            raise ContentError(f"{where}: unknown key {', '.join(unknown)}")
        for lang in _LANG_CODES:
            listed = entry.get(lang)
            if listed is None and lang != DEFAULT_LANG.value:
                continue  # not yet written in this language: the content check lists it
            if not isinstance(listed, list) or not listed:
                raise ContentError(f"{where}: {lang} must be a non-empty list of words")
            for word in listed:
                normal = normalise_words(str(word)).strip()
                if not normal:
                    raise ContentError(f"{where}: {lang}: {word!r} has no letters")
                words.append(normal)
        source, evidence = _sourced(entry, where)
        phrases.append(AlarmPhrase(question, tuple(dict.fromkeys(words)), source, evidence))
    return tuple(phrases)


@cache
def load_trend_settings() -> TrendSettings:
    path = f"{_FOLDER}/trends.yaml"
    raw = read_yaml(path).get("settings") or {}
    try:
        return TrendSettings(**{str(k): v for k, v in raw.items()})
    except (TypeError, InvalidInput) as exc:
        raise ContentError(f"{path}: settings: {exc}") from exc


@cache
def load_trend_rules() -> Mapping[str, TrendRule]:
    """The clinician's texts for each trend rule of the core, by rule id; every core rule must have one."""
    path = f"{_FOLDER}/trends.yaml"
    rules: dict[str, TrendRule] = {}
    for index, entry in enumerate(read_yaml(path).get("rules") or []):
        where = f"{path}: {entry.get('id', f'rule {index}')}"
        source, evidence = _sourced(entry, where)
        rules[str(entry.get("id"))] = TrendRule(
            id=str(entry.get("id")),
            name=text(entry.get("name"), f"{where}: name"),
            text=text(entry.get("text"), f"{where}: text"),
            source=source,
            evidence=evidence,
        )
    missing = sorted({PAIN_RISING, EXERCISES_SKIPPED} - set(rules))
    if missing:
        raise ContentError(f"{path}: no text for the core's rules {missing}")
    return MappingProxyType(rules)
