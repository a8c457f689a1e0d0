"""Prevention at work, in the core and its content: the workplace check's advice rules (including answers that give
no advice), the occupational physician as each country calls them, the break times of a working day, the break
exercises that suit a patient, and the content check that refuses a malformed file naming the field."""

from __future__ import annotations

import copy
import datetime as dt
import string
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from rugpad import engine
from rugpad.content import ContentError, load_sources, read_yaml
from rugpad.content import work as loader
from rugpad.core.errors import InvalidInput
from rugpad.core.exercises import DoseKind
from rugpad.core.text import Text
from rugpad.core.vocab import Evidence, Lang, Region
from rugpad.core.work import BREAK_INTERVALS, BREAK_WINDOW, BreakRoutine, BreakSchedule, work_related

GOOD = {
    "work_kind": "desk",
    "chair": "yes",
    "desk_height": "yes",
    "screen_height": "eye_level",
    "screen_distance": "arm_length",
    "sitting_hours": "from_2_to_4",
    "breaks": "every_half_hour",
    "lifting": "no",
    "lifting_how": "no_lifting",
    "work_pressure": "low",
    "relations": "good",
    "satisfaction": "satisfied",
    "absence": "as_usual",
}
"""A workplace with nothing to improve."""


def advice(region: str, **changes: str) -> list[str]:
    return [rule.id for rule in engine.work_advice(GOOD | changes, region)]


# --- the content --------------------------------------------------------------------------------------------------


def test_the_check_has_ten_to_fifteen_questions_each_in_dutch_english_and_french() -> None:
    content = engine.work_content()
    assert 10 <= len(content.questions) <= 15
    texts: list[Text] = [content.break_move]
    for question in content.questions:
        texts += [question.text, *(option.text for option in question.options)]
    for rule in content.rules:
        texts += [rule.advice, rule.reason]
    assert all(text.missing() == () for text in texts), [t for t in texts if t.missing()]


def test_every_rule_names_a_known_source_and_no_stronger_evidence_than_it() -> None:
    sources = load_sources()
    strength = [Evidence.UNVERIFIED, Evidence.SECONDARY, Evidence.VERIFIED]
    content = engine.work_content()
    for rule in content.rules:
        assert rule.id.startswith("work.")
        assert strength.index(rule.evidence) <= strength.index(sources[rule.source].evidence), rule.id
    for item in content.break_items:
        assert strength.index(item.evidence) <= strength.index(sources[item.source].evidence)


def test_advice_resting_on_no_source_is_marked_unverified() -> None:
    """The ergonomic particulars (chair, desk, screen, lifting technique) are in none of the sources consulted."""
    rules = {rule.id: rule for rule in engine.work_content().rules}
    for rule_id in ("work.chair", "work.desk-height", "work.screen-height", "work.screen-distance"):
        assert rules[rule_id].evidence is Evidence.UNVERIFIED
    assert rules["work.lifting-technique"].evidence is Evidence.UNVERIFIED
    assert rules["work.physical-load"].evidence is Evidence.VERIFIED  # KNGF 2021: a work-related prognostic factor
    # the same factor, not in the neck guideline
    assert rules["work.physical-load.neck"].evidence is Evidence.UNVERIFIED


# --- advice -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("region", ["low_back", "neck"])
def test_a_good_workplace_gives_no_advice(region: str) -> None:
    assert advice(region) == []


@pytest.mark.parametrize("region", ["low_back", "neck"])
def test_unanswered_questions_never_make_a_rule_apply(region: str) -> None:
    assert engine.work_advice({}, region) == ()
    assert engine.work_advice({"sitting_hours": "over_6"}, region) == ()  # the sitting rule also needs the breaks


def test_a_laptop_flat_on_the_table_and_too_close_gives_the_two_screen_advices() -> None:
    assert advice("neck", screen_height="lower", screen_distance="closer") == [
        "work.screen-height",
        "work.screen-distance",
    ]


