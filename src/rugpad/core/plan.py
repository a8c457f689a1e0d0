"""The treatment-plan generator: a proposal the clinician reviews, edits and signs, never a decision.

    PlanContext (triage outcome + the clinician's judged causes + PSK activities + practice settings)
        --propose_plan--> ProposedPlan: approach, goals, techniques, home programme, education, sessions, evaluation

How the proposal is built, all from ``content/data/plans/*.yaml``:

1. No plan while a red flag is open (urgency emergency, urgent or soon): the red flag is acted on first.
2. The *base* rule for the region and profile sets the approach and the exercise purposes of the home programme.
   Rules for radicular pain and for each judged cause add hands-on techniques and exercise purposes.
3. Hands-on techniques only come in a package with exercise and education (NICE NG59), so every plan has at
   least one exercise and one education module; if none fits, there is no plan.
4. The home programme fills one exercise per purpose, in this order: the base rule's first purpose (an exercise
   that always fits, which the loader guarantees), then the purposes of the radicular and cause rules, then the rest
   of the base rule's; up to the practice's maximum. Per purpose it takes the best-suited exercise of the region
   (allowed before caution), on the easiest rung of its ladder, with the library's starting dose.
5. Safety: a technique or exercise that is contraindicated for the patient is never proposed (it is listed as
   withheld, with the reason); one that needs care is proposed with ``needs_confirmation=True``. Manipulation is
   therefore only proposed outright with the verdict ``allowed``. `check_addition` applies the same rules to what
   the clinician adds by hand.

Every element carries the rule that proposed it, its source, the evidence level and the reason in both languages.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from rugpad.core.education import EducationModule, modules_for, weakest_evidence
from rugpad.core.errors import InvalidInput
from rugpad.core.evaluation import normalise_case
from rugpad.core.exercises import CONDITION_TAGS, Dose, Exercise, Purpose, Suitability, allowed_for, ladder
from rugpad.core.plan_rules import (
    SUITABILITY_ORDER,
    Cause,
    PlanRule,
    PlanRulebook,
    PlanSettings,
    TechniqueKind,
    profile_key,
    strictest,
    technique_suitability,
)
from rugpad.core.progression import Reactivity
from rugpad.core.schedule import Schedule, measurement_moments
from rugpad.core.text import Text, phrase
from rugpad.core.triage import TriageResult
from rugpad.core.vocab import Evidence, ManipulationVerdict, Region, Urgency

__all__ = [
    "MAX_PSK_ACTIVITIES",
    "SIGN_TAGS",
    "ApproachItem",
    "EducationItem",
    "EvaluationItem",
    "ExerciseItem",
    "Goal",
    "GoalKind",
    "PlanContent",
    "PlanContext",
    "PlanItem",
    "ProposedPlan",
    "PskActivity",
    "SessionsItem",
    "TechniqueItem",
    "Verdict",
    "Withheld",
    "check_addition",
    "condition_tags",
    "context_from_triage",
    "propose_plan",
]

SIGN_TAGS: frozenset[str] = frozenset({"hernia_diagnosed", "recent_surgery", "severe_arthrosis", "osteoporosis"})
"""Triage signs that are also condition tags of the exercise library and the techniques."""

MAX_PSK_ACTIVITIES = 5
"""The PSK asks for 3 to 5 activities (Beurskens 1996)."""

_PSK_MAX = 10


def condition_tags(
    signs: Iterable[str], radicular: bool | None, reactivity: Reactivity | str | None = None
) -> frozenset[str]:
    """The condition tags of a patient from the triage signs, the radicular outcome and the pain reactivity.

    An undecided radicular outcome (None) counts as radicular and any high reactivity counts: a tag only ever makes
    a proposal stricter, so when in doubt the tag is set.
    """
    tags = set(SIGN_TAGS.intersection(signs))
    if radicular is not False:
        tags.add("radicular")
    if reactivity is not None and Reactivity(reactivity) is Reactivity.HIGH:
        tags.add("high_reactivity")
    return frozenset(tags)


@dataclass(frozen=True, slots=True)
class PskActivity:
    """An activity the patient chose for the PSK, with the intake difficulty (0 none .. 10 impossible) if known."""

    name: str
    baseline: int | None = None


@dataclass(frozen=True, slots=True)
class PlanContext:
    """Everything the plan is proposed from; validated by `propose_plan`."""

    region: Region
    profile: str | None
    radicular: bool
    manipulation: ManipulationVerdict
    urgency: Urgency
    """The most urgent open red flag (`none` without one); any other value refuses a plan."""
    tags: frozenset[str]
    """Condition tags (`condition_tags`)."""
    causes: frozenset[Cause]
    """The clinician's judged causes."""
    activities: tuple[PskActivity, ...]
    goals: tuple[str, ...]
    """The patient's own goals, in their words."""
    start: date
    settings: PlanSettings
    waiting: tuple[str, ...] = ()
    """Why the episode's pathway waits (not screened yet, an open red flag, closed: the episode state's gate, in
    words); any reason refuses a plan and every addition."""


