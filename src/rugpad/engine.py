"""The clinical engine: the pure core applied to the packaged content.

This is the one entry point the CLI, the web app and the JSON API use, so that a rule is never
implemented twice. Everything here is a thin composition of `rugpad.content` (loading) and
`rugpad.core` (pure rules).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from rugpad.content.instruments import instrument_codes, load_instrument, load_instruments
from rugpad.content.rules import load_rulebook
from rugpad.core.errors import InvalidInput
from rugpad.core.rules import PatientInstruction, RedFlag, Rulebook, Sign
from rugpad.core.scoring import InstrumentScore, score_answers
from rugpad.core.triage import TriageResult, parse_case, run_triage
from rugpad.core.vocab import Region, Urgency

# Only the triage, scoring and explanation are imported up front: a CLI command starts in a fraction of the time
# when the plan, episode, portal and evaluation modules (and pydantic, which the episode's facts use) load only
# when a function below first needs them.
if TYPE_CHECKING:
    from rugpad.content.languages import Gap
    from rugpad.core.aftercare import AftercareContent, CheckinAnswers, CheckinStatus, CheckinVerdict
    from rugpad.core.costs import CostEstimate, CostRule, CostSettings, Policy, SessionKind
    from rugpad.core.country import CountryCare, Term
    from rugpad.core.diary import AlarmQuestion
    from rugpad.core.education import EducationModule
    from rugpad.core.episode import EpisodeContent, EpisodeFacts, EpisodeState, Measurement
    from rugpad.core.evaluation import ChangeRule, ChangeVerdicts
    from rugpad.core.exercises import Dose, Exercise, Suitability
    from rugpad.core.explain import Explanation
    from rugpad.core.flags import Firing, FlagEvent, FlagRecord, FlagStage
    from rugpad.core.instruments import InstrumentDefinition
    from rugpad.core.interop import InteropCodes
    from rugpad.core.plan import PlanContent, PlanContext, ProposedPlan, Verdict
    from rugpad.core.plan_rules import Cause, PlanSettings
    from rugpad.core.progression import ExerciseReport, ProgressionAdvice, ProgressionModel, Reactivity
    from rugpad.core.schedule import Moment, Schedule
    from rugpad.core.text import Source, Text
    from rugpad.core.trends import DiaryPoint, TrendAlert, TrendRule, TrendSettings
    from rugpad.core.work import AdviceRule, BreakRoutine, WorkContent

__all__ = [
    "calls_112",
    "explain",
    "instrument",
    "instruments",
    "patient_action",
    "patient_instruction",
    "rulebook",
    "score",
    "sign_groups",
    "triage",
]


def instruments() -> Mapping[str, InstrumentDefinition]:
    """Every instrument definition, by code (``"odi"``, ``"startback"``, ...)."""
    return load_instruments()


def instrument(code: str) -> InstrumentDefinition:
    if code in instrument_codes():
        return load_instrument(code)
    known = ", ".join(sorted(load_instruments()))
    raise InvalidInput("instrument", f"unknown instrument {code!r}; known: {known}")


def score(code: str, answers: Mapping[str, object]) -> InstrumentScore:
    """Score one completed questionnaire; raises InvalidInput naming the item for bad answers."""
    return score_answers(instrument(code), answers)


def rulebook() -> Rulebook:
    return load_rulebook()


def triage(payload: Mapping[str, object]) -> TriageResult:
    """Red flags, stratification and care-pathway recommendations for one case (CLI contract format)."""
    rulebook = load_rulebook()
    return run_triage(parse_case(payload, rulebook), rulebook, load_instrument("startback"))


def red_flag(rule_id: str) -> RedFlag | None:
    """A red-flag rule by id (None for an id no longer in the content)."""
    return next((flag for flag in load_rulebook().red_flags if flag.id == rule_id), None)


def explain(rule_id: str) -> Explanation:
    return load_rulebook().explain(rule_id)


def sign_groups(region: Region | str) -> list[tuple[Text, list[Sign]]]:
    """The screening checklist for a region: headings in display order, each with its signs."""
    from rugpad.content.sign_groups import load_sign_groups

    wanted = Region(region)
    headings = load_sign_groups()
    signs = [sign for sign in load_rulebook().signs.values() if wanted in sign.regions]
    unknown = {sign.group for sign in signs} - set(headings)
    if unknown:
        raise InvalidInput("sign group", f"no heading for {sorted(unknown)} in rules/sign_groups.yaml")
    return [
        (label, [s for s in signs if s.group == group])
        for group, label in headings.items()
        if any(s.group == group for s in signs)
    ]


# --- treatment plans ---------------------------------------------------------------------------------------------

__all__ += ["check_plan_addition", "exercise_library", "plan_content", "plan_settings", "propose_plan"]


def exercise_library() -> Mapping[str, Exercise]:
    """Every exercise in the library by id."""
    from rugpad.content.exercises import load_exercises

    return load_exercises()


def plan_content() -> PlanContent:
    """The rules, exercise library, education modules and measurement schedule a plan is built from."""
    from rugpad.content.education import load_education
    from rugpad.content.evaluation import load_schedule
    from rugpad.content.exercises import load_exercises
    from rugpad.content.plans import load_plan_rules
    from rugpad.core.plan import PlanContent

    return PlanContent(load_plan_rules(), load_exercises(), load_education(), load_schedule())


def plan_settings() -> PlanSettings:
    """The default practice settings for plans (from ``plans/settings.yaml``); the admin's own values replace them."""
    from rugpad.content.plans import load_plan_rules

    return load_plan_rules().settings


