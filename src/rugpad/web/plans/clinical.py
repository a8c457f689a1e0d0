"""From stored records to the clinical core and back, for plans. No rule lives here: suitability, proposals and
progression advice come from `rugpad.engine` (the core applied to the loaded content).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from django.utils import timezone

from rugpad import engine
from rugpad.core.episode import EpisodeState, Gate
from rugpad.core.exercises import Dose, Exercise, Purpose, Suitability
from rugpad.core.plan import MAX_PSK_ACTIVITIES, PlanContext, ProposedPlan, PskActivity, Verdict
from rugpad.core.plan import PlanItem as CorePlanItem
from rugpad.core.plan_rules import Cause
from rugpad.core.plan_rules import PlanSettings as CorePlanSettings
from rugpad.core.progression import ExerciseReport, ProgressionAdvice, ProgressionModel
from rugpad.core.text import Text
from rugpad.core.vocab import Lang, ManipulationVerdict, Region, Urgency
from rugpad.web.care.clinical import state_of, states_of
from rugpad.web.care.models import Episode, EpisodeStatus, Intake, ResponseStatus
from rugpad.web.i18n import reader_lang
from rugpad.web.plans.models import ItemKind, Origin, PlanSettings
from rugpad.web.plans.specs import ItemSpec
from rugpad.web.practice.models import Practice


def exercise_library() -> Mapping[str, Exercise]:
    """Every exercise in the library by id (the engine's)."""
    return engine.exercise_library()


def condition_tags(episode: Episode, state: EpisodeState | None = None) -> frozenset[str]:
    """The library's condition tags for this episode (the engine's `plan_condition_tags`: an undecided radicular
    outcome counts as radicular, the safer reading)."""
    state = state or state_of(episode)
    return engine.plan_condition_tags(sorted(state.facts.recorded_signs), state.triage.radicular)


def practice_settings(practice_id: int | None) -> CorePlanSettings:
    """The content's plan settings with the practice's own values (same for every profile) where it set them."""
    settings = engine.plan_settings()
    own = PlanSettings.objects.filter(practice_id=practice_id).first() if practice_id is not None else None
    if own is None:
        return settings
    changes: dict[str, Any] = {}
    if own.sessions_per_week:
        changes["sessions_per_week"] = dict.fromkeys(settings.sessions_per_week, own.sessions_per_week)
    if own.weeks:
        changes["treatment_weeks"] = dict.fromkeys(settings.treatment_weeks, own.weeks)
    return replace(settings, **changes)


def psk_activities(episode: Episode) -> tuple[PskActivity, ...]:
    """The activities of the latest completed PSK, with their intake difficulty."""
    response = (
        episode.responses.filter(instrument="psk", status=ResponseStatus.COMPLETED)
        .order_by("-completed_at", "-id")
        .first()
    )
    if response is None:
        return ()
    found = []
    for number, name in sorted(response.activities.items()):
        if str(name).strip():
            score = response.answers.get(number)
            found.append(PskActivity(str(name).strip(), score if isinstance(score, int) else None))
    return tuple(found[:MAX_PSK_ACTIVITIES])


def plan_context(episode: Episode, causes: Iterable[str] = ()) -> PlanContext:
    """The generator's input from the episode's state (profile, radicular, manipulation, open red flags) and its
    records (intake goals, PSK activities, the practice's settings)."""
    state = state_of(episode)
    intake = episode.latest("intakes")
    goals = (intake.goals.strip(),) if isinstance(intake, Intake) and intake.goals.strip() else ()
    stopping = [flag.urgency for flag in state.flags if flag.stops]
    return PlanContext(
        region=Region(episode.region),
        profile=state.triage.profile,
        radicular=state.triage.radicular is True,
        manipulation=state.gate.manipulation or ManipulationVerdict.CONTRAINDICATED,
        urgency=min(stopping, key=lambda u: u.rank, default=Urgency.NONE),
        tags=condition_tags(episode, state),
        causes=frozenset(Cause(c) for c in causes),
        activities=psk_activities(episode),
        goals=goals,
        start=timezone.localdate(),
        settings=practice_settings(episode.patient.practice_id),
        waiting=tuple(reason.get(reader_lang()) for reason in state.gate.reasons),
    )


def item_checker(episode: Episode) -> Callable[[str], Verdict]:
    """Whether an exercise or technique (by id) may be added for this episode: the engine's `check_plan_addition` on
    the episode as recorded now. Raises InvalidInput while a red flag is open."""
    context = plan_context(episode)
    return lambda item_id: engine.check_plan_addition(item_id, context)


def pathway_gate(episode: Episode) -> Gate:
    """Whether the plan and the guided session may go on: the episode state's gate (screened, no open red flag,
    not closed), with the reasons for the clinician and, in plain words, for the patient."""
    return state_of(episode).gate


def patient_wait(episode: Episode) -> str | None:
    """Why the patient is offered no exercises now, in plain words in the reader's language; None when they are.

    A red flag open in any other open episode of the same patient stops these exercises too: an alarm from the
    diary is kept with the patient's newest episode, whichever plan they exercise from. The states of all these
    episodes are computed together (their records read in one query per kind)."""
    others = list(
        Episode.objects.filter(patient_id=episode.patient_id, status=EpisodeStatus.OPEN).exclude(pk=episode.pk)
    )
    for other in others:
        other.patient = episode.patient  # the same row, already loaded
    states = states_of([episode, *others], timezone.localdate())
    gate = states[episode.pk].gate
    if not gate.may_proceed:
        return (gate.for_patient or gate.reasons[0]).get(reader_lang())
    for other in others:
        state = states[other.pk]
        if any(flag.stops for flag in state.flags) and state.gate.for_patient is not None:
            return state.gate.for_patient.get(reader_lang())
    return None


def reason_text(verdict: Verdict, lang: Lang) -> str:
    return " ".join(reason.get(lang) for reason in verdict.reasons)


def clinician_exercise(exercise: Exercise, suitability: Suitability) -> ItemSpec:
    return ItemSpec(
        kind=ItemKind.EXERCISE,
        ref=exercise.id,
        text=exercise.name,
        dose=exercise.dose,
        source_id=exercise.source_id,
        evidence=exercise.evidence.value,
        origin=Origin.CLINICIAN,
        suitability=suitability,
    )


def _folded(text: str) -> str:
    """Lower case without accents, so "knieen" finds "knieën" and "Vogel" finds "vogel"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def search_words(exercise: Exercise) -> str:
    """Everything the library search matches: the exercise's name and everyday words in every language."""
    names = (words for _lang, words in exercise.name.items())
    return _folded(" ".join((*names, *exercise.synonyms.every())))


def search_library(
    region: str = "", purpose: str = "", words: str = "", lang: str = "nl"
) -> list[tuple[Exercise, str]]:
    """Exercises matching every filter given, each with its illustration's SVG markup. Every word typed must occur
    in the name or the everyday words of some language, whichever language the page is in ("vogel" finds the
    bird-dog on an English page, "bird" on a Dutch one)."""
    wanted = _folded(words).split()
    found = []
    for exercise in exercise_library().values():
        if region and Region(region) not in exercise.regions:
            continue
        if purpose and exercise.purpose != Purpose(purpose):
            continue
        haystack = search_words(exercise)
        if any(word not in haystack for word in wanted):
            continue
        found.append(exercise)
    found.sort(key=lambda e: e.name.get(lang).lower())
    return [(exercise, engine.illustration_svg(exercise.id)) for exercise in found]


@dataclass(frozen=True, slots=True)
class Rung:
    """One exercise of a ladder as a page names it."""

    exercise_id: str
    name: str
    current: bool


def ladder_of(exercise: Exercise, lang: Lang) -> tuple[Rung, ...]:
    """The ladder the exercise stands on, easiest first, by following its easier/harder links in the content
    (which the loader checked to be mirrored and loop-free); a lone exercise gives an empty ladder."""
    if exercise.progression is None and exercise.regression is None:
        return ()
    library = exercise_library()
    bottom = exercise
    while bottom.regression is not None:
        bottom = library[bottom.regression]
    rungs = [bottom]
    while rungs[-1].progression is not None:
        rungs.append(library[rungs[-1].progression])
    return tuple(Rung(e.id, e.name.get(lang), e.id == exercise.id) for e in rungs)


def ladder_offer(exercise: Exercise, advice: ProgressionAdvice | None) -> tuple[str, str] | None:
    """The easier or harder rung the advice points to (the engine's rule)."""
    return engine.ladder_offer(exercise, advice)


def progression_model(practice: Practice) -> ProgressionModel:
    """The content's progression model with the practice's own pain limit, when it set one."""
    model = engine.progression_model()
    own = PlanSettings.objects.filter(practice=practice).first()
    if own is not None and own.max_exercise_pain is not None:
        model = model.with_settings(max_exercise_pain=own.max_exercise_pain)
    return model


def progression_advice(
    model: ProgressionModel, spec: ItemSpec, *, pain_during: int, settled: bool | None
) -> ProgressionAdvice | None:
    """The core's advice for one exercise after a session. An unanswered next-morning question counts as "not
    settled", the safer reading (never a step up on missing data)."""
    if spec.dose is None:
        return None
    report = ExerciseReport(pain_during=pain_during, settled_by_next_morning=bool(settled))
    return engine.progression_advice(spec.dose, report, model)


@dataclass(frozen=True, slots=True)
class ProposalRow:
    spec: ItemSpec
    title: str
    dose_text: str
    cautions: str
    why: str
    svg: str

    @property
    def kind_label(self) -> str:
        return str(ItemKind(self.spec.kind).label)


@dataclass(frozen=True, slots=True)
class Proposal:
    """The engine's proposed plan as editor items, with the frequency it proposes and what it withheld."""

    rows: tuple[ProposalRow, ...]
    weeks: int
    sessions_per_week: int
    withheld: tuple[str, ...]

    @property
    def specs(self) -> tuple[ItemSpec, ...]:
        return tuple(row.spec for row in self.rows)


def causes(lang: Lang) -> list[tuple[str, str]]:
    """The causes a clinician may judge, with their labels, for the generator's form."""
    return [(cause.value, label.get(lang)) for cause, label in engine.plan_causes().items()]


def propose(episode: Episode, lang: Lang, causes: Iterable[str] = ()) -> Proposal:
    """The engine's proposal for the episode as recorded now; InvalidInput when it cannot make one (a red flag is
    open, no rule fits)."""
    plan: ProposedPlan = engine.propose_plan(plan_context(episode, causes))
    rows: list[ProposalRow] = []

    def add(
        item: CorePlanItem,
        kind: str,
        title: Text,
        *,
        ref: str = "",
        dose: Dose | None = None,
        cautions: tuple[Text, ...] = (),
        caution: bool = False,
    ) -> None:
        spec = ItemSpec(
            kind=kind,
            ref=ref,
            text=title,
            dose=dose,
            rule_id=item.rule_id,
            source_id=item.source_id,
            evidence=item.evidence.value,
            why=item.reason,
            origin=Origin.PROPOSED,
            suitability="caution" if caution else "allowed",
        )
        note = " ".join(c.get(lang) for c in cautions)
        svg = engine.illustration_svg(ref) if kind == ItemKind.EXERCISE else ""
        rows.append(
            ProposalRow(spec, title.get(lang), dose.describe(lang) if dose else "", note, item.reason.get(lang), svg)
        )

    add(plan.approach, ItemKind.APPROACH, plan.approach.text)
    add(plan.package, ItemKind.APPROACH, plan.package.reason)
    for goal in plan.goals:
        add(goal, ItemKind.GOAL, goal.text)
    for technique in plan.techniques:
        add(
            technique,
            ItemKind.TECHNIQUE,
            technique.name,
            ref=technique.technique_id,
            cautions=technique.cautions,
            caution=technique.needs_confirmation,
        )
    for exercise in plan.exercises:
        add(
            exercise,
            ItemKind.EXERCISE,
            exercise.name,
            ref=exercise.exercise_id,
            dose=exercise.dose,
            cautions=exercise.cautions,
            caution=exercise.needs_confirmation,
        )
    for module in plan.education:
        add(module, ItemKind.EDUCATION, module.title, ref=module.module_id)
    sessions = plan.sessions
    add(
        sessions,
        ItemKind.FREQUENCY,
        (
            engine.phrase("plan.frequency.once")
            if sessions.sessions_per_week == 1
            else engine.phrase("plan.frequency.other")
        ).format(times=sessions.sessions_per_week, minutes=sessions.session_minutes, weeks=sessions.weeks),
    )
    for moment in plan.evaluation:
        instruments = ", ".join(code.upper() for code in moment.instruments)
        add(
            moment,
            ItemKind.EVALUATION,
            engine.phrase("plan.moment").format(
                due=f"{moment.due:%d-%m-%Y}", until=f"{moment.window_end:%d-%m-%Y}", instruments=instruments
            ),
            ref=moment.key,
        )
    withheld = tuple(f"{w.name.get(lang)}: {w.reason.get(lang)}" for w in plan.withheld)
    return Proposal(tuple(rows), sessions.weeks, sessions.sessions_per_week, withheld)


def load_default_pain() -> int:
    return int(engine.progression_model().settings.max_exercise_pain)
