"""The per-episode outcome summary behind the practice dashboard.

- its verdicts are the engine's: for every pair of whole scores in each instrument's range (and a few fractional
  ones) the stored letter says what the core's `change()` says, and the responder what `responder()` says;
- the actions keep it: after each kind of write (questionnaire, triage, plan version, exercise result, discharge,
  red-flag confirmation) the stored rows equal a recomputation from the records;
- a period that ends before an episode's latest score judges it from the scores up to the period's end;
- adherence counts only the period's exercise results, whichever way the plan and the period overlap;
- `manage.py rebuild_outcome_summary` recomputes every row.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import uuid
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from rugpad import engine
from rugpad.core.evaluation import Direction, change, responder
from rugpad.web.care import actions
from rugpad.web.care.models import Episode, InstrumentResponse
from rugpad.web.demo import as_user
from rugpad.web.outcomes import actions as outcome_actions
from rugpad.web.outcomes import summary
from rugpad.web.outcomes.models import EpisodeOutcome
from rugpad.web.outcomes.practice_dashboard import Period, practice_groups
from rugpad.web.plans import actions as plan_actions
from rugpad.web.plans.clinical import clinician_exercise, exercise_library
from rugpad.web.plans.models import TreatmentPlan
from tests.web.conftest import World
from tests.web.outcomes.helpers import ODI_20, ODI_40

TODAY = timezone.localdate()


def _values(rule_min: float, rule_max: float) -> list[float]:
    whole = [float(v) for v in range(int(rule_min), int(rule_max) + 1)]
    return [*whole, rule_min + 0.5, (rule_min + rule_max) / 3, rule_max - 0.1]


def _core_letter(code: str, base: float, last: float) -> str:
    found = change(engine.change_rules()[code], base, last)
    if not found.clinically_important:
        return "N"
    return "W" if found.direction is Direction.WORSENED else "I"


AT = timezone.now()


@pytest.mark.parametrize("code", sorted(summary.improvement_rules()))
def test_the_stored_verdict_is_the_cores(code: str) -> None:
    rule = summary.improvement_rules()[code]
    for base, last in itertools.product(_values(rule.minimum, rule.maximum), repeat=2):
        changes, _responder, until = summary.verdicts([(code, base, AT), (code, last, AT)])
        assert summary.parse_changes(changes) == {code: _core_letter(code, base, last)}, (base, last)
        assert until == AT


def test_the_responder_is_the_cores_and_one_score_is_not_judged() -> None:
    rules = engine.change_rules()
    for pain, function in itertools.product([(8, 3), (6, 5), (3, 6)], [(40, 20), (40, 36), (20, 40)]):
        series = [("nprs", pain[0], AT), ("odi", function[0], AT), ("nprs", pain[1], AT), ("odi", function[1], AT)]
        expected = responder([change(rules["nprs"], *pain), change(rules["odi"], *function)]).responder
        assert summary.verdicts(series)[1] == summary.RESPONDER[expected]
    assert summary.verdicts([("nprs", 8, AT), ("odi", 40, AT), ("odi", 20, AT)])[:2] == ("odi=I", "")
    assert summary.verdicts([("nprs", 8, AT)]) == ("", "", None)
    assert summary.verdicts([("psk", 8, AT), ("psk", 2, AT)]) == ("", "", None)  # no MCID: never judged


# --------------------------------------------------------------------------------------------- kept by the actions


def _stored() -> list[dict[str, Any]]:
    return list(EpisodeOutcome.objects.order_by("episode_id").values())


def _recomputed() -> list[dict[str, Any]]:
    ids = list(Episode.objects.values_list("pk", flat=True))
    rows = sorted(summary.compute(ids), key=lambda row: row.episode_id)
    fields = [f.attname for f in EpisodeOutcome._meta.concrete_fields]
    return [{name: getattr(row, name) for name in fields} for row in rows]


def _assert_kept() -> None:
    assert _stored() == _recomputed()


def _nprs(value: int) -> dict[str, int]:
    return {"1": value}


def _exercise_plan(world: World, episode: Episode, starts: dt.date) -> TreatmentPlan:
    spec = clinician_exercise(exercise_library()["bridge"], "allowed")
    assert spec.dose is not None
    spec = dataclasses.replace(spec, dose=dataclasses.replace(spec.dose, days_per_week=2))
    plan_actions.do_save_version(as_user(world.clinician), episode, [spec], change="t", starts_on=starts, weeks=8)
    return TreatmentPlan.objects.get(episode=episode)


def _log(world: World, plan: TreatmentPlan, at: dt.datetime, *, skipped: bool = False, session: Any = None) -> None:
    item = plan.current().ordered_items()[0]  # type: ignore[union-attr]
    plan_actions.do_log_entry(
        as_user(world.clinician), plan.episode.patient, plan,
        {"key": uuid.uuid4(), "session_key": session or uuid.uuid4(), "item_id": item.pk, "exercise_id": "bridge",
         "sets_done": 0 if skipped else 1, "skipped": skipped, "started_at": at, "done_at": at},
    )  # fmt: skip


def test_every_action_keeps_the_summary_equal_to_the_records(world: World) -> None:
    request = as_user(world.clinician)
    patient = actions.do_create_patient(
        request, first_name="Kim", last_name="Kept", date_of_birth=dt.date(1970, 1, 1), sex="female"
    )
    episode = actions.do_open_episode(request, patient, region="low_back", started_on=TODAY, onset_on=TODAY)
    _assert_kept()
    actions.do_save_screening(request, episode, [], notes="")
    actions.do_record_response(request, episode, "nprs", _nprs(8), moment="intake")
    actions.do_record_response(request, episode, "odi", ODI_40, moment="intake")
    _assert_kept()
    actions.do_record_response(request, episode, "nprs", _nprs(3), moment="end")
    actions.do_record_response(request, episode, "odi", ODI_20, moment="end")
    _assert_kept()
    row = EpisodeOutcome.objects.get(episode=episode)
    assert (row.changes, row.responder, row.end_measured) == ("nprs=I,odi=I", "Y", True)
    plan = _exercise_plan(world, episode, TODAY - dt.timedelta(days=3))
    _assert_kept()
    noon = timezone.make_aware(dt.datetime.combine(TODAY - dt.timedelta(days=1), dt.time(12, 0)))
    session = uuid.uuid4()
    _log(world, plan, noon, session=session)
    _log(world, plan, noon + dt.timedelta(minutes=5), session=session)
    _log(world, plan, noon + dt.timedelta(minutes=10), skipped=True)
    _log(world, plan, timezone.make_aware(dt.datetime.combine(TODAY - dt.timedelta(days=9), dt.time(9, 0))))
    _assert_kept()  # the incremental counters agree with a recount: 2 done in the version, the early one not
    assert EpisodeOutcome.objects.get(episode=episode).done == 2
    _exercise_plan(world, episode, TODAY - dt.timedelta(days=10))  # a new version starting earlier: recounted
    _assert_kept()
    assert EpisodeOutcome.objects.get(episode=episode).done == 3
    outcome_actions.do_discharge(request, episode, treatment="t", advice="a", today=TODAY, reason="moved away")
    _assert_kept()
    assert EpisodeOutcome.objects.get(episode=episode).closed_at is not None
    flagged = actions.do_open_episode(request, patient, region="low_back", started_on=TODAY, onset_on=TODAY)
    actions.do_save_screening(request, flagged, ["saddle_anaesthesia"], notes="")
    flag = flagged.red_flags.get()
    actions.do_record_flag_event(request, flag, kind="action", at=timezone.now(), note="GP called")
    actions.do_record_flag_event(
        request, flag, kind="confirmed", at=timezone.now(), note="Confirmed", counterpart="Dr. GP"
    )
    _assert_kept()
    row = EpisodeOutcome.objects.get(episode=flagged)
    assert not row.is_open and row.referred_at is not None and row.closed_at == row.referred_at


def test_the_rebuild_command_recomputes_every_row(world: World) -> None:
    request = as_user(world.clinician)
    actions.do_record_response(request, world.episode, "nprs", _nprs(8))
    actions.do_record_response(request, world.episode, "nprs", _nprs(2))
    kept = _stored()
    EpisodeOutcome.objects.all().delete()
    EpisodeOutcome.objects.create(**{**kept[0], "changes": "nprs=W"})  # a wrong row is replaced, missing ones made
    EpisodeOutcome.objects.filter(pk=kept[0]["episode_id"]).delete()
    call_command("rebuild_outcome_summary", verbosity=0)
    assert _stored() == kept == _recomputed()
    assert EpisodeOutcome.objects.get(episode=world.episode).changes == "nprs=I"


# ---------------------------------------------------------------------------------------------- period-dependent


def _fill_on(world: World, episode: Episode, value: int, on: dt.date) -> None:
    response = actions.do_record_response(as_user(world.clinician), episode, "nprs", _nprs(value))
    when = timezone.make_aware(dt.datetime.combine(on, dt.time(10, 0)))
    InstrumentResponse.objects.filter(pk=response.pk).update(completed_at=when)


def _total(world: World, period: Period) -> Any:
    groups = practice_groups(world.practice.pk, period, TODAY)
    return next(g for g in groups["all"] if g.key is None)


def test_a_period_ending_before_the_latest_score_is_judged_from_the_scores_it_holds(world: World) -> None:
    request = as_user(world.clinician)
    started = TODAY - dt.timedelta(days=100)
    for index in range(5):
        patient = actions.do_create_patient(
            request, first_name="Pat", last_name=f"Past{index}", date_of_birth=dt.date(1970, 1, 1), sex="male"
        )
        episode = actions.do_open_episode(request, patient, region="low_back", started_on=started, onset_on=started)
        _fill_on(world, episode, 8, started)
        _fill_on(world, episode, 7, started + dt.timedelta(days=20))  # by day 50: not important
        _fill_on(world, episode, 2, started + dt.timedelta(days=80))  # now: improved
    summary.rebuild()  # the scores were moved to their days behind the action's back
    now = _total(world, Period.default(TODAY))
    assert (now.get("m_nprs"), now.get("i_nprs")) == (5, 5)
    then = _total(world, Period(started, started + dt.timedelta(days=50)))
    assert (then.get("m_nprs"), then.get("i_nprs")) == (5, 0)
    early = _total(world, Period(started, started + dt.timedelta(days=10)))
    assert early.get("m_nprs") == 0  # one score each by then: not judged


def test_adherence_counts_the_results_inside_the_period(world: World) -> None:
    """One exercise 2 days a week from 30 days ago; 2 results in each of the five weeks (10 in all)."""
    starts = TODAY - dt.timedelta(days=30)
    request = as_user(world.clinician)
    patient = actions.do_create_patient(
        request, first_name="Ad", last_name="Herent", date_of_birth=dt.date(1970, 1, 1), sex="male"
    )
    opened = starts - dt.timedelta(days=10)
    episode = actions.do_open_episode(request, patient, region="low_back", started_on=opened, onset_on=opened)
    actions.do_save_screening(request, episode, [], notes="")
    plan = _exercise_plan(world, episode, starts)
    for index in range(10):
        day = starts + dt.timedelta(days=7 * (index // 2) + index % 2)
        _log(world, plan, timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0))))
    _assert_kept()

    def share(period: Period) -> float:
        total = _total(world, period)
        assert total.get("adherence_n") == 1  # the world's own episode has no plan
        return round(total.get("adherence_sum"), 6)

    assert share(Period.default(TODAY)) == 1.0  # the plan starts in the period and nothing came after: the counter
    # the plan began before the period (day 1 to 20): 5 results in it (days 1, 7, 8, 14, 15) of 3 weeks x 2 days
    assert share(Period(starts + dt.timedelta(days=1), starts + dt.timedelta(days=20))) == round(5 / 6, 6)
    # the plan starts in the period, results go on after its end (day 8): 4 of 2 weeks x 2 days; then 1 of 1 x 2
    assert share(Period(starts - dt.timedelta(days=5), starts + dt.timedelta(days=8))) == 1.0
    assert share(Period(starts - dt.timedelta(days=5), starts)) == 0.5


@pytest.mark.django_db
def test_the_demo_and_the_bulk_fill_keep_the_summary() -> None:
    """The demo (through the actions, its dates moved back after) and `populate` (bulk rows, no actions) leave the
    summary equal to the records; the fill's closed episodes carry their discharge date."""
    from rugpad.web.populate import Shares, populate

    populate(60, per_patient=6, shares=Shares(open_episode=0.3, earlier_episode=0.3))
    _assert_kept()
    closed = EpisodeOutcome.objects.filter(is_open=False)
    assert closed.count() > 20 and not closed.filter(closed_at__isnull=True).exists()
    assert EpisodeOutcome.objects.filter(done__gt=0).exists()


def test_a_patient_with_two_episodes_is_one_patient_in_each_group(world: World) -> None:
    """The world's patient (one low back episode) and Tom with a low back and a neck episode at once."""
    request = as_user(world.clinician)
    tom = actions.do_create_patient(
        request, first_name="Tom", last_name="Twice", date_of_birth=dt.date(1970, 1, 1), sex="male"
    )
    for region in ("low_back", "neck"):
        actions.do_open_episode(request, tom, region=region, started_on=TODAY, onset_on=TODAY)
    _assert_kept()  # the first episode's row learnt of the second
    assert set(EpisodeOutcome.objects.filter(patient=tom).values_list("patient_episodes", flat=True)) == {2}
    groups = practice_groups(world.practice.pk, Period.default(TODAY), TODAY)
    patients = {(name, g.key): g.patients for name, found in groups.items() for g in found}
    assert patients[("all", None)] == 2
    assert patients[("clinician", world.clinician.pk)] == 2
    assert (patients[("region", "low_back")], patients[("region", "neck")]) == (2, 1)
    assert sum(g.get("episodes") for g in groups["all"]) == 3