def propose_plan(context: PlanContext) -> ProposedPlan:
    """A treatment-plan proposal; raises InvalidInput for bad input or while a red flag is open."""
    from rugpad.core.plan import propose_plan as _propose_plan

    return _propose_plan(context, plan_content())


def check_plan_addition(item_id: str, context: PlanContext) -> Verdict:
    """Whether the clinician may add this exercise or technique: refused, needs confirmation, or allowed."""
    from rugpad.core.plan import check_addition

    return check_addition(item_id, context, plan_content())


__all__ += ["group_suitability"]


def group_suitability(exercise: Exercise) -> Suitability:
    """How an exercise suits a group programme (people enrolled without a care episode, nobody assessed): judged
    as if every condition tag applied, the safer reading — a contra-indication for any condition keeps it out, a
    caution needs the clinician's confirmation and its caution text goes to every participant. rugpad's choice,
    not a clinical rule."""
    from rugpad.core.exercises import CONDITION_TAGS, allowed_for

    return allowed_for(exercise, CONDITION_TAGS)


def patient_action(urgency: Urgency | str, country: str = "nl") -> Text:
    """What to tell a patient whose own answers raised a red flag of this urgency, in plain words.

    `country` ("nl" or "be") decides whom to call: the same urgency means the huisartsenpost in the Netherlands and
    the GP on call (1733) in Belgium. Without the rule an emergency is read as "call 112 now" (the safer reading);
    prefer `patient_instruction(rule, country)`, which knows when an emergency means the GP now (same day).
    InvalidInput for an unknown urgency or country.
    """
    try:
        level = Urgency(urgency)
    except ValueError:
        raise InvalidInput("urgency", f"{urgency!r} is not an urgency level") from None
    if level is Urgency.NONE:
        raise InvalidInput("urgency", "no red flag, so no action for the patient")
    return _patient_text(PatientInstruction.default_for(level), country)


def patient_instruction(rule: RedFlag | str, country: str = "nl") -> Text:
    """What to tell a patient whose own answers raised this red flag (a rule or its id), in plain words.

    The rule declares its level (`RedFlag.patient_instruction`): an emergency is "call 112 now" or "call the GP now,
    112 when severe"; urgent and soon have one level each. `country` ("nl" or "be") decides whom to call.
    InvalidInput for an unknown rule id or country.
    """
    return _patient_text(_red_flag_rule(rule).patient_instruction, country)


def calls_112(rule: RedFlag | str) -> bool:
    """True when the patient is told to call 112 now for this red flag (a rule or its id): show a call button.
    InvalidInput for an unknown rule id."""
    return _red_flag_rule(rule).calls_112


def _red_flag_rule(rule: RedFlag | str) -> RedFlag:
    if isinstance(rule, RedFlag):
        return rule
    found = red_flag(rule)
    if found is None:
        raise InvalidInput("rule", f"unknown red flag {rule!r}")
    return found


