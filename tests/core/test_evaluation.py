"""Change scores, MCIDs, the responder summary and the re-evaluation decision rules, on the packaged content."""

from __future__ import annotations

import itertools
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rugpad.content import ContentError, load_sources
from rugpad.content import evaluation as evaluation_content
from rugpad.content.evaluation import load_change_rules, load_decision_rules, load_global_rating, load_schedule
from rugpad.core.errors import InvalidInput
from rugpad.core.evaluation import (
    PROFILES,
    Change,
    DecisionAction,
    Direction,
    Outcome,
    change,
    decide,
    global_effect,
    responder,
)
from rugpad.core.vocab import Evidence, Lang, Region

RULES = load_change_rules()


def _change(code: str, baseline: float | None, follow_up: float | None) -> Change:
    return change(RULES[code], baseline, follow_up)


def _changes(outcome: Outcome, region: Region = Region.LOW_BACK) -> list[Change]:
    """Measurements that produce `outcome` (red_flag: measurements that alone would say "improved")."""
    function = "odi" if region is Region.LOW_BACK else "ndi"
    big, small = (50, 30), (50, 48) if function == "odi" else (30, 29)
    pairs = {
        Outcome.IMPROVED: [("nprs", 8, 4), (function, *big)],
        Outcome.RED_FLAG: [("nprs", 8, 4), (function, *big)],
        Outcome.PARTIAL: [("nprs", 8, 4), (function, *small)],
        Outcome.NOT_IMPROVED: [("nprs", 8, 7), (function, *small)],
        Outcome.INCOMPLETE: [("nprs", 7, 3), (function, big[0], None)],
        Outcome.WORSENED: [("nprs", 4, 7), (function, 20, 20)],
        Outcome.UNKNOWN: [("nprs", 8, None), ("psk", 6, 3)],
    }[outcome]
    return [_change(code, base, follow) for code, base, follow in pairs]


def _decide(region: str, outcome: Outcome, weeks: float, *, profile: str | None = None, radicular: bool = False):
    red_flag = outcome is Outcome.RED_FLAG
    return decide(load_decision_rules(), region, profile, radicular, weeks, _changes(outcome, Region(region)), red_flag)


# --- change and MCID ---------------------------------------------------------------------------------------------


def test_nprs_three_point_drop_is_an_important_improvement():
    result = _change("nprs", 7, 4)
    assert (result.points, result.percent, result.direction) == (-3, -42.9, Direction.IMPROVED)
    assert result.clinically_important is True
    assert (result.source_id, result.evidence) == ("eval-ostelo-2008", Evidence.VERIFIED)
    assert "2 points or 30 %" in result.reason.get(Lang.EN)
    assert "42,9 %" in result.reason.get(Lang.NL)


def test_nprs_one_point_from_a_low_baseline_counts_through_the_thirty_percent_rule():
    result = _change("nprs", 3, 2)
    assert result.points == -1
    assert result.clinically_important is True


def test_odi_exactly_thirty_percent_is_important_even_below_ten_points():
    assert _change("odi", 30, 21).clinically_important is True
    assert _change("odi", 30, 22).clinically_important is False


def test_odi_ten_points_is_important_even_below_thirty_percent():
    result = _change("odi", 60, 50)
    assert result.percent == pytest.approx(-16.7)
    assert result.clinically_important is True


def test_rmdq_four_points_is_important_when_it_is_forty_percent():
    assert _change("rmdq", 10, 6).clinically_important is True
    assert _change("rmdq", 20, 16).clinically_important is False


def test_qbpds_has_no_percentage_rule_so_only_twenty_points_count():
    assert _change("qbpds", 40, 25).clinically_important is False
    assert _change("qbpds", 40, 20).clinically_important is True


def test_ndi_five_raw_points_is_important_and_four_is_not():
    assert _change("ndi", 20, 15).clinically_important is True
    assert _change("ndi", 20, 16).clinically_important is False


