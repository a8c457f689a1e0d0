"""From the work records to the engine's answers: the advice of a check's answers, the break exercises that suit the
episode, whether break reminders wait, and the treatment plan's goals about work. No rule lives here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rugpad import engine
from rugpad.core.country import Term
from rugpad.core.episode import EpisodeState
from rugpad.core.text import Text
from rugpad.core.vocab import Lang
from rugpad.core.work import AdviceRule, BreakRoutine, WorkQuestion
from rugpad.web.care.clinical import states_of
from rugpad.web.care.models import Episode, EpisodeStatus
from rugpad.web.plans.clinical import condition_tags
from rugpad.web.plans.models import ItemKind, PlanItem, TreatmentPlan
from rugpad.web.plans.specs import spec_of
from rugpad.web.work.models import WorkplaceCheck


def latest_check(episode: Episode) -> WorkplaceCheck | None:
    return WorkplaceCheck.objects.filter(episode=episode).order_by("-filled_at", "-id").first()


def advice_of(check: WorkplaceCheck | None, episode: Episode) -> tuple[AdviceRule, ...]:
    """The advice rules the check's answers make apply for the episode's region (none without a check)."""
    if check is None:
        return ()
    return engine.work_advice(check.answers, episode.region)


def physician(country: str) -> Text:
    """The occupational physician as the practice's country calls them (bedrijfsarts; arbeidsgeneesheer / médecin du
    travail), without an article."""
    return engine.country_term(Term.OCCUPATIONAL_PHYSICIAN, country)


@dataclass(frozen=True, slots=True)
class AnswerView:
    question: WorkQuestion
    question_text: str
    answer: str
    """The chosen option's words, or "–" when the question was left unanswered."""


def answers_of(check: WorkplaceCheck, lang: Lang) -> list[AnswerView]:
    views = []
    for question in engine.work_content().questions:
        option = question.option(str(check.answers.get(question.id, "")))
        views.append(AnswerView(question, question.text.get(lang), option.text.get(lang) if option else "–"))
    return views


def confirmed_exercises(episode: Episode) -> frozenset[str]:
    """The exercises of the episode's current plan whose caution the therapist confirmed for this patient."""
    plan = TreatmentPlan.objects.filter(episode=episode).first()
    version = plan.current() if plan is not None else None
    if version is None:
        return frozenset()
    return frozenset(
        version.items.filter(kind=ItemKind.EXERCISE, caution_confirmed_at__isnull=False).values_list("ref", flat=True)
    )


def routine_for(episode: Episode, state: EpisodeState) -> BreakRoutine:
    """The break exercises that suit this episode's region and recorded condition (the plan's condition tags)."""
    return engine.break_routine(episode.region, condition_tags(episode, state), confirmed_exercises(episode))


def open_states(episode: Episode, today: dt.date) -> dict[int, EpisodeState]:
    """The states of the episode and of the patient's other open episodes, computed together."""
    others = list(
        Episode.objects.filter(patient_id=episode.patient_id, status=EpisodeStatus.OPEN).exclude(pk=episode.pk)
    )
    for other in others:
        other.patient = episode.patient
    return states_of([episode, *others], today)


def reminders_wait(episode: Episode, states: dict[int, EpisodeState]) -> bool:
    """Whether break reminders wait — read as the jobs app reads its reminders: none once the episode is closed,
    none while a red flag is open in any of the patient's open episodes; and, as for exercise reminders, none
    while the pathway's gate is shut (not yet screened)."""
    state = states[episode.pk]
    if state.closed or any(other.open_flags for other in states.values()):
        return True
    return not state.gate.may_proceed


@dataclass(frozen=True, slots=True)
class Goal:
    item: PlanItem
    text: str
    about_work: bool
    """Suggested as a goal about work (the clinician confirms)."""


def plan_goals(episode: Episode, lang: Lang) -> list[Goal]:
    """The goals of the episode's current treatment plan, each marked when its words are about work."""
    plan = TreatmentPlan.objects.filter(episode=episode).first()
    version = plan.current() if plan is not None else None
    items = list(version.ordered_items().filter(kind=ItemKind.GOAL)) if version is not None else []
    texts = [spec_of(item).text.get(lang) for item in items]
    about_work = engine.work_related_goals(texts)
    return [Goal(item, text, work) for item, text, work in zip(items, texts, about_work, strict=True)]