def _patient_text(level: PatientInstruction, country: str) -> Text:
    from rugpad.content.patient_actions import load_patient_actions

    actions = load_patient_actions()
    if country not in actions:
        raise InvalidInput("country", f"unknown country {country!r}; known: {', '.join(sorted(actions))}")
    return actions[country][level]


# --- the episode's clinical state ----------------------------------------------------------------------------------

__all__ += [
    "alarm_firings",
    "check_flag_event",
    "episode_content",
    "episode_state",
    "flags_to_raise",
    "measurement_counts_for",
    "parse_episode_facts",
]


def episode_content() -> EpisodeContent:
    """The content the episode state is computed with."""
    from rugpad.content.evaluation import load_change_rules, load_decision_rules, load_global_rating, load_schedule
    from rugpad.core.episode import EpisodeContent

    return EpisodeContent(
        rulebook=load_rulebook(),
        startback=load_instrument("startback"),
        schedule=load_schedule(),
        change_rules=load_change_rules(),
        decision_rules=load_decision_rules(),
        global_rating=load_global_rating(),
    )


def episode_state(facts: EpisodeFacts) -> EpisodeState:
    """The one clinical state of an episode: screening, red flags and their life cycle, triage, the gate for plan,
    session and manipulation, measurement moments, change and the decision (see `rugpad.core.episode`)."""
    from rugpad.core.episode import episode_state as _episode_state

    return _episode_state(facts, episode_content())


def parse_episode_facts(payload: Mapping[str, object]) -> EpisodeFacts:
    """An episode's facts from JSON (`rugpad evaluate`); InvalidInput names the first bad field."""
    from rugpad.core.episode_input import parse_facts

    return parse_facts(payload, load_rulebook())


def check_flag_event(flag: FlagRecord, event: FlagEvent, now: dt.datetime) -> FlagStage:
    """Whether this step of a red flag's life cycle is allowed now (note, order, who assessed); the new stage."""
    from rugpad.core.flags import check_event as _check_event

    return _check_event(flag, event, now)


def flags_to_raise(firing: Iterable[Firing], recorded: Sequence[FlagRecord]) -> tuple[Firing, ...]:
    """The red flags that fire and that no stored flag covers yet: each must be stored as a new flag."""
    from rugpad.core.flags import flags_to_raise as _flags_to_raise

    return _flags_to_raise(firing, recorded)


def alarm_firings(
    answered: Iterable[str],
    region: Region | str,
    *,
    known_signs: Iterable[str] = (),
    age: int | None = None,
    sex: str | None = None,
) -> tuple[Firing, ...]:
    """The red-flag rules a patient's diary alarm answers make fire, each with the signs it fired on.

    The answers are judged together with what the episode already knows (its recorded signs, age and sex): "a leg
    getting weaker" in a patient with a history of cancer is suspected cord compression. Only rules that the answers
    themselves help to fire count; what the records alone raise is the records' flag, not a diary report."""
    from rugpad.core.flags import Firing, FlagOrigin

    known = frozenset(known_signs)
    firings: list[Firing] = []
    for payload in alarm_payloads(answered, region):
        answers = frozenset(str(sign) for sign in payload["signs"])  # type: ignore[attr-defined]
        case = dict(payload, signs=sorted(answers | known))
        if age is not None:
            case["age"] = age
        if sex is not None:
            case["sex"] = sex
        firings += [
            Firing(flag.id, flag.urgency, flag.condition.signs & (answers | known), FlagOrigin.DIARY)
            for flag in triage(case).red_flags
            if flag.condition.signs & answers
        ]
    return tuple(firings)


def measurement_counts_for(measurement: Measurement, moment: Moment) -> bool:
    """Whether a completed questionnaire counts for a measurement moment."""
    from rugpad.core.episode import counts_for as _counts_for

    return _counts_for(measurement, moment)


# --- the web layer's door: education, illustrations, progression, portal, evaluation content --------------------------

__all__ += [
    "alarm_payloads",
    "alarm_phrases_in",
    "alarm_questions",
    "change_rules",
    "detect_trends",
    "education_for",
    "education_library",
    "illustration_svg",
    "interop_codes",
    "plan_causes",
    "plan_condition_tags",
    "progression_advice",
    "progression_model",
    "schedule",
    "sources",
    "trend_rules",
    "trend_settings",
]