def test_no_screen_gives_no_screen_advice() -> None:
    assert advice("neck", screen_height="no_screen", screen_distance="no_screen") == []


def test_long_sitting_needs_few_breaks_too_before_it_gives_advice() -> None:
    assert advice("low_back", sitting_hours="over_6", breaks="every_hour") == []
    assert advice("low_back", sitting_hours="over_6", breaks="rarely") == ["work.sitting-breaks"]
    assert advice("low_back", sitting_hours="from_4_to_6", breaks="every_two_hours") == ["work.sitting-breaks"]
    assert advice("low_back", sitting_hours="from_2_to_4", breaks="rarely") == []


def test_lifting_technique_advice_only_when_lifting_without_the_load_close() -> None:
    assert advice("low_back", lifting="light", lifting_how="mostly") == []
    assert advice("low_back", lifting="light", lifting_how="not_always") == ["work.lifting-technique"]
    assert advice("low_back", lifting="no", lifting_how="not_always") == []


def test_heavy_work_is_a_verified_factor_for_the_low_back_and_an_unverified_one_for_the_neck() -> None:
    assert advice("low_back", work_kind="physical") == ["work.physical-load"]
    assert advice("low_back", lifting="heavy") == ["work.physical-load"]  # either clause
    assert advice("neck", lifting="heavy") == ["work.physical-load.neck"]


def test_work_pressure_relations_and_satisfaction() -> None:
    assert advice("low_back", work_pressure="high", relations="poor", satisfaction="dissatisfied") == [
        "work.pressure",
        "work.relations",
        "work.satisfaction",
    ]
    assert advice("low_back", work_pressure="moderate", relations="mixed", satisfaction="neutral") == []
    # for the neck one (unverified) advice names all three
    assert advice("neck", relations="poor") == ["work.psychosocial.neck"]
    assert advice("neck", work_pressure="high", satisfaction="dissatisfied") == ["work.psychosocial.neck"]


def test_four_weeks_off_work_brings_in_the_occupational_physician() -> None:
    assert advice("neck", absence="under_4_weeks") == ["work.stay-active.neck"]
    assert advice("neck", absence="weeks_4_or_more") == ["work.stay-active.neck", "work.occupational-physician"]
    assert advice("low_back", absence="weeks_4_or_more") == ["work.stay-active", "work.occupational-physician.back"]
    assert advice("low_back", absence="not_applicable") == []
    rules = {rule.id: rule for rule in engine.work_content().rules}
    assert rules["work.occupational-physician"].evidence is Evidence.VERIFIED  # KNGF neck pain 2016
    assert rules["work.occupational-physician.back"].evidence is Evidence.UNVERIFIED  # applied to the low back


def test_an_unknown_option_is_refused_naming_the_question() -> None:
    with pytest.raises(InvalidInput) as refused:
        engine.check_work_answers(GOOD | {"screen_height": "on_the_floor"})
    assert refused.value.field == "screen_height"
    with pytest.raises(InvalidInput) as unknown:
        engine.check_work_answers({"shoe_size": "42"})
    assert unknown.value.field == "shoe_size"


def test_the_occupational_physician_is_named_as_the_practice_country_does() -> None:
    content = engine.work_content()
    rule = next(rule for rule in content.rules if rule.id == "work.occupational-physician")
    dutch = engine.country_term("occupational_physician", "nl")
    belgian = engine.country_term("occupational_physician", "be")
    assert "met de bedrijfsarts" in rule.advice_for(dutch).get(Lang.NL)
    assert "met de arbeidsgeneesheer" in rule.advice_for(belgian).get(Lang.NL)
    assert "avec le médecin du travail" in rule.advice_for(belgian).get(Lang.FR)
    for each in content.rules:  # no placeholder left unfilled, in any language, for either country
        for physician in (dutch, belgian):
            filled = each.advice_for(physician)
            assert all("{" not in filled.get(lang) for lang in Lang), each.id