def context_from_triage(
    triage: TriageResult,
    signs: Iterable[str],
    *,
    start: date,
    settings: PlanSettings,
    causes: Iterable[Cause | str] = (),
    activities: Iterable[PskActivity] = (),
    goals: Iterable[str] = (),
    reactivity: Reactivity | str | None = None,
) -> PlanContext:
    """The plan context for a triaged case; `signs` are the case's signs (the triage result does not keep them)."""
    return PlanContext(
        region=triage.region,
        profile=triage.profile,
        radicular=bool(triage.radicular),
        manipulation=triage.manipulation,
        urgency=triage.urgency,
        tags=condition_tags(signs, triage.radicular, reactivity),
        causes=_parse_causes(causes),
        activities=tuple(activities),
        goals=tuple(goals),
        start=start,
        settings=settings,
    )


@dataclass(frozen=True, slots=True)
class PlanContent:
    """The loaded content a plan is built from."""

    rules: PlanRulebook
    exercises: Mapping[str, Exercise]
    education: Mapping[str, EducationModule]
    schedule: Schedule


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanItem:
    """Why an element is in the plan: the rule, its source, how well that is sourced, and the reason."""

    rule_id: str
    source_id: str
    evidence: Evidence
    reason: Text


class GoalKind(StrEnum):
    PSK = "psk"
    PATIENT = "patient"


@dataclass(frozen=True, slots=True, kw_only=True)
class Goal(PlanItem):
    kind: GoalKind
    activity: str
    """The PSK activity, or the patient's goal in their words."""
    baseline: int | None
    target: int | None
    """Highest PSK difficulty aimed at by `by_week`; None when the baseline is not known."""
    by_week: int
    text: Text


@dataclass(frozen=True, slots=True, kw_only=True)
class ApproachItem(PlanItem):
    text: Text