def test_baseline_zero_has_no_percentage_and_only_the_points_rule_applies():
    one = _change("nprs", 0, 1)
    assert (one.percent, one.direction, one.clinically_important) == (None, Direction.WORSENED, False)
    assert _change("nprs", 0, 2).clinically_important is True


@pytest.mark.parametrize(("baseline", "follow_up", "missing"), [(6, None, "follow-up"), (None, 4, "baseline")])
def test_missing_value_makes_the_change_unknown(baseline, follow_up, missing):
    result = _change("nprs", baseline, follow_up)
    assert (result.points, result.percent, result.direction) == (None, None, Direction.UNKNOWN)
    assert result.clinically_important is None
    assert missing in result.reason.get(Lang.EN)


def test_psk_has_no_known_mcid_so_importance_is_left_to_the_therapist():
    result = _change("psk", 7, 2)
    assert result.direction is Direction.IMPROVED
    assert result.clinically_important is None
    assert result.evidence is Evidence.UNVERIFIED
    assert "No threshold" in result.reason.get(Lang.EN)


def test_psfs_higher_is_better_so_a_rise_is_an_improvement():
    up, down = _change("psfs", 3, 6), _change("psfs", 6, 3)
    assert (up.direction, up.clinically_important) == (Direction.IMPROVED, True)
    assert (down.direction, down.clinically_important) == (Direction.WORSENED, True)


def test_important_worsening_is_flagged_with_unverified_evidence():
    result = _change("nprs", 4, 7)
    assert (result.direction, result.clinically_important) == (Direction.WORSENED, True)
    assert (result.source_id, result.evidence) == ("practice-setting", Evidence.UNVERIFIED)
    assert result.reason.get(Lang.NL).startswith("Verslechtering van 3 punten")


def test_no_change_is_never_important():
    result = _change("nprs", 0, 0)
    assert (result.direction, result.clinically_important) == (Direction.UNCHANGED, False)


@pytest.mark.parametrize(
    ("baseline", "follow_up", "message"),
    [
        (5, 11, "nprs: follow-up: 11 is out of range 0..10"),
        (-1, 3, "nprs: baseline: -1 is out of range 0..10"),
        (True, 3, "nprs: baseline: True is not a number"),
        (float("nan"), 3, "nprs: baseline: nan is not a number"),
    ],
)
def test_values_outside_the_scale_are_rejected_naming_the_field(baseline, follow_up, message):
    with pytest.raises(InvalidInput, match=message):
        _change("nprs", baseline, follow_up)


@given(st.sampled_from(sorted(RULES)), st.data())
def test_change_is_antisymmetric(code, data):
    rule = RULES[code]
    values = st.integers(int(rule.minimum), int(rule.maximum))
    a, b = data.draw(values), data.draw(values)
    forward, back = change(rule, a, b), change(rule, b, a)
    assert forward.points == -back.points
    swapped = {Direction.IMPROVED: Direction.WORSENED, Direction.WORSENED: Direction.IMPROVED}
    assert back.direction == swapped.get(forward.direction, forward.direction)
    if rule.mcid_percent is None:  # without the percentage rule, importance depends on the size only
        assert forward.clinically_important == back.clinically_important


@given(st.sampled_from(sorted(RULES)), st.data())
def test_importance_follows_the_mcid_rule(code, data):
    rule = RULES[code]
    values = st.floats(rule.minimum, rule.maximum, allow_nan=False)
    result = change(rule, data.draw(values), data.draw(values))
    assert result.points is not None
    assert (result.percent is None) == (result.baseline == 0)
    if rule.mcid_points is None:
        assert result.clinically_important is None
    elif abs(result.points) >= rule.mcid_points:
        assert result.clinically_important is True
    elif rule.mcid_percent is None or result.percent is None:
        assert result.clinically_important is False


