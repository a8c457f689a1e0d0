"""The diary: validation naming the field, the edit window and lock, history kept as versions."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from rugpad import engine
from rugpad.web.audit.models import AuditEvent
from rugpad.web.portal.models import Alert, DiaryEntry
from tests.web.conftest import World, client_for
from tests.web.portal.helpers import diary_post


def test_the_diary_is_one_screen_with_every_alarm_question(world: World) -> None:
    response = client_for(world.patient_user).get(reverse("portal_diary"))
    assert response.status_code == 200
    body = response.content.decode()
    asked = engine.alarm_questions("low_back")
    assert body.count('name="alarms"') == len(asked) >= 10  # one sign per question (facts §2.1a)
    assert 'name="pain_now"' in body and 'name="minutes_walked"' in body


def test_a_valid_entry_is_saved_audited_and_shown(world: World) -> None:
    client = client_for(world.patient_user)
    response = client.post(reverse("portal_diary"), diary_post())
    entry = DiaryEntry.objects.get(patient=world.patient)
    assert response.status_code == 302 and response["Location"] == reverse("portal_entry", args=[entry.pk])
    assert (entry.pain_now, entry.exercises, entry.minutes_walked, entry.version, entry.current) == (
        4,
        "yes",
        30,
        1,
        True,
    )
    assert entry.episode == world.episode and entry.alarm_urgency == "none"
    assert AuditEvent.objects.filter(object_type="diaryentry", object_id=str(entry.pk), action="create").exists()
    assert not Alert.objects.exists()


def test_bad_values_are_refused_naming_each_field_and_nothing_is_saved(world: World) -> None:
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client_for(world.patient_user).post(
        reverse("portal_diary"),
        diary_post(pain_now="11", minutes_walked="-5", sleep_quality="x", exercises="maybe", day=tomorrow),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"pain_now", "minutes_walked", "sleep_quality", "exercises", "day"}
    assert not DiaryEntry.objects.exists()


def test_pain_now_is_required(world: World) -> None:
    response = client_for(world.patient_user).post(reverse("portal_diary"), diary_post(pain_now=None))
    assert "pain_now" in response.context["form"].errors
    assert not DiaryEntry.objects.exists()


def test_an_edit_within_the_window_adds_a_version_and_keeps_the_old_one(world: World) -> None:
    client = client_for(world.patient_user)
    client.post(reverse("portal_diary"), diary_post(pain_now="4"))
    first = DiaryEntry.objects.get()
    response = client.post(reverse("portal_diary_edit", args=[first.pk]), diary_post(pain_now="6", note="later"))
    second = DiaryEntry.objects.get(current=True)
    assert response["Location"] == reverse("portal_entry", args=[second.pk])
    first.refresh_from_db()
    assert (first.pain_now, first.current, first.version) == (4, False, 1)
    assert (second.pain_now, second.note, second.version, second.original) == (6, "later", 2, first)
    assert second.opened_at == first.opened_at  # the window runs from the first version, not from each edit
    page = client.get(reverse("portal_entry", args=[second.pk])).content.decode()
    assert "Versie 1" in page and "Versie 2" in page


def test_after_the_window_the_entry_is_locked(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PORTAL_DIARY_EDIT_HOURS = 24
    client = client_for(world.patient_user)
    client.post(reverse("portal_diary"), diary_post())
    entry = DiaryEntry.objects.get()
    DiaryEntry.objects.filter(pk=entry.pk).update(opened_at=timezone.now() - dt.timedelta(hours=25))
    response = client.post(reverse("portal_diary_edit", args=[entry.pk]), diary_post(pain_now="9"))
    assert response.status_code == 302 and response["Location"] == reverse("portal_entry", args=[entry.pk])
    assert DiaryEntry.objects.count() == 1 and DiaryEntry.objects.get().pain_now == 4
    assert "portal_diary_edit" not in client.get(reverse("portal_entry", args=[entry.pk])).content.decode()


def test_an_old_version_cannot_be_edited(world: World) -> None:
    client = client_for(world.patient_user)
    client.post(reverse("portal_diary"), diary_post())
    first = DiaryEntry.objects.get()
    client.post(reverse("portal_diary_edit", args=[first.pk]), diary_post(pain_now="5"))
    client.post(reverse("portal_diary_edit", args=[first.pk]), diary_post(pain_now="8"))
    assert sorted(DiaryEntry.objects.values_list("pain_now", flat=True)) == [4, 5]


def test_a_clinician_reads_the_diary_but_cannot_write_in_it(world: World) -> None:
    client_for(world.patient_user).post(reverse("portal_diary"), diary_post())
    entry = DiaryEntry.objects.get()
    clinician = client_for(world.clinician)
    assert clinician.get(reverse("portal_patient_diary", args=[world.patient.pk])).status_code == 200
    assert clinician.get(reverse("portal_entry", args=[entry.pk])).status_code == 200
    assert clinician.post(reverse("portal_diary_edit", args=[entry.pk]), diary_post(pain_now="9")).status_code == 404
    assert clinician.post(reverse("portal_diary"), diary_post()).status_code == 404
    assert DiaryEntry.objects.count() == 1