def education_library() -> Mapping[str, EducationModule]:
    """Every education module by id."""
    from rugpad.content.education import load_education

    return load_education()


def education_for(region: Region | str, profile: str | None, radicular: bool) -> tuple[EducationModule, ...]:
    """The education modules for one patient, in reading order; InvalidInput for a profile unknown to the region."""
    from rugpad.content.education import load_education
    from rugpad.core.education import modules_for

    return modules_for(load_education(), Region(region), profile, radicular)


def illustration_svg(exercise_id: str) -> str:
    """The SVG markup of an exercise's illustration (checked at load time); InvalidInput for an unknown id."""
    from rugpad.content.exercises import illustration_svg as _illustration_svg

    return _illustration_svg(exercise_id)


def plan_causes() -> Mapping[Cause, Text]:
    """The causes a clinician may judge for a plan, with their labels, in the content's order."""
    from rugpad.content.plans import load_plan_rules

    return load_plan_rules().causes


def plan_condition_tags(
    signs: Iterable[str], radicular: bool | None, reactivity: Reactivity | str | None = None
) -> frozenset[str]:
    """The exercise library's condition tags for a patient (an undecided radicular outcome counts as radicular)."""
    from rugpad.core.plan import condition_tags

    return condition_tags(signs, radicular, reactivity)


def progression_model() -> ProgressionModel:
    """The packaged progression model; a practice's own pain limit is laid over it with `with_settings`."""
    from rugpad.content.evaluation import load_progression_model

    return load_progression_model()


def ladder_offer(exercise: Exercise, advice: ProgressionAdvice | None) -> tuple[str, str] | None:
    """The easier or harder rung the progression advice points to (`core.progression.ladder_offer`)."""
    from rugpad.core.progression import ladder_offer as offer

    return offer(exercise, advice)


def progression_advice(dose: Dose, report: ExerciseReport, model: ProgressionModel | None = None) -> ProgressionAdvice:
    """The next dose of one exercise after a session (keep, step up or step down), by `model` or the packaged one."""
    from rugpad.core.progression import advise

    return advise(model if model is not None else progression_model(), dose, report)


def alarm_questions(region: Region | str | None = None) -> tuple[AlarmQuestion, ...]:
    """The portal's alarm questions in the order the patient sees them; only those for `region` when it is given."""
    from rugpad.content.portal import load_alarm_questions

    return tuple(q for q in load_alarm_questions().values() if region is None or Region(region) in q.regions)


def alarm_payloads(answered: Iterable[str], region: Region | str) -> list[dict[str, object]]:
    """The triage payloads of a patient's "yes" answers, one per judging region; InvalidInput for an unknown id."""
    from rugpad.content.portal import load_alarm_questions
    from rugpad.core.diary import triage_payloads

    return triage_payloads(load_alarm_questions(), answered, Region(region))


def alarm_phrases_in(text: str) -> tuple[str, ...]:
    """The alarm questions whose sign a patient's free text names (``data/portal/alarm_phrases.yaml``). Never a
    triage: the caller only shows the patient when to contact whom."""
    from rugpad.content.portal import load_alarm_phrases
    from rugpad.core.diary import alarm_phrases_in as _alarm_phrases_in

    return _alarm_phrases_in(text, load_alarm_phrases())


def trend_settings() -> TrendSettings:
    """The numbers of the diary's trend rules (window, thresholds)."""
    from rugpad.content.portal import load_trend_settings

    return load_trend_settings()


def trend_rules() -> Mapping[str, TrendRule]:
    """The clinician's name, text, source and evidence of each trend rule, by rule id."""
    from rugpad.content.portal import load_trend_rules

    return load_trend_rules()


def detect_trends(points: Iterable[DiaryPoint], today: dt.date) -> tuple[TrendAlert, ...]:
    """The trend rules that fire on `today` for these diary points, with the packaged settings."""
    from rugpad.core.trends import detect_trends as _detect_trends

    return _detect_trends(points, today, trend_settings())


def change_rules() -> Mapping[str, ChangeRule]:
    """Per instrument: its range, direction and minimal clinically important change, by instrument code."""
    from rugpad.content.evaluation import load_change_rules

    return load_change_rules()


def judge_changes(pairs: Mapping[str, tuple[float, float]]) -> ChangeVerdicts:
    """Per instrument (first and latest value): is the change clinically important, which way; and the responder."""
    from rugpad.core.evaluation import judge_changes as _judge_changes

    return _judge_changes(change_rules(), pairs)