# --- GPE -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "success"), [(1, True), (2, True), (3, False), (7, False)])
def test_gpe_completely_recovered_and_much_improved_count_as_success_unverified(value, success):
    result = global_effect(load_global_rating(), value)
    assert result.success is success
    assert result.evidence is Evidence.UNVERIFIED


@pytest.mark.parametrize("value", [0, 8, True])
def test_gpe_outside_one_to_seven_is_rejected(value):
    with pytest.raises(InvalidInput, match=r"gpe: .* is out of range 1\.\.7"):
        global_effect(load_global_rating(), value)


# --- responder -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("outcome", [o for o in Outcome if o is not Outcome.RED_FLAG])
def test_responder_outcome_per_measurement_pattern(outcome):
    assert responder(_changes(outcome)).outcome is outcome


def test_responder_needs_pain_and_function():
    assert responder(_changes(Outcome.IMPROVED)).responder is True
    partial = responder(_changes(Outcome.PARTIAL))
    assert (partial.pain_improved, partial.function_improved, partial.responder) == (True, False, False)


def test_one_important_worsening_outweighs_improvement_elsewhere():
    result = responder([_change("nprs", 8, 2), _change("odi", 20, 32)])
    assert result.outcome is Outcome.WORSENED
    assert result.worsened == ("odi",)
    assert result.responder is False


def test_pain_improvement_with_only_psk_for_function_is_incomplete_and_undecided():
    result = responder([_change("nprs", 8, 4), _change("psk", 8, 2)])
    assert (result.function_improved, result.outcome, result.responder) == (None, Outcome.INCOMPLETE, None)


def test_pain_improvement_with_the_function_follow_up_missing_is_incomplete_not_partial():
    result = responder([_change("nprs", 7, 3), _change("odi", 40, None)])
    assert (result.pain_improved, result.function_improved) == (True, None)
    assert result.outcome is Outcome.INCOMPLETE


def test_no_pain_improvement_with_function_unmeasured_is_incomplete_not_not_improved():
    assert responder([_change("nprs", 7, 7)]).outcome is Outcome.INCOMPLETE


def test_partial_needs_the_other_domain_measured_and_not_improved():
    assert responder([_change("nprs", 7, 3), _change("odi", 40, 38)]).outcome is Outcome.PARTIAL


def test_no_measurements_is_unknown():
    assert responder([]).outcome is Outcome.UNKNOWN


# --- decisions -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("region", ["low_back", "neck"])
def test_a_new_red_flag_refers_now_whatever_the_measurements(region):
    result = _decide(region, Outcome.RED_FLAG, 1)
    assert (result.action, result.rule_id) == (DecisionAction.REFER, f"eval-red-flag-{region.replace('_', '-')}")
    assert result.response.outcome is Outcome.IMPROVED


def test_low_back_insufficient_improvement_at_three_weeks_reevaluates_yellow_flags():
    result = _decide("low_back", Outcome.NOT_IMPROVED, 3)
    assert (result.action, result.rule_id) == (DecisionAction.REEVALUATE_RISK_FACTORS, "eval-low-back-3-4-weeks")
    assert (result.source_id, result.evidence) == ("eval-nhg-lbp-2017", Evidence.VERIFIED)


def test_low_back_partial_improvement_at_four_weeks_counts_as_insufficient():
    assert _decide("low_back", Outcome.PARTIAL, 4).rule_id == "eval-low-back-3-4-weeks"


def test_low_back_before_three_weeks_continues():
    result = _decide("low_back", Outcome.NOT_IMPROVED, 2.9)
    assert (result.action, result.rule_id) == (DecisionAction.CONTINUE, "eval-low-back-continue")


def test_low_back_important_worsening_refers_to_the_gp():
    for radicular in (False, True):
        result = _decide("low_back", Outcome.WORSENED, 1, radicular=radicular)
        assert (result.action, result.rule_id) == (DecisionAction.REFER, "eval-low-back-worsening")


