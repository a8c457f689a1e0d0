"""The red-flag life cycle (core/flags.py): raised → action → assessed (excluded / confirmed), or withdrawn.

Facts §2.1a: a red flag is raised, acted on, then assessed by the GP or specialist; care resumes once it is excluded;
a new sign raises a new flag. KNGF 2021 B.1.3: suspicion or doubt → contact the GP."""

from __future__ import annotations

import datetime as dt

import pytest

from rugpad.core.errors import InvalidInput
from rugpad.core.flags import (
    Firing,
    FlagEvent,
    FlagEventKind,
    FlagOrigin,
    FlagRecord,
    FlagStage,
    check_event,
    flags_to_raise,
    stage_after,
)
from rugpad.core.vocab import Urgency

T0 = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
NOW = T0 + dt.timedelta(hours=3)


def event(
    kind: FlagEventKind, note: str = "called the GP", counterpart: str = "GP Jansen", hours: int = 1
) -> FlagEvent:
    return FlagEvent(kind, T0 + dt.timedelta(hours=hours), note, counterpart)


def flag(
    *events: FlagEvent, rule: str = "rf.cauda_equina", origin: FlagOrigin = FlagOrigin.RECORD, signs: str = "a"
) -> FlagRecord:
    return FlagRecord("1", rule, origin, Urgency.EMERGENCY, frozenset(signs.split()), T0, tuple(events))


def test_the_life_cycle_runs_raised_acted_excluded() -> None:
    assert stage_after([]) is FlagStage.RAISED
    assert stage_after([event(FlagEventKind.ACTION)]) is FlagStage.ACTED
    assert stage_after([event(FlagEventKind.ACTION), event(FlagEventKind.EXCLUDED)]) is FlagStage.EXCLUDED
    assert stage_after([event(FlagEventKind.ACTION), event(FlagEventKind.CONFIRMED)]) is FlagStage.CONFIRMED
    assert stage_after([event(FlagEventKind.WITHDRAWN)]) is FlagStage.WITHDRAWN


def test_an_assessment_needs_an_action_first() -> None:
    with pytest.raises(InvalidInput, match="action taken") as caught:
        check_event(flag(), event(FlagEventKind.EXCLUDED), NOW)
    assert caught.value.field == "event"


def test_a_closed_flag_stays_closed() -> None:
    for closing in (
        (event(FlagEventKind.ACTION), event(FlagEventKind.EXCLUDED, hours=2)),
        (event(FlagEventKind.WITHDRAWN),),
    ):
        with pytest.raises(InvalidInput, match="already closed"):
            check_event(flag(*closing), event(FlagEventKind.ACTION, hours=2), NOW)


def test_every_step_needs_a_note_and_an_assessment_names_who_assessed() -> None:
    with pytest.raises(InvalidInput) as caught:
        check_event(flag(), event(FlagEventKind.ACTION, note="   "), NOW)
    assert caught.value.field == "note"
    acted = flag(event(FlagEventKind.ACTION))
    with pytest.raises(InvalidInput) as caught:
        check_event(acted, event(FlagEventKind.EXCLUDED, counterpart="", hours=2), NOW)
    assert caught.value.field == "counterpart"
    assert check_event(acted, event(FlagEventKind.EXCLUDED, hours=2), NOW) is FlagStage.EXCLUDED


def test_a_step_cannot_be_dated_in_the_future_before_the_flag_or_before_the_previous_step() -> None:
    with pytest.raises(InvalidInput) as caught:
        check_event(flag(), event(FlagEventKind.ACTION, hours=5), NOW)
    assert caught.value.field == "at"
    with pytest.raises(InvalidInput, match="before the red flag"):
        check_event(flag(), event(FlagEventKind.ACTION, hours=-2), NOW)
    assert check_event(flag(), event(FlagEventKind.ACTION, hours=0), NOW) is FlagStage.ACTED
    acted_late = flag(event(FlagEventKind.ACTION, hours=3))
    with pytest.raises(InvalidInput, match="previous step"):
        check_event(acted_late, event(FlagEventKind.EXCLUDED, hours=1), NOW)


def test_a_patients_report_is_withdrawn_only_after_somebody_spoke_with_them() -> None:
    diary = flag(origin=FlagOrigin.DIARY)
    with pytest.raises(InvalidInput, match="spoke with them"):
        check_event(diary, event(FlagEventKind.WITHDRAWN), NOW)
    called = flag(event(FlagEventKind.ACTION), origin=FlagOrigin.DIARY)
    assert check_event(called, event(FlagEventKind.WITHDRAWN, hours=2), NOW) is FlagStage.WITHDRAWN
    assert check_event(flag(), event(FlagEventKind.WITHDRAWN), NOW) is FlagStage.WITHDRAWN  # a mis-ticked checklist


def firing(signs: str, origin: FlagOrigin = FlagOrigin.RECORD, rule: str = "rf.cauda_equina") -> Firing:
    return Firing(rule, Urgency.EMERGENCY, frozenset(signs.split()), origin)


def test_a_rule_that_fires_for_the_first_time_raises_a_flag() -> None:
    assert flags_to_raise([firing("a")], []) == (firing("a"),)


def test_an_open_flag_of_the_same_rule_covers_a_repeat() -> None:
    assert flags_to_raise([firing("a b")], [flag()]) == ()
    assert flags_to_raise([firing("a", FlagOrigin.DIARY)], [flag(event(FlagEventKind.ACTION))]) == ()


def test_an_assessment_stands_while_the_records_show_the_same_signs() -> None:
    excluded = flag(event(FlagEventKind.ACTION), event(FlagEventKind.EXCLUDED, hours=2), signs="a b")
    assert flags_to_raise([firing("a b")], [excluded]) == ()
    assert flags_to_raise([firing("a")], [excluded]) == ()


def test_a_new_sign_after_an_assessment_raises_a_new_flag() -> None:
    """Facts §2.1a: a new sign raises a new flag."""
    excluded = flag(event(FlagEventKind.ACTION), event(FlagEventKind.EXCLUDED, hours=2), signs="a")
    assert flags_to_raise([firing("a c")], [excluded]) == (firing("a c"),)


def test_a_diary_alarm_after_an_assessment_is_a_new_report() -> None:
    excluded = flag(event(FlagEventKind.ACTION), event(FlagEventKind.EXCLUDED, hours=2), origin=FlagOrigin.DIARY)
    assert flags_to_raise([firing("a", FlagOrigin.DIARY)], [excluded]) == (firing("a", FlagOrigin.DIARY),)


def test_a_withdrawn_flag_whose_sign_is_still_recorded_is_raised_again() -> None:
    withdrawn = flag(event(FlagEventKind.WITHDRAWN))
    assert flags_to_raise([firing("a")], [withdrawn]) == (firing("a"),)


def test_one_new_flag_per_rule_on_all_its_signs() -> None:
    raised = flags_to_raise([firing("a", FlagOrigin.DIARY), firing("b", FlagOrigin.DIARY)], [])
    assert raised == (firing("a b", FlagOrigin.DIARY),)