def schedule() -> Schedule:
    """The measurement schedule: moments per region and profile, and each region's function instruments."""
    from rugpad.content.evaluation import load_schedule

    return load_schedule()


def phrase(key: str) -> Text:
    """The words `key` of the phrase catalogue (``content/data/phrases/``), in every language; fill with `format`."""
    from rugpad.core.text import phrase as catalogue_phrase

    return catalogue_phrase(key)


def missing_translations() -> list[Gap]:
    """The content check for languages: every content text that lacks a language rugpad speaks."""
    from rugpad.content.languages import missing_translations as gaps

    return gaps()


def sources() -> Mapping[str, Source]:
    """Every citation by source id, with its evidence marker."""
    from rugpad.content import load_sources

    return load_sources()


def interop_codes() -> InteropCodes:
    """The codes rugpad reads in another system's FHIR data: regions, signs, questionnaires, orders and the
    "do not" rules they meet (``data/interop/cds.yaml``)."""
    from rugpad.content.interop import load_interop_codes

    return load_interop_codes()


def cost_rules(country: str) -> tuple[CostRule, ...]:
    """The reimbursement rules of a country (``"nl"``, ``"be"``) with their sources and evidence markers."""
    from rugpad.content.costs import load_cost_rules
    from rugpad.core.costs import Country

    return load_cost_rules()[Country(country)]


def session_kind_names() -> Mapping[SessionKind, Text]:
    """The words for each kind of session a practice prices (first visit, regular, manual therapy, home visit)."""
    from rugpad.content.costs import load_session_kind_names

    return load_session_kind_names()


def cost_assumption_texts() -> Mapping[str, Text]:
    """The words of each assumption a cost estimate can state, with ``{name}`` placeholders for its values."""
    from rugpad.content.costs import load_assumption_texts

    return load_assumption_texts()


def estimate_costs(
    country: str,
    planned: Mapping[SessionKind, int],
    tariffs: Mapping[SessionKind, int],
    policy: Policy | None,
    settings: CostSettings,
    from_plan: tuple[int, int] | None = None,
) -> CostEstimate:
    """Sessions, price, expected reimbursement and own payment, with the assumptions (see `core/costs.py`)."""
    from rugpad.core.costs import Country, estimate

    return estimate(Country(country), planned, tariffs, policy, settings, cost_rules(country), from_plan=from_plan)


def parse_euros(raw: str, field: str) -> int:
    """An amount typed in euros ("45,00") as cents; InvalidInput naming `field` when it is not one."""
    from rugpad.core.costs import parse_euros as parse

    return parse(raw, field)


def sessions_from_plan(weeks: int, per_week: int) -> Mapping[SessionKind, int]:
    """The sessions a plan's weeks and sessions a week imply: one first visit, the rest regular sessions."""
    from rugpad.core.costs import sessions_from_plan as derive

    return derive(weeks, per_week)


# --- what differs per country: words, numbers, whose guideline first ------------------------------------------------

__all__ += ["country_care", "country_term", "rule_sources"]


def country_care(country: str) -> CountryCare:
    """A country's words, patient phone numbers and guideline order (``data/country/``); InvalidInput for a country
    rugpad does not serve."""
    from rugpad.content.country import load_country_care
    from rugpad.core.country import country_of

    return load_country_care()[country_of(country)]


def country_term(key: Term | str, country: str) -> Text:
    """The country's word for a professional or care-system term (`core.country.Term`: "therapist", "insurer", …) in
    every language: kinesitherapeut for a Belgian practice, fysiotherapeut for a Dutch one. InvalidInput for an
    unknown term or country."""
    return country_care(country).term(key)


def rule_sources(rule_id: str, country: str) -> tuple[Source, ...]:
    """Every source a rule rests on, the country's own guidelines first (KCE for a Belgian practice, KNGF and NHG for
    a Dutch one), then the others in the rule's order. InvalidInput for an unknown rule id or country."""
    rulebook = load_rulebook()
    ids = next(
        (rec.sources for rec in rulebook.recommendations if rec.id == rule_id),
        (rulebook.explain(rule_id).source.id,),
    )
    ordered = country_care(country).cited_first(ids)
    return tuple(rulebook.sources[source_id] for source_id in ordered if source_id in rulebook.sources)