def test_radicular_insufficient_improvement_at_six_weeks_refers_to_discuss_surgery():
    result = _decide("low_back", Outcome.PARTIAL, 6, radicular=True)
    assert (result.action, result.rule_id) == (DecisionAction.REFER, "eval-lrs-6-8-weeks")
    assert result.source_id == "eval-nhg-lrs"


def test_radicular_insufficient_improvement_at_twelve_weeks_names_the_twelve_week_rule():
    assert _decide("low_back", Outcome.NOT_IMPROVED, 12, radicular=True).rule_id == "eval-lrs-12-weeks"


def test_radicular_before_six_weeks_continues_and_skips_the_three_week_rule():
    result = _decide("low_back", Outcome.NOT_IMPROVED, 5.9, radicular=True)
    assert (result.action, result.rule_id) == (DecisionAction.CONTINUE, "eval-lrs-continue")


def test_neck_without_improvement_after_six_weeks_stops():
    result = _decide("neck", Outcome.NOT_IMPROVED, 6, profile="B")
    assert (result.action, result.rule_id) == (DecisionAction.STOP, "eval-neck-6-weeks-no-improvement")


def test_neck_with_some_improvement_after_six_weeks_continues():
    assert _decide("neck", Outcome.PARTIAL, 7, profile="C").action is DecisionAction.CONTINUE


def test_neck_without_improvement_before_six_weeks_continues():
    assert _decide("neck", Outcome.NOT_IMPROVED, 5, profile="B").rule_id == "eval-neck-continue"


def test_neck_profile_d_insufficient_improvement_at_six_weeks_goes_back_to_the_gp():
    result = _decide("neck", Outcome.PARTIAL, 6, profile="D")
    assert (result.action, result.rule_id) == (DecisionAction.REFER, "eval-neck-radicular-6-weeks")


def test_neck_profile_d_worsening_refers_before_six_weeks():
    result = _decide("neck", Outcome.WORSENED, 2, profile="d")
    assert (result.action, result.rule_id) == (DecisionAction.REFER, "eval-neck-radicular-worsening")
    assert result.evidence is Evidence.VERIFIED


def test_neck_worsening_without_arm_symptoms_refers_as_an_unverified_safe_choice():
    result = _decide("neck", Outcome.WORSENED, 2, profile="B")
    assert (result.action, result.rule_id, result.evidence) == (
        DecisionAction.REFER,
        "eval-neck-worsening",
        Evidence.UNVERIFIED,
    )


@pytest.mark.parametrize(
    ("region", "rule_id"), [("low_back", "eval-low-back-improved"), ("neck", "eval-neck-improved")]
)
def test_important_improvement_on_pain_and_function_progresses(region, rule_id):
    for weeks in (1, 6, 12):
        result = _decide(region, Outcome.IMPROVED, weeks)
        assert (result.action, result.rule_id) == (DecisionAction.PROGRESS, rule_id)


@pytest.mark.parametrize(
    ("region", "profile", "weeks", "field"),
    [("hip", None, 1, "region"), ("low_back", "A", 1, "profile"), ("neck", "2", 1, "profile"),
     ("neck", None, -1, "weeks_since_onset")],
)  # fmt: skip
def test_bad_case_input_is_rejected_naming_the_field(region, profile, weeks, field):
    with pytest.raises(InvalidInput) as error:
        decide(load_decision_rules(), region, profile, False, weeks, [], False)
    assert error.value.field == field


@given(
    st.sampled_from(list(Region)),
    st.booleans(),
    st.floats(0, 60, allow_nan=False),
    st.sampled_from([o for o in Outcome if o is not Outcome.RED_FLAG]),
)
def test_a_red_flag_always_refers_and_every_decision_names_a_known_source(region, radicular, weeks, outcome):
    changes = _changes(outcome, region)
    normal = decide(load_decision_rules(), region, None, radicular, weeks, changes, False)
    flagged = decide(load_decision_rules(), region, None, radicular, weeks, changes, True)
    assert flagged.action is DecisionAction.REFER
    assert {normal.source_id, flagged.source_id} <= set(load_sources())