# --- the break schedule -------------------------------------------------------------------------------------------

MONDAY = dt.date(2026, 11, 23)
WEEKDAYS = frozenset(range(5))


def schedule(
    start: str = "09:00", end: str = "17:00", every: int = 60, days: frozenset[int] = WEEKDAYS
) -> BreakSchedule:
    return BreakSchedule(days, dt.time.fromisoformat(start), dt.time.fromisoformat(end), every)


def test_breaks_fall_every_interval_after_the_start_and_before_the_end() -> None:
    hourly = schedule().times(MONDAY)
    assert [f"{t:%H:%M}" for t in hourly] == ["10:00", "11:00", "12:00", "13:00", "14:00", "15:00", "16:00"]
    assert [f"{t:%H:%M}" for t in schedule(every=90).times(MONDAY)] == ["10:30", "12:00", "13:30", "15:00", "16:30"]
    assert [f"{t:%H:%M}" for t in schedule("08:30", "10:00", 45).times(MONDAY)] == ["09:15"]  # not at 10:00


def test_a_day_off_has_no_breaks() -> None:
    saturday = MONDAY + dt.timedelta(days=5)
    assert schedule().times(saturday) == ()
    assert schedule().due(dt.datetime.combine(saturday, dt.time(10, 0))) is None


def test_a_break_is_due_from_its_time_for_a_quarter_of_an_hour() -> None:
    hourly = schedule()
    assert hourly.due(dt.datetime.combine(MONDAY, dt.time(9, 59))) is None
    assert hourly.due(dt.datetime.combine(MONDAY, dt.time(10, 0))) == dt.time(10, 0)
    assert hourly.due(dt.datetime.combine(MONDAY, dt.time(10, 14, 59))) == dt.time(10, 0)
    assert hourly.due(dt.datetime.combine(MONDAY, dt.time(10, 15))) is None
    assert hourly.due(dt.datetime.combine(MONDAY, dt.time(17, 5))) is None  # the working day is over
    assert dt.timedelta(minutes=min(BREAK_INTERVALS)) > BREAK_WINDOW  # one window never holds two breaks


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"days": frozenset()}, "days"),
        ({"days": frozenset({7})}, "days"),
        ({"start": "17:00", "end": "09:00"}, "end"),
        ({"start": "09:00", "end": "09:00"}, "end"),
        ({"start": "09:00", "end": "09:45", "every": 60}, "end"),
        ({"every": 50}, "every_minutes"),
    ],
)
def test_a_schedule_that_cannot_be_is_refused_naming_the_field(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        schedule(**kwargs)
    assert refused.value.field == field


# --- the break exercises ------------------------------------------------------------------------------------------


def test_the_standing_pelvic_stretch_is_the_low_back_break_exercise_at_its_library_dose() -> None:
    routine = engine.break_routine(Region.LOW_BACK, [])
    assert [exercise.id for _item, exercise in routine.offered] == ["standing-pelvic-stretch"]
    exercise = routine.offered[0][1]
    dose = BreakRoutine.dose_at_breaks(exercise, 5)
    # the seed article's 20 seconds, three times — at every break of five working days, not three times a day
    assert (dose.kind, dose.hold_seconds, dose.repetitions) == (DoseKind.HOLD, 20, 3)
    assert (dose.times_per_day, dose.days_per_week) == (None, 5)
    assert dose.describe(Lang.NL) == "Houd 20 seconden vast, 3 herhalingen, 5 dagen per week"


def test_an_exercise_with_a_caution_waits_for_the_therapist_and_a_contraindicated_one_is_never_offered() -> None:
    waiting = engine.break_routine(Region.LOW_BACK, ["hernia_diagnosed"])
    assert waiting.offered == ()
    assert [(out.exercise.id, out.suitability) for out in waiting.left_out] == [("standing-pelvic-stretch", "caution")]
    confirmed = engine.break_routine(Region.LOW_BACK, ["hernia_diagnosed"], confirmed=["standing-pelvic-stretch"])
    assert [exercise.id for _item, exercise in confirmed.offered] == ["standing-pelvic-stretch"]


def test_the_neck_has_its_own_break_exercises() -> None:
    routine = engine.break_routine(Region.NECK, [])
    assert [exercise.id for _item, exercise in routine.offered] == ["chin-tuck-sitting", "shoulder-rolls"]
    assert all(Region.NECK in exercise.regions for _item, exercise in routine.offered)


# --- goals about work ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("goal", "about_work"),
    [
        ("Zonder pijn een werkdag achter de laptop (evalueren in week 6)", True),
        ("Weer kunnen werken als buschauffeur.", True),
        ("Tillen op het werk: moeite van 7 naar 4 of minder in week 6", True),
        ("Reprendre le travail à mi-temps", True),
        ("Back to my job as a nurse", True),
        ("Weer kunnen hardlopen", False),
        ("Dormir sans douleur", False),
        ("Kunnen slapen zonder tintelingen.", False),
    ],
)
def test_goals_about_work_are_recognised_by_their_words(goal: str, about_work: bool) -> None:
    assert work_related(engine.work_content(), goal) is about_work
    assert engine.work_related_goals([goal]) == (about_work,)