# --- aftercare after discharge ------------------------------------------------------------------------------------

__all__ += [
    "aftercare_content",
    "assess_checkin",
    "checkin_dates",
    "checkin_statuses",
    "discharge_pain",
    "parse_checkin_weeks",
]


def aftercare_content() -> AftercareContent:
    """The check-in's questions, the recurrence rule's numbers and words, and the "come back if…" text
    (``data/aftercare/checkin.yaml``)."""
    from rugpad.content.aftercare import load_aftercare

    return load_aftercare()


def assess_checkin(baseline_pain: int | None, answers: CheckinAnswers) -> CheckinVerdict:
    """Stable, watch or recurrence for one check-in after discharge, against the pain at discharge, with the rule
    that decided (`core.aftercare`); InvalidInput names a bad answer."""
    from rugpad.core.aftercare import assess_checkin as _assess

    return _assess(baseline_pain, answers, aftercare_content().settings)


def checkin_dates(discharged_on: dt.date, weeks: Sequence[int]) -> tuple[dt.date, ...]:
    """The day of each check-in moment, `weeks` whole weeks after discharge; InvalidInput("weeks") otherwise."""
    from rugpad.core.aftercare import checkin_dates as _dates

    return _dates(discharged_on, weeks)


def checkin_statuses(
    due_dates: Sequence[dt.date], answered: Sequence[bool], today: dt.date, *, ended: bool = False
) -> tuple[CheckinStatus, ...]:
    """Each check-in moment's status on `today` (upcoming, due, answered, missed; ended once a newer episode has
    started): one is asked at a time."""
    from rugpad.core.aftercare import checkin_statuses as _statuses

    return _statuses(due_dates, answered, today, ended=ended)


def discharge_pain(measurements: Iterable[Measurement]) -> int | None:
    """The pain at discharge: the episode's last NPRS score, a whole point; None without one."""
    from rugpad.core.aftercare import discharge_pain as _pain

    return _pain(measurements)


def parse_checkin_weeks(raw: str) -> tuple[int, ...]:
    """Check-in moments as typed ("6, 12, 26": weeks after discharge), in order; InvalidInput("weeks") otherwise."""
    from rugpad.core.aftercare import parse_checkin_weeks as _parse

    return _parse(raw)


# --- prevention at work: the workplace check, its advice and the break routine ---------------------------------------

__all__ += ["break_routine", "check_work_answers", "work_advice", "work_content", "work_related_goals"]


def work_content() -> WorkContent:
    """The workplace check's questions and advice rules, the break routine and the occupational physician's names."""
    from rugpad.content.work import load_work_content

    return load_work_content()


def check_work_answers(answers: Mapping[str, object]) -> dict[str, str]:
    """The workplace check's answers, each a known option of its question; InvalidInput names the question."""
    from rugpad.core.work import check_answers

    return check_answers(work_content(), answers)


def work_advice(answers: Mapping[str, object], region: Region | str) -> tuple[AdviceRule, ...]:
    """The advice rules that the (checked) answers make apply for the region, in the content's order."""
    from rugpad.core.work import advise

    return advise(work_content(), check_work_answers(answers), region)


def break_routine(
    region: Region | str, condition_tags: Iterable[str], confirmed: Iterable[str] = ()
) -> BreakRoutine:
    """The break exercises offered to a patient of the region with these condition tags (a caution only when the
    therapist confirmed that exercise in the plan), and those left out."""
    from rugpad.core.work import break_routine as routine

    return routine(work_content(), exercise_library(), region, condition_tags, confirmed)


def work_related_goals(goals: Iterable[str]) -> tuple[bool, ...]:
    """For each goal's text, whether it is about work (a suggestion the clinician confirms)."""
    from rugpad.core.work import work_related

    content = work_content()
    return tuple(work_related(content, goal) for goal in goals)


def preload() -> None:
    """Load, validate and compile all clinical content now. A server's master calls it before forking its workers,
    so each worker starts with the content in (copy-on-write) memory instead of paying for it on its first request."""
    instruments()
    rulebook()
    exercise_library()
    education_library()
    plan_content()
    change_rules()
    alarm_questions()
    trend_settings()
    sources()
    interop_codes()
    country_care("nl")