def test_every_decision_rule_can_fire():
    """No rule is shadowed by the rules above it."""
    fired = {
        _decide(str(region), outcome, weeks, profile=profile, radicular=radicular).rule_id
        for region, radicular, outcome, weeks in itertools.product(Region, (False, True), Outcome, (0, 3, 6, 12))
        for profile in (None, *PROFILES[region])
    }
    assert fired == {rule.id for rule in load_decision_rules()}


def test_every_evaluation_rule_names_a_known_source():
    sources = load_sources()
    used = {rule.source_id for rule in load_decision_rules()}
    used |= {rule.source_id for rule in RULES.values()} | {rule.worsening_source_id for rule in RULES.values()}
    assert used <= set(sources)
    assert all(rule.note for rule in RULES.values() if rule.evidence is Evidence.UNVERIFIED), "explain unverified"


def test_evaluation_schedule_and_progression_cores_import_no_django_and_no_yaml():
    code = (
        "import sys, rugpad.core.evaluation, rugpad.core.schedule, rugpad.core.progression; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'django', 'yaml'}))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


# --- not measured is not "not improved" (clinical review) ---------------------------------------------------------


def _decide_on(region: str, weeks: float, pairs, *, radicular=False, profile=None, required=(), red_flag=False):
    changes = [_change(code, base, follow) for code, base, follow in pairs]
    return decide(
        load_decision_rules(),
        region,
        profile,
        radicular,
        weeks,
        changes,
        red_flag,
        required=[RULES[c] for c in required],
    )


def test_radicular_week_six_without_a_follow_up_asks_to_measure_instead_of_claiming_no_improvement():
    result = _decide_on("low_back", 6, [("nprs", 7, None)], radicular=True, required=("nprs", "psk", "odi"))
    assert (result.action, result.rule_id, result.outcome) == (
        DecisionAction.MEASURE,
        "eval-lrs-measure",
        Outcome.UNKNOWN,
    )
    assert result.missing == ("nprs", "psk", "odi")
    assert "fill in NPRS, PSK and ODI before deciding" in result.reason.get(Lang.EN)
    assert "NPRS, PSK en ODI in te vullen" in result.reason.get(Lang.NL)
    assert "has not improved" not in result.reason.get(Lang.EN)


@pytest.mark.parametrize("weeks", [6, 13])
def test_important_pain_improvement_with_the_odi_follow_up_missing_measures_and_never_mentions_surgery(weeks):
    result = _decide_on("low_back", weeks, [("nprs", 7, 3), ("odi", 40, None)], radicular=True)
    assert (result.outcome, result.action, result.rule_id) == (
        Outcome.INCOMPLETE,
        DecisionAction.MEASURE,
        "eval-lrs-measure",
    )
    assert result.response.pain_improved is True
    assert result.missing == ("odi",)
    assert "fill in ODI before deciding" in result.reason.get(Lang.EN)
    assert "surgery" not in result.reason.get(Lang.EN) and "operatie" not in result.reason.get(Lang.NL)


def test_low_back_week_three_with_nothing_measured_asks_to_measure_naming_the_schedule_instruments():
    result = _decide_on("low_back", 3, [], required=("nprs", "psk", "odi"))
    assert (result.action, result.rule_id, result.outcome) == (
        DecisionAction.MEASURE,
        "eval-low-back-measure",
        Outcome.UNKNOWN,
    )
    assert result.missing == ("nprs", "psk", "odi")
    assert "not improved enough" not in result.reason.get(Lang.EN)


def test_without_schedule_information_the_missing_domains_are_named_in_words():
    result = _decide_on("low_back", 3, [])
    assert result.missing == ()
    assert "fill in a pain score and a function questionnaire" in result.reason.get(Lang.EN)
    assert "een pijnscore en een functievragenlijst in te vullen" in result.reason.get(Lang.NL)


@pytest.mark.parametrize("profile", ["A", "B", "C", "D"])
def test_neck_week_six_with_nothing_measured_measures_instead_of_stopping(profile):
    result = _decide_on("neck", 6, [], profile=profile, required=("ndi", "nprs", "psk"))
    assert (result.action, result.rule_id) == (DecisionAction.MEASURE, "eval-neck-measure")
    assert result.missing == ("nprs", "ndi", "psk")
    assert "{" not in result.reason.get(Lang.NL) + result.reason.get(Lang.EN)


def test_neck_no_pain_improvement_with_the_ndi_missing_measures_instead_of_stopping():
    result = _decide_on("neck", 6, [("nprs", 6, 6), ("ndi", 20, None)], profile="B")
    assert (result.outcome, result.action, result.missing) == (Outcome.INCOMPLETE, DecisionAction.MEASURE, ("ndi",))


def test_a_measurement_taken_under_another_function_questionnaire_is_not_asked_for_again():
    """The practice measured the RMDQ instead of the scheduled ODI: only the missing RMDQ follow-up is named."""
    result = _decide_on("low_back", 4, [("nprs", 7, 3), ("rmdq", 12, None)], required=("nprs", "psk", "odi"))
    assert result.missing == ("rmdq", "psk")


@pytest.mark.parametrize(
    ("region", "radicular", "weeks", "rule_id"),
    [("low_back", False, 2.9, "eval-low-back-continue"), ("low_back", True, 5.9, "eval-lrs-continue"),
     ("neck", False, 5.9, "eval-neck-continue")],
)  # fmt: skip
@pytest.mark.parametrize("outcome", [Outcome.INCOMPLETE, Outcome.UNKNOWN])
def test_a_missing_follow_up_before_the_guideline_moment_carries_on(region, radicular, weeks, rule_id, outcome):
    result = _decide(region, outcome, weeks, radicular=radicular)
    assert (result.action, result.rule_id) == (DecisionAction.CONTINUE, rule_id)


def test_important_worsening_still_refers_when_the_other_domain_is_missing():
    result = _decide_on("low_back", 1, [("nprs", 4, 7), ("odi", 40, None)])
    assert (result.outcome, result.action, result.rule_id) == (
        Outcome.WORSENED,
        DecisionAction.REFER,
        "eval-low-back-worsening",
    )
    assert result.missing == ("odi",)  # still listed for the record; the worsening decides on its own


@pytest.mark.parametrize("region", ["low_back", "neck"])
def test_a_red_flag_still_refers_when_nothing_is_measured(region):
    result = _decide_on(region, 6, [], red_flag=True)
    assert (result.outcome, result.action) == (Outcome.RED_FLAG, DecisionAction.REFER)
    assert "{" not in result.reason.get(Lang.EN)


@given(
    st.sampled_from(list(Region)),
    st.booleans(),
    st.floats(0, 60, allow_nan=False),
    st.sampled_from([Outcome.INCOMPLETE, Outcome.UNKNOWN]),
)
def test_a_missing_measurement_only_ever_leads_to_measure_or_continue(region, radicular, weeks, outcome):
    for profile in (None, *PROFILES[region]):
        result = _decide(str(region), outcome, weeks, profile=profile, radicular=radicular)
        assert result.action in (DecisionAction.MEASURE, DecisionAction.CONTINUE)
        assert "{" not in result.reason.get(Lang.NL) + result.reason.get(Lang.EN)


def test_the_twelve_week_radicular_rule_says_discuss_surgery_as_nhg_puts_it():
    result = _decide("low_back", Outcome.NOT_IMPROVED, 13, radicular=True)
    assert result.rule_id == "eval-lrs-12-weeks"
    assert "discuss surgery" in result.reason.get(Lang.EN) and "after about 12 weeks" in result.reason.get(Lang.EN)
    assert "surgery now" not in result.reason.get(Lang.EN) and "nu sneller" not in result.reason.get(Lang.NL)
    twelve = next(m for m in load_schedule().moments if m.key == "reevaluation-12-weeks")
    assert "surgery now" not in twelve.reason.get(Lang.EN) and "discuss surgery with the GP" in twelve.reason.get(
        Lang.EN
    )


def test_low_back_worsening_is_unverified_and_does_not_call_one_rise_a_progressive_course():
    result = _decide("low_back", Outcome.WORSENED, 1)
    assert (result.rule_id, result.evidence) == ("eval-low-back-worsening", Evidence.UNVERIFIED)
    assert "A course that keeps getting worse does not fit" not in result.reason.get(Lang.EN)
    assert "threshold for worsening is rugpad's own choice" in result.reason.get(Lang.EN)
    assert "keuze van rugpad" in result.reason.get(Lang.NL)


def test_no_guideline_moment_rule_matches_an_unmeasured_outcome():
    unmeasured = {Outcome.INCOMPLETE, Outcome.UNKNOWN}
    for rule in load_decision_rules():
        if rule.outcomes & unmeasured:
            assert rule.action in (DecisionAction.MEASURE, DecisionAction.CONTINUE), rule.id
        if rule.action is DecisionAction.MEASURE:
            assert (
                rule.outcomes <= unmeasured
                and "{missing}" in rule.reason.get(Lang.NL)
                and "{missing}" in rule.reason.get(Lang.EN)
            )


def _load_with(monkeypatch: pytest.MonkeyPatch, edit) -> None:
    original = evaluation_content.read_yaml
    entries = [dict(entry) for entry in original("evaluation/decisions.yaml")]
    edit(entries)
    monkeypatch.setattr(evaluation_content, "read_yaml", lambda path: entries)
    evaluation_content.load_decision_rules.__wrapped__()


def _rule(entries, rule_id):
    return next(entry for entry in entries if entry["id"] == rule_id)


def test_the_loader_refuses_a_guideline_moment_that_reads_unknown_as_not_improved(monkeypatch):
    def edit(entries):
        _rule(entries, "eval-low-back-3-4-weeks")["outcomes"] = ["not_improved", "partial", "unknown"]
        entries.remove(_rule(entries, "eval-low-back-measure"))

    with pytest.raises(ContentError, match=r"eval-low-back-3-4-weeks: unknown at week 3 .* must lead to measure"):
        _load_with(monkeypatch, edit)


def test_the_loader_refuses_a_measure_rule_for_a_measured_outcome(monkeypatch):
    def edit(entries):
        _rule(entries, "eval-neck-measure")["outcomes"] = ["incomplete", "unknown", "not_improved"]

    with pytest.raises(ContentError, match=r"eval-neck-measure: a measure rule .* is only for"):
        _load_with(monkeypatch, edit)


def test_the_loader_refuses_a_measure_rule_that_does_not_name_the_missing_measurements(monkeypatch):
    def edit(entries):
        _rule(entries, "eval-neck-measure")["reason"] = {"nl": "Eerst meten.", "en": "Measure first."}

    with pytest.raises(ContentError, match=r"eval-neck-measure: reason nl: a measure rule must name \{missing\}"):
        _load_with(monkeypatch, edit)


def test_the_loader_refuses_an_unknown_placeholder(monkeypatch):
    def edit(entries):
        _rule(entries, "eval-low-back-continue")["reason"] = {"nl": "Week {weeks}.", "en": "Week {weeks}."}

    with pytest.raises(ContentError, match=r"the only placeholder allowed is \{missing\}"):
        _load_with(monkeypatch, edit)


def test_the_loader_still_refuses_an_uncovered_case(monkeypatch):
    def edit(entries):
        _rule(entries, "eval-neck-continue")["outcomes"] = [
            "worsened",
            "improved",
            "partial",
            "not_improved",
            "unknown",
        ]

    with pytest.raises(ContentError, match="no rule for neck, radicular False, profile None, incomplete"):
        _load_with(monkeypatch, edit)