# --- a malformed file is refused naming the field ------------------------------------------------------------------


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Callable[[dict[str, Any]], None]], None]]:
    """Serve the work file changed by a function; the loader's cache is cleared before and after."""

    def serve(change: Callable[[dict[str, Any]], None]) -> None:
        data = copy.deepcopy(read_yaml(loader.PATH))
        change(data)
        monkeypatch.setattr(loader, "read_yaml", lambda path: data if path == loader.PATH else read_yaml(path))

    loader.load_work_content.cache_clear()
    yield serve
    loader.load_work_content.cache_clear()


def _rule(data: dict[str, Any], rule_id: str) -> dict[str, Any]:
    return next(rule for rule in data["rules"] if rule["id"] == rule_id)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: _rule(d, "work.chair")["when"].append({"chair": ["maybe"]}), "work.chair: when: 1: chair"),
        (lambda d: _rule(d, "work.chair")["when"].append({"shoe_size": ["42"]}), "'shoe_size' is not a question"),
        (lambda d: _rule(d, "work.chair").update(source="nowhere"), "source 'nowhere' is not defined"),
        (lambda d: _rule(d, "work.chair").update(evidence="verified"), "stronger than its source's"),
        (lambda d: _rule(d, "work.chair")["advice"].update(nl="Bel {doctor}"), "only {physician} may be filled in"),
        (lambda d: d["rules"].append(copy.deepcopy(_rule(d, "work.chair"))), "work.chair: id given twice"),
        (lambda d: d["break_routine"]["items"][0].update(exercise="handstand"), "not an exercise of the library"),
        (lambda d: d["break_routine"]["items"][0].update(regions=["neck"]), "the exercise is not for"),
        (lambda d: d["questions"][0].update(topic="hobby"), "questions: 0: topic"),
    ],
)
def test_a_malformed_work_file_is_refused_naming_the_field(
    served: Callable[[Callable[[dict[str, Any]], None]], None], change: Callable[[dict[str, Any]], None], message: str
) -> None:
    served(change)
    with pytest.raises(ContentError) as refused:
        loader.load_work_content()
    assert loader.PATH in str(refused.value) and message in str(refused.value)


def test_advice_texts_hold_no_placeholder_but_the_physician() -> None:
    for rule in engine.work_content().rules:
        for _lang, template in rule.advice.items():
            names = {name for _l, name, _s, _c in string.Formatter().parse(template) if name}
            assert names <= {"physician"}, rule.id