@dataclass(frozen=True, slots=True, kw_only=True)
class TechniqueItem(PlanItem):
    technique_id: str
    name: Text
    kind: TechniqueKind
    cause: Cause | None
    """The judged cause it answers; None when the profile or radicular pain asked for it."""
    needs_confirmation: bool
    cautions: tuple[Text, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ExerciseItem(PlanItem):
    exercise_id: str
    name: Text
    purpose: Purpose
    dose: Dose
    dose_source_id: str
    """The library's source for the exercise and its starting dose."""
    dose_rule_id: str
    dose_reason: Text
    needs_confirmation: bool
    cautions: tuple[Text, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class EducationItem(PlanItem):
    module_id: str
    title: Text


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionsItem(PlanItem):
    sessions_per_week: int
    session_minutes: int
    weeks: int
    end: date
    """The planned last session (start + weeks)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class EvaluationItem(PlanItem):
    key: str
    due: date
    window_end: date
    instruments: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Withheld(PlanItem):
    """What a rule asked for but the patient's condition forbids; `reason` says why it is left out."""

    item_id: str
    name: Text


@dataclass(frozen=True, slots=True)
class ProposedPlan:
    region: Region
    profile: str | None
    radicular: bool
    approach: ApproachItem
    package: PlanItem
    """Why hands-on work comes only with exercise and education."""
    goals: tuple[Goal, ...]
    techniques: tuple[TechniqueItem, ...]
    exercises: tuple[ExerciseItem, ...]
    education: tuple[EducationItem, ...]
    sessions: SessionsItem
    evaluation: tuple[EvaluationItem, ...]
    withheld: tuple[Withheld, ...]

    def items(self) -> Iterator[PlanItem]:
        """Every proposed element (withheld ones excluded), e.g. to list the sources."""
        yield self.approach
        yield self.package
        yield from self.goals
        yield from self.techniques
        yield from self.exercises
        yield from self.education
        yield self.sessions
        yield from self.evaluation


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether the clinician may add an item: refused (contraindicated), needs confirmation (caution) or allowed."""

    item_id: str
    suitability: Suitability
    reasons: tuple[Text, ...]
    source_id: str
    evidence: Evidence

    @property
    def refused(self) -> bool:
        return self.suitability == "contraindicated"

    @property
    def needs_confirmation(self) -> bool:
        return self.suitability == "caution"


# --- validation ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Case:
    """The validated, normalised context fields the rules read."""

    region: Region
    profile: str | None
    radicular: bool
    verdict: ManipulationVerdict
    tags: frozenset[str]
    causes: frozenset[Cause]


def _validated(context: PlanContext) -> _Case:
    if context.waiting:
        raise InvalidInput("plan", " ".join(context.waiting))
    urgency = Urgency(context.urgency)
    if urgency is not Urgency.NONE:
        raise InvalidInput("plan", f"a red flag ({urgency}) is open: act on it first; no treatment plan until then")
    region, profile, radicular = normalise_case(context.region, context.profile, context.radicular)
    if unknown := sorted(set(context.tags) - CONDITION_TAGS):
        raise InvalidInput("tags", f"unknown tag(s) {unknown}; known: {', '.join(sorted(CONDITION_TAGS))}")
    causes = _parse_causes(context.causes)
    if len(context.activities) > MAX_PSK_ACTIVITIES:
        raise InvalidInput("activities", f"{len(context.activities)} given; the PSK takes at most {MAX_PSK_ACTIVITIES}")
    for index, activity in enumerate(context.activities):
        if not activity.name.strip():
            raise InvalidInput(f"activities[{index}]", "the activity needs a name")
        baseline = activity.baseline
        if baseline is not None and (
            isinstance(baseline, bool) or not isinstance(baseline, int) or not 0 <= baseline <= _PSK_MAX
        ):
            raise InvalidInput(f"activities[{index}]: baseline", f"{baseline!r} is out of range 0..{_PSK_MAX}")
    for index, goal in enumerate(context.goals):
        if not goal.strip():
            raise InvalidInput(f"goals[{index}]", "an empty goal")
    tags = frozenset(context.tags) | ({"radicular"} if radicular else frozenset())
    return _Case(region, profile, radicular, ManipulationVerdict(context.manipulation), tags, causes)


def _parse_causes(raw: Iterable[Cause | str]) -> frozenset[Cause]:
    causes = set()
    for cause in raw:
        try:
            causes.add(Cause(cause))
        except ValueError:
            raise InvalidInput("causes", f"{cause!r} is not one of {', '.join(Cause)}") from None
    return frozenset(causes)


# --- the generator ---------------------------------------------------------------------------------------------


def propose_plan(context: PlanContext, content: PlanContent) -> ProposedPlan:
    """A complete, explainable proposal; raises InvalidInput for bad input or while a red flag is open."""
    case = _validated(context)
    rules = content.rules
    applying = [rule for rule in rules.rules if rule.applies(case.region, case.profile, case.radicular, case.causes)]
    base = next((rule for rule in applying if rule.is_base), None)
    if base is None or base.approach is None:
        raise InvalidInput("plan", f"no programme rule for {case.region}, profile {profile_key(case.profile)}")
    extra = [rule for rule in applying if not rule.is_base]
    techniques, withheld = _techniques([base, *extra], case, rules)
    exercises, withheld_exercises = _home_programme(base, extra, case, context.settings, content)
    weeks = context.settings.treatment_weeks[profile_key(case.profile)]
    end = context.start + timedelta(weeks=weeks)
    return ProposedPlan(
        region=case.region,
        profile=case.profile,
        radicular=case.radicular,
        approach=ApproachItem(
            rule_id=base.id, source_id=base.source_id, evidence=base.evidence, reason=base.reason, text=base.approach
        ),
        package=_from_fixed(rules, "plan.package"),
        goals=_goals(context, rules, weeks),
        techniques=techniques,
        exercises=exercises,
        education=_education(case, content),
        sessions=_sessions(context.settings, case.profile, weeks, end, rules),
        evaluation=_evaluation(case, content.schedule, context.start, end),
        withheld=withheld + withheld_exercises,
    )


def check_addition(item_id: str, context: PlanContext, content: PlanContent) -> Verdict:
    """Whether the clinician may add an exercise or technique (by id) to this patient's plan, and why not."""
    case = _validated(context)
    if item_id in content.exercises:
        exercise = content.exercises[item_id]
        suitability, reasons = _exercise_suitability(exercise, case)
        return Verdict(item_id, suitability, reasons, exercise.source_id, exercise.evidence)
    if item_id in content.rules.techniques:
        technique = content.rules.techniques[item_id]
        suitability, reasons = technique_suitability(technique, case.verdict, case.tags)
        return Verdict(item_id, suitability, reasons, technique.source_id, technique.evidence)
    raise InvalidInput("item", f"unknown exercise or technique {item_id!r}")


_OTHER_REGION = phrase("plan.other_region")


def _exercise_suitability(exercise: Exercise, case: _Case) -> tuple[Suitability, tuple[Text, ...]]:
    by_tags = allowed_for(exercise, case.tags)
    by_region: Suitability = "allowed" if case.region in exercise.regions else "caution"
    reasons = tuple(
        text
        for level, text in ((by_tags, exercise.caution_text), (by_region, _OTHER_REGION))
        if level != "allowed" and text is not None
    )
    return strictest(by_tags, by_region), reasons


def _techniques(
    applying: Iterable[PlanRule], case: _Case, rules: PlanRulebook
) -> tuple[tuple[TechniqueItem, ...], tuple[Withheld, ...]]:
    items: list[TechniqueItem] = []
    withheld: list[Withheld] = []
    seen: set[str] = set()
    for rule in applying:
        for technique_id in rule.techniques:
            if technique_id in seen:
                continue
            seen.add(technique_id)
            technique = rules.techniques[technique_id]
            suitability, reasons = technique_suitability(technique, case.verdict, case.tags)
            evidence = weakest_evidence((rule.evidence, technique.evidence))
            if suitability == "contraindicated":
                withheld.append(_withheld(rule, technique_id, technique.name, reasons, technique.evidence))
                continue
            items.append(
                TechniqueItem(
                    rule_id=rule.id,
                    source_id=rule.source_id,
                    evidence=evidence,
                    reason=rule.reason,
                    technique_id=technique_id,
                    name=technique.name,
                    kind=technique.kind,
                    cause=rule.cause,
                    needs_confirmation=suitability == "caution",
                    cautions=reasons,
                )
            )
    return tuple(items), tuple(withheld)


def _withheld(rule: PlanRule, item_id: str, name: Text, reasons: tuple[Text, ...], evidence: Evidence) -> Withheld:
    reason = Text.join(" ", reasons) if reasons else rule.reason
    return Withheld(
        rule_id=rule.id,
        source_id=rule.source_id,
        evidence=weakest_evidence((rule.evidence, evidence)),
        reason=reason,
        item_id=item_id,
        name=name,
    )


def _home_programme(
    base: PlanRule, extra: list[PlanRule], case: _Case, settings: PlanSettings, content: PlanContent
) -> tuple[tuple[ExerciseItem, ...], tuple[Withheld, ...]]:
    library = content.exercises
    dose_rule = content.rules.fixed["plan.dose"]
    slots = [
        (base, base.purposes[0]),
        *((rule, purpose) for rule in extra for purpose in rule.purposes),
        *((base, purpose) for purpose in base.purposes[1:]),
    ]
    limit = settings.max_home_exercises[profile_key(case.profile)]
    order = {exercise_id: index for index, exercise_id in enumerate(library)}
    chosen: list[ExerciseItem] = []
    withheld: list[Withheld] = []
    filled: set[Purpose] = set()
    for rule, purpose in slots:
        if len(chosen) == limit:
            break
        if purpose in filled:
            continue
        filled.add(purpose)
        taken = {item.exercise_id for item in chosen}
        candidates = [e for e in library.values() if case.region in e.regions and e.purpose is purpose]
        ranked = []
        for exercise in candidates:
            suitability, reasons = _exercise_suitability(exercise, case)
            # best fit first, then the rule's preference, the easiest rung of the ladder, the library's order
            key = (
                SUITABILITY_ORDER.index(suitability),
                exercise.id not in rule.prefer,
                ladder(library, exercise.id).index(exercise),
                order[exercise.id],
            )
            ranked.append((key, suitability, exercise, reasons))
        ranked.sort(key=lambda entry: entry[0])
        usable = [entry for entry in ranked if entry[1] != "contraindicated"]
        if not usable and ranked:
            _, _, exercise, reasons = ranked[0]
            withheld.append(_withheld(rule, exercise.id, exercise.name, reasons, exercise.evidence))
        pick = next((entry for entry in usable if entry[2].id not in taken), None)
        if pick is None:
            continue
        _, level, exercise, reasons = pick
        chosen.append(
            ExerciseItem(
                rule_id=rule.id,
                source_id=rule.source_id,
                evidence=weakest_evidence((rule.evidence, exercise.evidence)),
                reason=rule.reason,
                exercise_id=exercise.id,
                name=exercise.name,
                purpose=exercise.purpose,
                dose=exercise.dose,
                dose_source_id=exercise.source_id,
                dose_rule_id=dose_rule.id,
                dose_reason=dose_rule.reason,
                needs_confirmation=level == "caution",
                cautions=reasons,
            )
        )
    if not chosen:
        raise InvalidInput("plan", "no exercise in the library suits this patient; a plan without exercise is not made")
    return tuple(chosen), tuple(withheld)


def _from_fixed(rules: PlanRulebook, rule_id: str) -> PlanItem:
    fixed = rules.fixed[rule_id]
    return PlanItem(rule_id=fixed.id, source_id=fixed.source_id, evidence=fixed.evidence, reason=fixed.reason)


def _fill(template: Text | None, **values: object) -> Text:
    if template is None:  # pragma: no cover - the loader requires templates for goal rules
        raise InvalidInput("plan", "goal rule without a template")
    return template.format(**values)


def _goals(context: PlanContext, rules: PlanRulebook, weeks: int) -> tuple[Goal, ...]:
    points = context.settings.psk_goal_points
    goals: list[Goal] = []
    for activity in context.activities:
        name = activity.name.strip()
        known = activity.baseline is not None
        fixed = rules.fixed["plan.goal.psk" if known else "plan.goal.psk-no-baseline"]
        target = None if activity.baseline is None else max(0, activity.baseline - points)
        goals.append(
            Goal(
                rule_id=fixed.id,
                source_id=fixed.source_id,
                evidence=fixed.evidence,
                reason=fixed.reason,
                kind=GoalKind.PSK,
                activity=name,
                baseline=activity.baseline,
                target=target,
                by_week=weeks,
                text=_fill(
                    fixed.template, activity=name, baseline=activity.baseline, target=target, week=weeks, points=points
                ),
            )
        )
    fixed = rules.fixed["plan.goal.patient"]
    for goal in context.goals:
        goals.append(
            Goal(
                rule_id=fixed.id,
                source_id=fixed.source_id,
                evidence=fixed.evidence,
                reason=fixed.reason,
                kind=GoalKind.PATIENT,
                activity=goal.strip(),
                baseline=None,
                target=None,
                by_week=weeks,
                text=_fill(fixed.template, goal=goal.strip(), week=weeks),
            )
        )
    return tuple(goals)


def _education(case: _Case, content: PlanContent) -> tuple[EducationItem, ...]:
    fixed = content.rules.fixed["plan.education"]
    modules = modules_for(content.education, case.region, case.profile, case.radicular)
    if not modules:
        raise InvalidInput("plan", "no education module for this patient; a plan without education is not made")
    return tuple(
        EducationItem(
            rule_id=fixed.id,
            source_id=module.source_ids[0] if module.source_ids else fixed.source_id,
            evidence=module.evidence,
            reason=fixed.reason,
            module_id=module.id,
            title=module.title,
        )
        for module in modules
    )


def _sessions(settings: PlanSettings, profile: str | None, weeks: int, end: date, rules: PlanRulebook) -> SessionsItem:
    fixed = rules.fixed["plan.sessions"]
    return SessionsItem(
        rule_id=fixed.id,
        source_id=settings.source_id,
        evidence=settings.evidence,
        reason=fixed.reason,
        sessions_per_week=settings.sessions_per_week[profile_key(profile)],
        session_minutes=settings.session_minutes,
        weeks=weeks,
        end=end,
    )


def _evaluation(case: _Case, schedule: Schedule, start: date, end: date) -> tuple[EvaluationItem, ...]:
    return tuple(
        EvaluationItem(
            rule_id=f"schedule.{moment.key}",
            source_id=moment.source_id,
            evidence=moment.evidence,
            reason=moment.reason,
            key=moment.key,
            due=moment.due,
            window_end=moment.window_end,
            instruments=moment.instruments,
        )
        for moment in measurement_moments(schedule, case.region, case.profile, case.radicular, start, end=end)
    )
