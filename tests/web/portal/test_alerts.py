"""Alarm answers → the patient's instruction from the triage and a clinician alert; trends; acknowledgement."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from rugpad import engine
from rugpad.web.audit.models import AuditEvent
from rugpad.web.portal.models import Alert, AlertKind, DiaryEntry, Message
from tests.web.conftest import World, client_for
from tests.web.portal.helpers import diary_post


def test_an_alarm_answer_shows_the_triage_action_and_alerts_the_clinician(world: World) -> None:
    patient = client_for(world.patient_user)
    response = patient.post(reverse("portal_diary"), diary_post(alarms=["bladder"]), follow=True)
    entry = DiaryEntry.objects.get()
    assert entry.alarm_urgency == "emergency"
    assert entry.alarm_payloads == [{"region": "low_back", "signs": ["bladder_dysfunction"]}]
    flag = engine.triage(entry.alarm_payloads[0]).red_flags[0]
    expected = engine.patient_action(flag.urgency).nl  # what the core's urgency means for a patient, from the data
    page = response.content.decode()
    assert 'id="alarm"' in page and expected in page
    assert flag.action.nl not in page  # the clinician's instruction is not written for patients
    alert = Alert.objects.get()
    assert (alert.kind, alert.rule_id, alert.urgency, alert.patient) == (
        "alarm",
        "rf.cauda_equina",
        "emergency",
        world.patient,
    )
    dashboard = client_for(world.clinician).get(reverse("home")).content.decode()
    assert "portal-alerts" in dashboard and str(world.patient) in dashboard


def test_the_headache_question_is_judged_by_the_neck_rules_for_a_back_patient(world: World) -> None:
    client_for(world.patient_user).post(reverse("portal_diary"), diary_post(alarms=["sudden_headache"]))
    alert = Alert.objects.get()
    assert (alert.rule_id, alert.urgency) == ("rf.cervical_arterial", "emergency")


def test_increasing_weakness_asks_for_the_gp_not_112(world: World) -> None:
    response = client_for(world.patient_user).post(
        reverse("portal_diary"), diary_post(alarms=["limb_weaker"]), follow=True
    )
    assert Alert.objects.get().urgency == "urgent"
    assert "huisarts" in response.content.decode()


def test_an_unknown_alarm_answer_is_refused(world: World) -> None:
    response = client_for(world.patient_user).post(reverse("portal_diary"), diary_post(alarms=["made_up"]))
    assert "alarms" in response.context["form"].errors
    assert not DiaryEntry.objects.exists()


def test_a_repeated_alarm_keeps_one_open_alert(world: World) -> None:
    client = client_for(world.patient_user)
    client.post(reverse("portal_diary"), diary_post(alarms=["bladder"]))
    client.post(reverse("portal_diary"), diary_post(alarms=["bladder"]))
    assert Alert.objects.count() == 1


def test_acknowledging_logs_who_and_when_sends_the_note_and_clears_the_dashboard(world: World) -> None:
    client_for(world.patient_user).post(reverse("portal_diary"), diary_post(alarms=["bladder"]))
    alert = Alert.objects.get()
    clinician = client_for(world.clinician)
    response = clinician.post(reverse("portal_acknowledge", args=[alert.pk]), {"message": "Ik bel u zo."})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_by == world.clinician and alert.acknowledged_at is not None
    event = AuditEvent.objects.get(object_type="alert", object_id=str(alert.pk), action="update")
    assert event.actor == world.clinician and "acknowledged" in event.summary
    assert Message.objects.get().body == "Ik bel u zo."
    assert "portal-alerts" not in clinician.get(reverse("home")).content.decode()
    assert "Ik bel u zo." in client_for(world.patient_user).get(reverse("patient_home")).content.decode()


def test_a_second_acknowledgement_changes_nothing(world: World) -> None:
    client_for(world.patient_user).post(reverse("portal_diary"), diary_post(alarms=["bladder"]))
    alert = Alert.objects.get()
    client_for(world.clinician).post(reverse("portal_acknowledge", args=[alert.pk]), {})
    first = Alert.objects.get().acknowledged_at
    client_for(world.clinician).post(reverse("portal_acknowledge", args=[alert.pk]), {})
    assert Alert.objects.get().acknowledged_at == first


def test_a_clinician_of_another_practice_cannot_acknowledge(world: World) -> None:
    client_for(world.patient_user).post(reverse("portal_diary"), diary_post(alarms=["bladder"]))
    alert = Alert.objects.get()
    assert client_for(world.other_clinician).post(reverse("portal_acknowledge", args=[alert.pk])).status_code == 404
    assert Alert.objects.get().acknowledged_at is None
    assert "portal-alerts" not in client_for(world.other_clinician).get(reverse("home")).content.decode()


def test_pain_rising_over_a_week_raises_a_soft_trend_alert(world: World) -> None:
    client = client_for(world.patient_user)
    today = timezone.localdate()
    for days_ago, pain in [(12, 2), (10, 2), (8, 2), (6, 4), (4, 5)]:
        day = (today - dt.timedelta(days=days_ago)).isoformat()
        DiaryEntry.objects.create(
            patient=world.patient, day=day, pain_now=pain, opened_at=timezone.now(), exercises="yes"
        )
    assert not Alert.objects.exists()
    client.post(reverse("portal_diary"), diary_post(pain_now="6"))
    alert = Alert.objects.get()
    assert (alert.kind, alert.rule_id, alert.urgency) == (AlertKind.TREND, "trend.pain_rising", "none")
    assert alert.detail["value"] == 3.0
    dashboard = client_for(world.clinician).get(reverse("home")).content.decode()
    assert "Pijn stijgt" in dashboard and "portal-trend-setting" in dashboard


def test_exercises_skipped_on_three_days_raises_a_trend_alert(world: World) -> None:
    client = client_for(world.patient_user)
    today = timezone.localdate()
    for days_ago in (1, 2, 3):
        client.post(
            reverse("portal_diary"),
            diary_post(exercises="no", day=(today - dt.timedelta(days=days_ago)).isoformat()),
        )
    assert Alert.objects.get().rule_id == "trend.exercises_skipped"
