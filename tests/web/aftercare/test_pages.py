"""Aftercare as its users use it: the clinician sets the maintenance programme and check-in moments of a discharged
episode, the patient answers the check-in that is due, a recurrence raises a flag the practice sees (dashboard,
aftercare page, patient page) and closes with what was done; stable and watch raise nothing; an alarm sign goes the
diary's red-flag way. Bad input is refused naming the field; every read and write is audited."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.urls import reverse

from rugpad.core.errors import InvalidInput
from rugpad.web.aftercare import actions
from rugpad.web.aftercare.forms import AftercareForm, CheckinForm, HandleFlagForm
from rugpad.web.aftercare.models import AftercarePlan, CheckIn, RecurrenceFlag
from rugpad.web.audit.models import AuditAction, AuditEvent
from rugpad.web.care.models import Episode
from rugpad.web.demo import as_user
from rugpad.web.fields import BOUNDED_ATTRIBUTE
from rugpad.web.portal.models import Alert, DiaryEntry
from tests.web.aftercare.conftest import DISCHARGED, TODAY, After, answer, nl
from tests.web.conftest import World


def _errors(response: Any, form: str = "form") -> dict[str, Any]:
    return dict(response.context[form].errors)


# ---- forms: every field bounded --------------------------------------------------------------------------------


def test_every_field_of_the_aftercare_forms_carries_a_bound(db: None) -> None:
    import django.forms as forms

    for form in (AftercareForm(), CheckinForm(region="neck"), HandleFlagForm()):
        for name, field in form.fields.items():
            if isinstance(field, forms.ChoiceField | forms.UUIDField):
                continue
            assert hasattr(field, BOUNDED_ATTRIBUTE), f"{type(form).__name__}.{name}"


# ---- the clinician sets up aftercare ---------------------------------------------------------------------------


@pytest.fixture
def discharged(planned: World) -> World:
    from tests.web.aftercare.conftest import discharge

    discharge(planned.clinician, planned.episode, 4)
    return planned


def test_the_form_starts_from_the_last_pain_score_the_whole_programme_and_13_and_26_weeks(discharged: World) -> None:
    response = nl(discharged.clinician).get(reverse("aftercare_episode", args=[discharged.episode.pk]))
    assert response.status_code == 200
    form = response.context["form"]
    candidates = actions.maintenance_candidates(discharged.episode)
    assert form.initial["baseline_pain"] == 4
    assert form.initial["weeks"] == "13, 26"
    assert form.initial["exercises"] == [item.pk for item in candidates] and len(candidates) == 2
    assert "praktijkkeuze" in response.content.decode()  # the default moments are shown as a practice choice


def test_saving_aftercare_makes_a_check_in_per_moment_and_is_audited(discharged: World) -> None:
    episode = discharged.episode
    kept = actions.maintenance_candidates(episode)[0]
    response = nl(discharged.clinician).post(
        reverse("aftercare_episode", args=[episode.pk]),
        {
            "discharged_on": DISCHARGED.isoformat(),
            "baseline_pain": "4",
            "exercises": [str(kept.pk)],
            "advice": "Twee keer per week.",
            "weeks": "26, 6 12",
        },
    )
    plan = AftercarePlan.objects.get(episode=episode)
    assert response.status_code == 302 and response["Location"] == reverse("aftercare_plan", args=[plan.pk])
    assert list(plan.checkins.values_list("weeks", "due_on")) == [
        (w, DISCHARGED + dt.timedelta(weeks=w)) for w in (6, 12, 26)
    ]
    assert list(plan.exercises.all()) == [kept] and plan.baseline_pain == 4
    event = AuditEvent.objects.get(object_type="aftercareplan", object_id=str(plan.pk))
    assert (event.action, event.actor_id, event.patient_id) == (
        AuditAction.CREATE,
        discharged.clinician.pk,
        discharged.patient.pk,
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"weeks": "0, 13"}, "weeks"),
        ({"weeks": "13, 13"}, "weeks"),
        ({"weeks": "6 12 18 24 30 36 42"}, "weeks"),
        ({"weeks": "٣"}, "weeks"),
        ({"weeks": ""}, "weeks"),
        ({"baseline_pain": "11"}, "baseline_pain"),
        ({"baseline_pain": "-1"}, "baseline_pain"),
        ({"discharged_on": "0001-01-01"}, "discharged_on"),
        ({"discharged_on": "2001-01-01"}, "discharged_on"),  # before the first contact: the action refuses it
        ({"exercises": ["999999"]}, "exercises"),
    ],
)
def test_bad_input_is_refused_naming_the_field(discharged: World, change: dict[str, object], field: str) -> None:
    data = {"discharged_on": DISCHARGED.isoformat(), "baseline_pain": "4", "weeks": "13, 26", **change}
    response = nl(discharged.clinician).post(reverse("aftercare_episode", args=[discharged.episode.pk]), data)
    assert response.status_code == 400
    assert field in _errors(response)
    assert not AftercarePlan.objects.exists()


def test_an_open_episode_has_no_aftercare_to_set(planned: World) -> None:
    response = nl(planned.clinician).get(reverse("aftercare_episode", args=[planned.episode.pk]))
    assert response.status_code == 404


def test_changing_the_moments_keeps_answers_and_announces_a_moved_day_again(after: After) -> None:
    world = after.world
    after.first.notified_at = after.second.notified_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    after.first.save()
    after.second.save()
    answer(nl(world.patient_user), after.first)
    actions.do_save_aftercare(
        as_user(world.clinician),
        world.episode,
        discharged_on=DISCHARGED - dt.timedelta(days=1),
        baseline_pain=3,
        exercise_ids=[],
        advice="",
        weeks=(6, 52),
    )
    rows = {c.weeks: c for c in CheckIn.objects.filter(plan=after.plan)}
    assert set(rows) == {13, 6, 52}  # 13 answered stays; 26 unanswered goes; 6 and 52 are new
    assert rows[13].answered_at is not None and rows[13].due_on == after.first.due_on
    assert rows[6].notified_at is None


# ---- the patient's check-in -------------------------------------------------------------------------------------


def test_the_patient_home_shows_the_check_in_due_and_come_back_if(after: After) -> None:
    page = nl(after.world.patient_user).get(reverse("patient_home")).content.decode()
    assert reverse("aftercare_checkin", args=[after.first.pk]) in page
    assert "Hoe gaat het met uw rug?" in page and "Kom terug als" in page
    assert reverse("aftercare_checkin", args=[after.second.pk]) not in page  # one at a time


def test_before_the_day_the_home_says_when_and_still_shows_come_back_if(after: After) -> None:
    CheckIn.objects.filter(pk=after.first.pk).update(due_on=TODAY + dt.timedelta(days=3))
    page = nl(after.world.patient_user).get(reverse("patient_home")).content.decode()
    assert "/aftercare/me/checkins/" not in page
    assert "Uw behandeling is afgerond" in page and "Kom terug als" in page


def test_the_check_in_asks_in_the_patients_words_and_lists_the_alarm_signs(after: After) -> None:
    response = nl(after.world.patient_user).get(reverse("aftercare_checkin", args=[after.first.pk]))
    page = response.content.decode()
    assert "Hoeveel pijn heeft u nu in uw rug?" in page
    assert "Bent u door uw rug weer beperkt" in page
    assert 'name="alarms" value="bladder"' in page


@pytest.mark.parametrize(
    ("answers", "status", "flagged"),
    [
        ({"pain": "3"}, "stable", False),
        ({"pain": "4"}, "stable", False),  # one point above discharge: NOT a flag
        ({"pain": "5"}, "watch", False),  # two points, not said to be back: watch, NOT a flag
        ({"pain": "4", "came_back": "yes"}, "watch", False),  # back, one point up: watch, NOT a flag
        ({"pain": "5", "came_back": "yes"}, "recurrence", True),
        ({"pain": "1", "limited_again": "yes"}, "recurrence", True),
    ],
)
def test_the_verdict_and_the_flag(after: After, answers: dict[str, str], status: str, flagged: bool) -> None:
    response = answer(nl(after.world.patient_user), after.first, **answers)
    assert response.status_code == 302  # type: ignore[attr-defined]
    after.first.refresh_from_db()
    assert after.first.status == status and after.first.answered_by_id == after.world.patient_user.pk
    assert RecurrenceFlag.objects.filter(checkin=after.first).exists() is flagged
    dashboard = nl(after.world.clinician).get("/").content.decode()
    assert ("aftercare-flags" in dashboard) is flagged
    assert not Alert.objects.exists() and not DiaryEntry.objects.exists()  # no alarm sign: no diary, no alert


def test_a_recurrence_reaches_the_practice_and_the_patient_reads_what_happens_next(after: After) -> None:
    world = after.world
    patient = nl(world.patient_user)
    response = answer(patient, after.first, pain="6", came_back="yes")
    done = patient.get(response["Location"]).content.decode()  # type: ignore[index]
    assert "Uw praktijk neemt contact met u op" in done
    flag = RecurrenceFlag.objects.get()
    clinician = nl(world.clinician)
    for path in ("/", reverse("aftercare_list"), reverse("patient_detail", args=[world.patient.pk])):
        page = clinician.get(path).content.decode()
        assert f"flag-{flag.pk}" in page, path
        assert "Nodig de patiënt uit voor een nieuwe episode" in page, path
    plan_page = clinician.get(reverse("aftercare_plan", args=[after.plan.pk])).content.decode()
    assert "aftercare.back_and_worse" in plan_page and "3 punten hoger dan bij ontslag" in plan_page
    # the other practice sees nothing of it
    assert f"flag-{flag.pk}" not in nl(world.other_clinician).get(reverse("aftercare_list")).content.decode()


def test_the_answer_and_the_flag_are_audited(after: After) -> None:
    answer(nl(after.world.patient_user), after.first, pain="3", limited_again="yes")
    flag = RecurrenceFlag.objects.get()
    answered = AuditEvent.objects.get(object_type="checkin", object_id=str(after.first.pk), action=AuditAction.UPDATE)
    raised = AuditEvent.objects.get(object_type="recurrenceflag", object_id=str(flag.pk))
    assert answered.actor_id == raised.actor_id == after.world.patient_user.pk
    assert answered.patient_id == raised.patient_id == after.world.patient.pk
    assert "aftercare.limited_again" in answered.summary


def test_a_double_tap_stores_one_answer_and_one_flag(after: After) -> None:
    client = nl(after.world.patient_user)
    key = str(uuid.uuid4())
    first = answer(client, after.first, pain="8", came_back="yes", key=key)
    second = answer(client, after.first, pain="8", came_back="yes", key=key)
    assert first["Location"] == second["Location"]  # type: ignore[index]
    assert RecurrenceFlag.objects.count() == 1
    assert AuditEvent.objects.filter(object_type="checkin", action=AuditAction.UPDATE).count() == 1


def test_a_key_of_another_check_in_is_refused(after: After) -> None:
    key = uuid.uuid4()
    actions.do_answer_checkin(
        as_user(after.world.patient_user), after.first, pain=3, limited_again=False, came_back=False,
        alarms=[], key=key, today=TODAY,
    )  # fmt: skip
    CheckIn.objects.filter(pk=after.second.pk).update(due_on=TODAY)
    with pytest.raises(InvalidInput) as error:
        actions.do_answer_checkin(
            as_user(after.world.patient_user), after.second, pain=3, limited_again=False, came_back=False,
            alarms=[], key=key, today=TODAY,
        )  # fmt: skip
    assert error.value.field == "key"


def test_an_upcoming_check_in_cannot_be_answered_yet(after: After) -> None:
    response = answer(nl(after.world.patient_user), after.second, limited_again="yes")
    assert response.status_code == 302 and response["Location"] == reverse("aftercare_mine")  # type: ignore[attr-defined]
    after.second.refresh_from_db()
    assert after.second.answered_at is None and not RecurrenceFlag.objects.exists()


def test_once_a_new_episode_started_the_old_check_in_is_no_longer_asked(after: After) -> None:
    from rugpad.web.care import actions as care_actions

    care_actions.do_open_episode(
        as_user(after.world.clinician), after.world.patient, region="neck", started_on=TODAY, onset_on=TODAY
    )
    response = answer(nl(after.world.patient_user), after.first, limited_again="yes")
    assert response["Location"] == reverse("aftercare_mine")  # type: ignore[index]
    assert not RecurrenceFlag.objects.exists()
    assert "/aftercare/me/checkins/" not in nl(after.world.patient_user).get("/me/").content.decode()


@pytest.mark.parametrize(("missing", "field"), [("pain", "pain"), ("came_back", "came_back")])
def test_an_unanswered_question_is_named(after: After, missing: str, field: str) -> None:
    data = {"pain": "3", "limited_again": "no", "came_back": "no"}
    del data[missing]
    response = nl(after.world.patient_user).post(reverse("aftercare_checkin", args=[after.first.pk]), data)
    assert response.status_code == 400 and field in _errors(response)
    assert CheckIn.objects.get(pk=after.first.pk).answered_at is None


def test_an_alarm_sign_goes_the_diarys_red_flag_way(after: After) -> None:
    response = answer(nl(after.world.patient_user), after.first, pain="2", alarms=["bladder"])
    after.first.refresh_from_db()
    entry = after.first.diary_entry
    assert entry is not None and entry.alarms == ["bladder"] and entry.alarm_flags
    # no open episode: the portal's alert for the practice, the patient sent to the alarm instructions
    assert Alert.objects.filter(patient=after.world.patient, kind="alarm").exists()
    assert response["Location"] == reverse("portal_entry", args=[entry.pk])  # type: ignore[index]
    assert after.first.status == "recurrence" and after.first.rule_id == "aftercare.alarm_sign"
    alarm_page = nl(after.world.patient_user).get(response["Location"]).content.decode()  # type: ignore[index]
    assert 'id="alarm"' in alarm_page


# ---- the practice handles a flag --------------------------------------------------------------------------------


@pytest.fixture
def flagged(after: After) -> RecurrenceFlag:
    answer(nl(after.world.patient_user), after.first, limited_again="yes")
    return RecurrenceFlag.objects.get()


def test_handling_a_flag_needs_a_note(after: After, flagged: RecurrenceFlag) -> None:
    url = reverse("aftercare_handle_flag", args=[flagged.pk])
    response = nl(after.world.clinician).post(url, {"outcome": "invited", "note": "  "})
    assert response.status_code == 400
    assert "note" in dict(response.context["handle_forms"][str(flagged.pk)].errors)
    flagged.refresh_from_db()
    assert flagged.is_open


def test_handling_a_flag_closes_it_once_and_is_audited(after: After, flagged: RecurrenceFlag) -> None:
    url = reverse("aftercare_handle_flag", args=[flagged.pk])
    client = nl(after.world.clinician)
    response = client.post(url, {"outcome": "invited", "note": "Gebeld; afspraak volgende week."})
    assert response.status_code == 302
    flagged.refresh_from_db()
    assert not flagged.is_open and flagged.outcome == "invited" and flagged.handled_by_id == after.world.clinician.pk
    assert "aftercare-flags" not in client.get("/").content.decode()
    client.post(url, {"outcome": "not_needed", "note": "nogmaals"})
    flagged.refresh_from_db()
    assert flagged.outcome == "invited"
    events = AuditEvent.objects.filter(object_type="recurrenceflag", action=AuditAction.UPDATE)
    assert events.count() == 1 and events.get().actor_id == after.world.clinician.pk


# ---- reads are audited ------------------------------------------------------------------------------------------


def test_reading_aftercare_is_audited(after: After) -> None:
    world = after.world
    nl(world.clinician).get(reverse("aftercare_plan", args=[after.plan.pk]))
    view = AuditEvent.objects.filter(action=AuditAction.VIEW, actor=world.clinician).latest("id")
    assert (view.object_type, view.patient_id) == ("aftercareplan", world.patient.pk)
    nl(world.clinician).get(reverse("aftercare_list"))
    listed = AuditEvent.objects.filter(action=AuditAction.LIST, actor=world.clinician).latest("id")
    assert listed.summary.startswith("aftercare:")
    nl(world.patient_user).get(reverse("aftercare_checkin", args=[after.first.pk]))
    own = AuditEvent.objects.filter(action=AuditAction.VIEW, actor=world.patient_user).latest("id")
    assert own.patient_id == world.patient.pk and "checkin" in f"{own.object_type} {own.summary}"


def test_the_aftercare_page_lists_waiting_check_ins_and_discharges_without_aftercare(planned: World) -> None:
    from tests.web.aftercare.conftest import discharge

    discharge(planned.clinician, planned.episode, None)
    page = nl(planned.clinician).get(reverse("aftercare_list")).content.decode()
    assert reverse("aftercare_episode", args=[planned.episode.pk]) in page
    assert Episode.objects.get(pk=planned.episode.pk).status == "closed"
