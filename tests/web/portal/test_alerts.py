"""Alarm answers → a red flag of the episode (the same life cycle as a screening flag) and the patient's instruction
for its urgency; without an open episode a dashboard alert; trends; acknowledgement of alerts."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from rugpad import engine
from rugpad.core.vocab import Lang
from rugpad.web.audit.models import AuditEvent
from rugpad.web.care.models import EpisodeStatus, RedFlag
from rugpad.web.demo import as_user
from rugpad.web.portal.models import Alert, AlertKind, DiaryEntry, Message
from tests.web.conftest import World, client_for
from tests.web.portal.helpers import diary_post


def test_an_alarm_answer_raises_a_red_flag_of_the_episode_and_tells_the_patient_what_to_do(world: World) -> None:
    patient = client_for(world.patient_user)
    response = patient.post(reverse("portal_diary"), diary_post(alarms=["bladder"]), follow=True)
    entry = DiaryEntry.objects.get()
    assert (entry.alarm_urgency, entry.alarm_flags) == ("emergency", ["rf.cauda_equina"])
    rule = engine.red_flag("rf.cauda_equina")
    assert rule is not None
    page = response.content.decode()
    assert 'id="alarm"' in page and escape(engine.patient_instruction(rule, "nl").get(Lang.NL)) in page
    assert rule.action.get(Lang.NL) not in page  # the clinician's instruction is not written for patients
    assert rule.source not in page and "nog niet bevestigd" not in page  # no source ids or doubt next to 112
    flag = RedFlag.objects.get()
    assert (flag.episode, flag.rule_id, flag.origin, flag.stage, flag.urgency) == (
        world.episode,
        "rf.cauda_equina",
        "diary",
        "raised",
        "emergency",
    )
    assert flag.reference == f"diary:{entry.pk}"
    assert not Alert.objects.exists(), "the episode holds the red flag; no second, separate alert"
    dashboard = client_for(world.clinician).get(reverse("home")).content.decode()
    assert f"#flag-{flag.pk}" in dashboard and str(world.patient) in dashboard
    episode_page = client_for(world.clinician).get(reverse("episode_detail", args=[world.episode.pk])).content.decode()
    assert 'id="alarm"' in episode_page and "caudasyndroom" in episode_page


def test_a_sudden_headache_is_an_emergency_for_a_back_patient_too(world: World) -> None:
    client_for(world.patient_user).post(reverse("portal_diary"), diary_post(alarms=["sudden_headache"]))
    flag = RedFlag.objects.get()
    assert (flag.rule_id, flag.urgency) == ("rf.acute_neurological_low_back", "emergency")


def test_increasing_weakness_asks_for_the_gp_not_112(world: World) -> None:
    response = client_for(world.patient_user).post(
        reverse("portal_diary"), diary_post(alarms=["limb_weaker"]), follow=True
    )
    assert RedFlag.objects.get().urgency == "urgent"
    page = response.content.decode()
    assert "huisarts" in page and 'href="tel:112"' not in page


def test_weakness_in_a_patient_with_a_history_of_cancer_is_suspected_cord_compression(world: World) -> None:
    """NICE CG75/NG234 (facts §2.1): known cancer + new limb weakness = suspected MSCC, an emergency. The diary
    answer is judged together with what the episode's screening recorded."""
    from rugpad.web.care import actions as care_actions

    care_actions.do_save_screening(as_user(world.clinician), world.episode, ["history_of_cancer"], notes="")
    client_for(world.patient_user).post(reverse("portal_diary"), diary_post(alarms=["limb_weaker"]))
    entry = DiaryEntry.objects.get()
    assert entry.alarm_urgency == "emergency"
    assert entry.alarm_flags[0] == "rf.malignancy_cord_compression"
    diary_flags = RedFlag.objects.filter(origin="diary").values_list("rule_id", flat=True)
    assert "rf.malignancy_cord_compression" in diary_flags
    assert "rf.malignancy_history" not in diary_flags, "what the records alone raise is not a diary report"


def test_a_belgian_practice_gives_the_belgian_out_of_hours_number(world: World) -> None:
    world.practice.country = "be"
    world.practice.save()
    response = client_for(world.patient_user).post(
        reverse("portal_diary"), diary_post(alarms=["limb_weaker"]), follow=True
    )
    assert "1733" in response.content.decode()


def test_an_unknown_alarm_answer_is_refused(world: World) -> None:
    response = client_for(world.patient_user).post(reverse("portal_diary"), diary_post(alarms=["made_up"]))
    assert "alarms" in response.context["form"].errors
    assert not DiaryEntry.objects.exists()


def test_a_repeated_alarm_keeps_one_open_red_flag(world: World) -> None:
    client = client_for(world.patient_user)
    client.post(reverse("portal_diary"), diary_post(alarms=["bladder"]))
    client.post(reverse("portal_diary"), diary_post(alarms=["bladder"]))
    assert RedFlag.objects.count() == 1


def _without_open_episode(world: World) -> None:
    world.episode.status = EpisodeStatus.CLOSED
    world.episode.save(update_fields=["status"])


def test_without_an_open_episode_an_alarm_still_reaches_the_dashboard(world: World) -> None:
    _without_open_episode(world)
    client_for(world.patient_user).post(reverse("portal_diary"), diary_post(alarms=["bladder"]))
    alert = Alert.objects.get()
    assert (alert.kind, alert.rule_id, alert.urgency, alert.patient) == (
        "alarm",
        "rf.cauda_equina",
        "emergency",
        world.patient,
    )
    assert not RedFlag.objects.exists()
    dashboard = client_for(world.clinician).get(reverse("home")).content.decode()
    assert "portal-alerts" in dashboard and str(world.patient) in dashboard


def test_acknowledging_logs_who_and_when_sends_the_note_and_clears_the_dashboard(world: World) -> None:
    _without_open_episode(world)
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
    _without_open_episode(world)
    client_for(world.patient_user).post(reverse("portal_diary"), diary_post(alarms=["bladder"]))
    alert = Alert.objects.get()
    client_for(world.clinician).post(reverse("portal_acknowledge", args=[alert.pk]), {"message": "Ik bel u."})
    first = Alert.objects.get().acknowledged_at
    client_for(world.clinician).post(reverse("portal_acknowledge", args=[alert.pk]), {"message": "Nog eens."})
    assert Alert.objects.get().acknowledged_at == first


def test_a_clinician_of_another_practice_cannot_acknowledge(world: World) -> None:
    _without_open_episode(world)
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
    assert "Pijn stijgt" in dashboard and "Praktijkinstelling voor trends in het dagboek" in dashboard  # its source
    assert "portal-trend-setting" not in dashboard  # never the raw source id


def test_exercises_skipped_on_three_days_raises_a_trend_alert(world: World) -> None:
    client = client_for(world.patient_user)
    today = timezone.localdate()
    for days_ago in (1, 2, 3):
        client.post(
            reverse("portal_diary"),
            diary_post(exercises="no", day=(today - dt.timedelta(days=days_ago)).isoformat()),
        )
    assert Alert.objects.get().rule_id == "trend.exercises_skipped"
