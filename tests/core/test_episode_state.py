"""The episode's one clinical state (core/episode.py): screening status, every red flag with its life cycle, the
gate for plan, session and manipulation, measurement moments and the decision — computed once from plain facts."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from rugpad import engine
from rugpad.core.episode import EpisodeFacts, Measurement, MomentStatus, Screening
from rugpad.core.flags import FlagEvent, FlagEventKind, FlagOrigin, FlagRecord, FlagStage
from rugpad.core.vocab import Lang, ManipulationVerdict, Region, Sex, Urgency

TODAY = dt.date(2026, 11, 20)
T0 = dt.datetime(2026, 11, 19, 20, 0, tzinfo=dt.UTC)
LOW_BACK_SIGNS = sorted(s.id for s in engine.rulebook().signs.values() if Region.LOW_BACK in s.regions)


def facts(**changes: object) -> EpisodeFacts:
    base = EpisodeFacts(
        region=Region.LOW_BACK,
        today=TODAY,
        started_on=TODAY - dt.timedelta(days=14),
        onset_on=TODAY - dt.timedelta(days=21),
        age=45,
        sex=Sex.MALE,
        screening=Screening(frozenset(LOW_BACK_SIGNS), frozenset(), TODAY - dt.timedelta(days=14)),
        startback={"1": 0, "2": 0, "3": 0, "4": 0, "5": 0, "6": 0, "7": 0, "8": 0, "9": 0},
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def diary_flag(*events: FlagEvent, rule: str = "rf.cauda_equina") -> FlagRecord:
    return FlagRecord("7", rule, FlagOrigin.DIARY, Urgency.EMERGENCY, frozenset({"bladder_dysfunction"}), T0, events)


def action(hours: int = 1) -> FlagEvent:
    return FlagEvent(FlagEventKind.ACTION, T0 + dt.timedelta(hours=hours), "sent to the ED", "SEH")


def assessed(kind: FlagEventKind = FlagEventKind.EXCLUDED) -> FlagEvent:
    return FlagEvent(kind, T0 + dt.timedelta(hours=5), "MRI normal", "neurologist")


def test_before_screening_nothing_is_said_to_be_safe() -> None:
    """A new episode is 'not screened yet', never 'no red flags', and manipulation is not decided."""
    state = engine.episode_state(facts(screening=None))
    assert not state.screened
    assert state.urgency is Urgency.NONE
    assert not state.gate.may_proceed
    assert state.gate.manipulation is None
    assert "screening" in state.gate.reasons[0].get(Lang.EN)
    assert set(state.not_asked) == set(LOW_BACK_SIGNS)


def test_a_screened_episode_without_signs_may_proceed() -> None:
    state = engine.episode_state(facts())
    assert state.screened and state.gate.may_proceed
    assert state.gate.manipulation is ManipulationVerdict.ALLOWED
    assert state.not_asked == ()


def test_a_diary_alarm_is_a_red_flag_that_stops_the_pathway() -> None:
    """The diary alarm reaches the state like any other flag: the session and plan close, manipulation too."""
    state = engine.episode_state(facts(flags=(diary_flag(),)))
    assert state.urgency is Urgency.EMERGENCY
    assert [f.rule_id for f in state.open_flags] == ["rf.cauda_equina"]
    assert not state.gate.may_proceed
    assert state.gate.manipulation is ManipulationVerdict.CONTRAINDICATED
    assert state.decision is not None and state.decision.outcome == "red_flag"


def test_an_action_alone_keeps_the_flag_open() -> None:
    state = engine.episode_state(facts(flags=(diary_flag(action()),)))
    assert state.open_flags[0].stage is FlagStage.ACTED
    assert not state.gate.may_proceed


def test_a_flag_excluded_by_the_gp_lets_the_pathway_resume() -> None:
    state = engine.episode_state(facts(flags=(diary_flag(action(), assessed()),)))
    assert state.open_flags == ()
    assert state.flags[0].stage is FlagStage.EXCLUDED
    assert state.gate.may_proceed
    assert state.urgency is Urgency.NONE


def test_a_confirmed_flag_refers_and_closes_the_episode() -> None:
    state = engine.episode_state(facts(flags=(diary_flag(action(), assessed(FlagEventKind.CONFIRMED)),)))
    assert state.referred and state.closed
    assert not state.gate.may_proceed
    assert state.decision is None


def test_a_screening_sign_raises_a_new_flag_until_stored() -> None:
    state = engine.episode_state(
        facts(screening=Screening(frozenset(LOW_BACK_SIGNS), frozenset({"saddle_anaesthesia"}), TODAY))
    )
    assert [f.rule_id for f in state.new_flags] == ["rf.cauda_equina"]
    assert state.open_flags[0].record is None
    assert not state.gate.may_proceed


def test_an_excluded_screening_flag_on_the_same_signs_stays_excluded() -> None:
    stored = FlagRecord(
        "3", "rf.cauda_equina", FlagOrigin.RECORD, Urgency.EMERGENCY, frozenset({"saddle_anaesthesia"}), T0,
        (action(), assessed()),
    )  # fmt: skip
    screening = Screening(frozenset(LOW_BACK_SIGNS), frozenset({"saddle_anaesthesia"}), TODAY)
    state = engine.episode_state(facts(screening=screening, flags=(stored,)))
    assert state.new_flags == ()
    assert state.gate.may_proceed
    assert state.triage.profile is not None, "the pathway resumes: the profile is computed again"
    assert [f.id for f in state.triage.cleared] == ["rf.cauda_equina"]


def test_a_closed_episode_offers_nothing_and_decides_nothing() -> None:
    state = engine.episode_state(facts(closed=True))
    assert not state.gate.may_proceed and state.gate.manipulation is None
    assert state.decision is None
    assert all(m.status in (MomentStatus.DONE, MomentStatus.MISSED) for m in state.moments)


def test_moments_count_a_questionnaire_sent_for_them_or_filled_within_their_window() -> None:
    start = TODAY - dt.timedelta(days=28)
    measurements = tuple(Measurement(code, start, 5.0, "intake") for code in ("nprs", "odi", "psk")) + tuple(
        Measurement(code, TODAY - dt.timedelta(days=3), 3.0) for code in ("nprs", "odi", "psk")
    )
    state = engine.episode_state(facts(started_on=start, measurements=measurements))
    status = {m.moment.key: m.status for m in state.moments}
    assert status["intake"] is MomentStatus.DONE
    assert status["reevaluation-3-4-weeks"] is MomentStatus.DONE


signs = st.frozensets(st.sampled_from(LOW_BACK_SIGNS), max_size=6)


@settings(max_examples=60, deadline=None)
@given(signs, signs)
def test_adding_a_sign_never_lowers_urgency(present: frozenset[str], more: frozenset[str]) -> None:
    def urgency(found: frozenset[str]) -> int:
        screening = Screening(frozenset(LOW_BACK_SIGNS), found, TODAY)
        return engine.episode_state(facts(screening=screening, age=72, sex=Sex.FEMALE)).urgency.rank

    assert urgency(present | more) <= urgency(present)


stages = st.lists(st.sampled_from(["none", "action", "excluded", "confirmed", "withdrawn"]), min_size=1, max_size=4)


def flag_in(stage: str, key: int) -> FlagRecord:
    events = {
        "none": (),
        "action": (action(),),
        "excluded": (action(), assessed()),
        "confirmed": (action(), assessed(FlagEventKind.CONFIRMED)),
        "withdrawn": (action(), FlagEvent(FlagEventKind.WITHDRAWN, T0 + dt.timedelta(hours=2), "ticked by mistake")),
    }[stage]
    return replace(diary_flag(*events), key=str(key))


@settings(max_examples=60, deadline=None)
@given(stages, st.booleans())
def test_open_flags_always_block_excluded_never_do_and_no_flag_is_lost(chosen: list[str], closed: bool) -> None:
    records = tuple(flag_in(stage, i) for i, stage in enumerate(chosen))
    state = engine.episode_state(facts(flags=records, closed=closed))
    assert len([f for f in state.flags if f.record is not None]) == len(records), "closing never loses a flag"
    any_open = any(stage in ("none", "action") for stage in chosen)
    if any_open:
        assert not state.gate.may_proceed
        assert state.gate.manipulation in (ManipulationVerdict.CONTRAINDICATED, None)  # never allowed
    only_excluded = all(stage in ("excluded", "withdrawn") for stage in chosen)
    if only_excluded and not closed:
        assert state.gate.may_proceed
