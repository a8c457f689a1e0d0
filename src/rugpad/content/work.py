"""Load the work module's content, ``data/work/workplace_check.yaml``: the workplace check's questions, its advice
rules, the break routine and the words that mark a goal as one about work.

The shapes are declared as pydantic models; a file that does not fit raises `ContentError` naming the file and the
field. Beyond the shapes: ids are unique (an option's within its question), every rule names known questions and
options and a known source with no stronger evidence than the source has, an advice text holds no placeholder but
``{physician}``, and every break exercise exists in the library and suits the regions it is listed for.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from functools import cache
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from rugpad.content import ContentError, read_yaml, sourced, text
from rugpad.content.exercises import load_exercises
from rugpad.core.text import Text
from rugpad.core.vocab import Region
from rugpad.core.work import (
    PHYSICIAN_PLACEHOLDER,
    AdviceRule,
    BreakItem,
    Clause,
    WorkContent,
    WorkOption,
    WorkQuestion,
    WorkTopic,
    fold,
)

__all__ = ["PATH", "load_work_content"]

PATH = "work/workplace_check.yaml"
_ID = re.compile(r"^[a-z0-9_]+$")
_RULE_ID = re.compile(r"^work\.[a-z0-9.-]+$")

_Strict = ConfigDict(extra="forbid", frozen=True)


class _Option(BaseModel):
    model_config = _Strict
    id: str = Field(pattern=_ID.pattern)
    text: dict[str, Any]


class _Question(BaseModel):
    model_config = _Strict
    id: str = Field(pattern=_ID.pattern)
    topic: WorkTopic
    text: dict[str, Any]
    options: list[_Option] = Field(min_length=2)


class _Rule(BaseModel):
    model_config = _Strict
    id: str = Field(pattern=_RULE_ID.pattern)
    topic: WorkTopic
    regions: list[Region] = Field(min_length=1)
    when: list[dict[str, list[str]]] = Field(min_length=1)
    advice: dict[str, Any]
    reason: dict[str, Any]
    source: str
    evidence: str


class _Sourced(BaseModel):
    model_config = _Strict
    source: str
    evidence: str


class _Move(_Sourced):
    text: dict[str, Any]


class _Item(_Sourced):
    exercise: str
    regions: list[Region] = Field(min_length=1)


class _Routine(BaseModel):
    model_config = _Strict
    move: _Move
    items: list[_Item] = Field(min_length=1)


class _File(BaseModel):
    model_config = _Strict
    questions: list[_Question] = Field(min_length=1)
    rules: list[_Rule] = Field(min_length=1)
    break_routine: _Routine
    goal_words: dict[str, list[str]]


def _parsed(raw: Any) -> _File:
    try:
        return _File.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ": ".join(str(part) for part in first["loc"]) or "(top)"
        raise ContentError(f"{PATH}: {where}: {first['msg']}") from None


def _question(raw: _Question, where: str) -> WorkQuestion:
    ids = [option.id for option in raw.options]
    if len(set(ids)) != len(ids):
        raise ContentError(f"{where}: options: an option id is given twice")
    options = tuple(WorkOption(o.id, text(o.text, f"{where}: options: {o.id}")) for o in raw.options)
    return WorkQuestion(raw.id, raw.topic, text(raw.text, f"{where}: text"), options)


def _advice(raw: dict[str, Any], where: str) -> Text:
    advice = text(raw, where)
    for lang, template in advice.items():
        try:
            names = {name for _literal, name, _spec, _conversion in string.Formatter().parse(template) if name}
        except ValueError as exc:
            raise ContentError(f"{where}: {lang}: {exc}") from None
        if names - {PHYSICIAN_PLACEHOLDER}:
            raise ContentError(
                f"{where}: {lang}: only {{{PHYSICIAN_PLACEHOLDER}}} may be filled in, not {sorted(names)}"
            )
    return advice


def _rule(raw: _Rule, questions: Mapping[str, WorkQuestion], where: str) -> AdviceRule:
    clauses = []
    for index, clause in enumerate(raw.when):
        if not clause:
            raise ContentError(f"{where}: when: {index}: an empty clause would always apply")
        for question_id, options in clause.items():
            question = questions.get(question_id)
            if question is None:
                raise ContentError(f"{where}: when: {index}: {question_id!r} is not a question")
            unknown = sorted(o for o in options if question.option(o) is None)
            if not options or unknown:
                raise ContentError(f"{where}: when: {index}: {question_id}: {unknown or 'no'} options of the question")
        clauses.append(Clause(MappingProxyType({q: frozenset(o) for q, o in clause.items()})))
    source, evidence = sourced({"source": raw.source, "evidence": raw.evidence}, where)
    return AdviceRule(
        id=raw.id,
        topic=raw.topic,
        regions=frozenset(raw.regions),
        when=tuple(clauses),
        advice=_advice(raw.advice, f"{where}: advice"),
        reason=text(raw.reason, f"{where}: reason"),
        source=source,
        evidence=evidence,
    )


def _break_items(raw: _Routine) -> tuple[BreakItem, ...]:
    library = load_exercises()
    items = []
    for item in raw.items:
        where = f"{PATH}: break_routine: items: {item.exercise}"
        exercise = library.get(item.exercise)
        if exercise is None:
            raise ContentError(f"{where}: not an exercise of the library")
        if not set(item.regions) <= exercise.regions:
            raise ContentError(
                f"{where}: regions: the exercise is not for {sorted(set(item.regions) - exercise.regions)}"
            )
        source, evidence = sourced(item.model_dump(), where)
        items.append(BreakItem(item.exercise, frozenset(item.regions), source, evidence))
    return tuple(items)


@cache
def load_work_content() -> WorkContent:
    parsed = _parsed(read_yaml(PATH))
    questions: dict[str, WorkQuestion] = {}
    for raw in parsed.questions:
        where = f"{PATH}: questions: {raw.id}"
        if raw.id in questions:
            raise ContentError(f"{where}: id given twice")
        questions[raw.id] = _question(raw, where)
    rules: list[AdviceRule] = []
    for raw_rule in parsed.rules:
        where = f"{PATH}: rules: {raw_rule.id}"
        if any(rule.id == raw_rule.id for rule in rules):
            raise ContentError(f"{where}: id given twice")
        rules.append(_rule(raw_rule, questions, where))
    move = parsed.break_routine.move
    move_source, move_evidence = sourced(move.model_dump(), f"{PATH}: break_routine: move")
    words = tuple(dict.fromkeys(fold(word).strip() for listed in parsed.goal_words.values() for word in listed))
    if not words or "" in words:
        raise ContentError(f"{PATH}: goal_words: every word needs a letter")
    return WorkContent(
        questions=tuple(questions.values()),
        rules=tuple(rules),
        break_items=_break_items(parsed.break_routine),
        break_move=text(move.text, f"{PATH}: break_routine: move: text"),
        break_move_source=move_source,
        break_move_evidence=move_evidence,
        goal_words=words,
    )
