"""Reminders: the patient chooses which and when; each kind is sent at most once a day, only with something to do,
never while a red flag is open or once the episode is closed; e-mail and Web Push say only that there is something
in rugpad; the clinician sees who was reminded and who responded."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from rugpad.core.vocab import Lang
from rugpad.web.audit.models import AuditEvent
from rugpad.web.care import actions
from rugpad.web.care.models import EpisodeStatus, InstrumentResponse, ResponseStatus
from rugpad.web.demo import SB_LOW, as_user
from rugpad.web.jobs import scheduling
from rugpad.web.jobs.models import Delivery, PushSubscription, Reminder, ReminderSettings
from rugpad.web.jobs.tasks import send_reminders
from rugpad.web.plans import actions as plan_actions
from rugpad.web.plans import clinical as plan_clinical
from rugpad.web.plans.access import newest_plan
from rugpad.web.plans.queries import views_of
from tests.web.conftest import TODAY, World, client_for

PUSH_KEYS = {
    "RUGPAD_VAPID_PUBLIC_KEY": (
        "BOkJmlmE9gdzrP13BEMh84THrqKqFqxXSqJWyTCcDGVkhYpjqwEwdBajCFUzBo2llDj6D3e-4ZrxZadPV1fZdig"
    ),
    "RUGPAD_VAPID_PRIVATE_KEY": "e0xOVegO_tWaDqEjirm6jXTn9MtcOM4kqROzc4gV-KM",
    "RUGPAD_VAPID_SUBJECT": "mailto:praktijk@example.nl",
}
ENDPOINT = "https://fcm.googleapis.com/fcm/send/abc123"
CLINICAL_WORDS = ("oefening", "exercise", "vragenlijst", "questionnaire", "odi", "nprs", "bridge", "brug", "pain")


@pytest.fixture
def planned(world: World) -> World:
    """Patient A (with an e-mail address) on a two-exercise plan, screened without findings."""
    actions.do_record_response(as_user(world.clinician), world.episode, "startback", SB_LOW)
    library = plan_clinical.exercise_library()
    specs = [plan_clinical.clinician_exercise(library[e], "allowed") for e in ("bridge", "cat-camel")]
    plan_actions.do_save_version(as_user(world.clinician), world.episode, specs, change="test plan")
    world.patient_user.email = "pat@example.org"
    world.patient_user.save()
    return world


def _views(world: World) -> list[Any]:
    plan = newest_plan(world.patient)
    version = plan.current() if plan is not None else None
    assert version is not None
    return views_of(version.ordered_items(), Lang.NL, svg=False)


def training_day(world: World) -> dt.date:
    """The first day from the episode's start on which the plan has an exercise."""
    days = {d for v in _views(world) if v.exercise for d in v.days}
    return next(TODAY + dt.timedelta(days=n) for n in range(7) if (TODAY + dt.timedelta(days=n)).weekday() in days)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def choose(world: World, *, exercises: bool = True, questionnaires: bool = False, time: str = "18:00") -> None:
    response = client_for(world.patient_user).post(
        reverse("jobs_reminders"),
        {"exercises": "on" if exercises else "", "questionnaires": "on" if questionnaires else "", "at": time},
    )
    assert response.status_code == 302


def mails_to(address: str) -> list[Any]:
    return [m for m in mail.outbox if address in m.to]


# --- when a reminder goes out -------------------------------------------------------------------------------------


def test_an_exercise_reminder_goes_out_once_a_day_even_when_the_job_runs_twice(planned: World) -> None:
    day = training_day(planned)
    choose(planned)
    first = scheduling.send_reminders(at(day, 18, 5))
    second = scheduling.send_reminders(at(day, 18, 10))
    assert [r.kind for r in first] == ["exercises"] and second == []
    assert Reminder.objects.filter(patient=planned.patient, day=day).count() == 1
    assert len(mails_to("pat@example.org")) == 1
    # the next training day reminds again
    next_day = next(
        day + dt.timedelta(days=n) for n in range(1, 8) if training_day_is(planned, day + dt.timedelta(days=n))
    )
    assert len(scheduling.send_reminders(at(next_day, 18, 5))) == 1


def training_day_is(world: World, day: dt.date) -> bool:
    return any(v.exercise and day.weekday() in v.days for v in _views(world))


def test_the_periodic_task_itself_sends_once(planned: World, monkeypatch: pytest.MonkeyPatch) -> None:
    day = training_day(planned)
    choose(planned)
    monkeypatch.setattr(timezone, "now", lambda: at(day, 18, 5))
    send_reminders.call_local()
    send_reminders()  # through the queue (immediate in the tests)
    assert len(mails_to("pat@example.org")) == 1
    assert Delivery.objects.filter(key__startswith=f"reminder:exercises:patient:{planned.patient.pk}:").count() == 1


def test_the_chosen_time_is_kept(planned: World) -> None:
    day = training_day(planned)
    choose(planned, time="09:30")
    assert scheduling.send_reminders(at(day, 9, 25)) == []
    assert scheduling.send_reminders(at(day, 13, 0)) == []  # more than three hours late: not today any more
    assert len(scheduling.send_reminders(at(day, 9, 30))) == 1


def test_switching_a_reminder_on_late_in_the_evening_does_not_remind_of_the_morning(planned: World) -> None:
    day = training_day(planned)
    choose(planned, time="07:00")
    assert scheduling.send_reminders(at(day, 21, 0)) == []
    assert not mail.outbox


def test_the_off_switch_stops_reminders(planned: World) -> None:
    day = training_day(planned)
    choose(planned, exercises=False, questionnaires=False)
    assert scheduling.send_reminders(at(day, 18, 5)) == []
    assert not mail.outbox


def test_no_reminder_when_the_exercises_are_already_done_today(planned: World) -> None:
    day = training_day(planned)
    choose(planned)
    plan = newest_plan(planned.patient)
    assert plan is not None
    entry = {"key": uuid.uuid4(), "session_key": uuid.uuid4(), "exercise_id": "bridge", "sets_done": 2}
    plan_actions.do_log_entry(as_user(planned.patient_user), planned.patient, plan, entry | {"done_at": at(day, 8)})
    assert scheduling.send_reminders(at(day, 18, 5)) == []


def kinds_today(world: World, day: dt.date) -> list[str]:
    settings = ReminderSettings.objects.get(user=world.patient_user)
    return scheduling.reminders_for(world.patient, settings, day)


def test_no_reminder_for_a_closed_episode(planned: World) -> None:
    day = training_day(planned)
    choose(planned, questionnaires=True)
    actions.do_request_response(as_user(planned.clinician), planned.episode, "nprs")
    assert kinds_today(planned, day) == ["exercises", "questionnaires"]  # before: both would go out
    planned.episode.status = EpisodeStatus.CLOSED
    planned.episode.save()
    assert scheduling.send_reminders(at(day, 18, 5)) == []
    assert not mail.outbox and not Reminder.objects.exists()


def test_no_reminder_while_a_red_flag_is_open(planned: World) -> None:
    day = training_day(planned)
    choose(planned, questionnaires=True)
    actions.do_request_response(as_user(planned.clinician), planned.episode, "nprs")
    assert kinds_today(planned, day) == ["exercises", "questionnaires"]  # before: both would go out
    actions.do_save_screening(as_user(planned.clinician), planned.episode, ["saddle_anaesthesia"], notes="")
    assert scheduling.send_reminders(at(day, 18, 5)) == []
    assert not mail.outbox and not Reminder.objects.exists()


def test_a_questionnaire_reminder_only_while_one_is_waiting(planned: World) -> None:
    day = training_day(planned)
    choose(planned, exercises=False, questionnaires=True)
    assert scheduling.send_reminders(at(day, 18, 5)) == []
    actions.do_request_response(as_user(planned.clinician), planned.episode, "nprs")
    sent = scheduling.send_reminders(at(day, 18, 10))
    assert [r.kind for r in sent] == ["questionnaires"]


def test_the_text_says_nothing_clinical_and_speaks_the_patients_language(planned: World) -> None:
    planned.patient_user.preferred_language = "en"
    planned.patient_user.save()
    day = training_day(planned)
    choose(planned, questionnaires=True)
    actions.do_request_response(as_user(planned.clinician), planned.episode, "odi")
    scheduling.send_reminders(at(day, 18, 5))
    assert len(mail.outbox) == 2  # one per kind
    for message in mail.outbox:
        assert message.subject == "There is something for you in rugpad"
        text = f"{message.subject} {message.body}".lower()
        assert not any(word in text for word in CLINICAL_WORDS), text


def test_dutch_by_default(planned: World) -> None:
    day = training_day(planned)
    choose(planned)
    scheduling.send_reminders(at(day, 18, 5))
    assert mail.outbox[0].subject == "Er staat iets voor u klaar in rugpad"


def test_a_failing_mail_server_leaves_the_reminder_for_the_next_run(
    planned: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    day = training_day(planned)
    choose(planned)

    def broken(*args: object, **kwargs: object) -> int:
        raise OSError("mail server down")

    monkeypatch.setattr("rugpad.web.jobs.delivery.send_mail", broken)
    assert scheduling.send_reminders(at(day, 18, 5)) == []
    assert not Reminder.objects.exists()
    monkeypatch.undo()
    assert len(scheduling.send_reminders(at(day, 18, 10))) == 1
    assert len(mail.outbox) == 1


def test_a_reminder_that_reaches_nobody_is_recorded_as_such(planned: World) -> None:
    planned.patient_user.email = ""
    planned.patient_user.save()
    day = training_day(planned)
    choose(planned)
    [reminder] = scheduling.send_reminders(at(day, 18, 5))
    assert not reminder.by_email and not reminder.by_push
    page = client_for(planned.clinician).get(reverse("jobs_sent_reminders")).content.decode()
    assert "Niet bezorgd: geen e-mailadres en geen telefoon" in page


def test_every_reminder_is_audited(planned: World) -> None:
    day = training_day(planned)
    choose(planned)
    [reminder] = scheduling.send_reminders(at(day, 18, 5))
    event = AuditEvent.objects.get(object_type="reminder", object_id=str(reminder.pk))
    assert event.patient_id == planned.patient.pk and event.summary == "exercises reminder: e-mail"
    assert event.practice_id == planned.practice.pk


# --- Web Push -----------------------------------------------------------------------------------------------------


class FakePush:
    def __init__(self, status: int | None = None) -> None:
        self.calls: list[dict[str, Any]] = []
        self.status = status

    def __call__(self, **kwargs: Any) -> None:
        self.calls.append(kwargs)
        if self.status is not None:
            from pywebpush import WebPushException  # type: ignore[import-untyped]

            class Answer:
                status_code = self.status

            raise WebPushException("push failed", response=Answer())


def subscribe(world: World, endpoint: str = ENDPOINT) -> Any:
    return client_for(world.patient_user).post(
        reverse("jobs_push_subscription"),
        json.dumps(
            {
                "endpoint": endpoint,
                "keys": {"p256dh": "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQ", "auth": "tBHItJI5svbpez7KI4CCXg"},
            }
        ),
        content_type="application/json",
    )


@override_settings(**PUSH_KEYS)
def test_a_subscribed_phone_gets_one_plain_push(planned: World, monkeypatch: pytest.MonkeyPatch) -> None:
    push = FakePush()
    monkeypatch.setattr("pywebpush.webpush", push)
    assert subscribe(planned).status_code == 201
    assert subscribe(planned).status_code == 200  # the same phone again: kept once
    day = training_day(planned)
    choose(planned)
    [reminder] = scheduling.send_reminders(at(day, 18, 5))
    scheduling.send_reminders(at(day, 18, 10))
    assert reminder.by_push and reminder.by_email and len(push.calls) == 1
    call = push.calls[0]
    assert call["subscription_info"]["endpoint"] == ENDPOINT
    assert call["vapid_claims"] == {"sub": "mailto:praktijk@example.nl"}
    assert json.loads(call["data"]) == {
        "title": "rugpad",
        "body": "Er staat iets voor u klaar in rugpad. Log in op rugpad om het te bekijken.",
    }


@override_settings(**PUSH_KEYS)
def test_a_phone_the_push_service_forgot_is_forgotten(planned: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pywebpush.webpush", FakePush(status=410))
    subscribe(planned)
    day = training_day(planned)
    choose(planned)
    [reminder] = scheduling.send_reminders(at(day, 18, 5))
    assert reminder.by_email and not reminder.by_push
    assert not PushSubscription.objects.exists()


def test_push_is_off_without_the_keys(planned: World, monkeypatch: pytest.MonkeyPatch) -> None:
    push = FakePush()
    monkeypatch.setattr("pywebpush.webpush", push)
    PushSubscription.objects.create(user=planned.patient_user, endpoint=ENDPOINT, p256dh="x", auth="y")
    assert subscribe(planned).status_code == 404
    page = client_for(planned.patient_user).get(reverse("jobs_reminders")).content.decode()
    assert 'id="push"' not in page and "reminders.js" not in page
    day = training_day(planned)
    choose(planned)
    [reminder] = scheduling.send_reminders(at(day, 18, 5))
    assert reminder.by_email and not reminder.by_push and push.calls == []


@override_settings(**PUSH_KEYS)
@pytest.mark.parametrize(
    "endpoint",
    [
        "http://fcm.googleapis.com/x",
        "https://127.0.0.1/x",
        "https://intranet.local/x",
        "https://evilfcm.googleapis.com.example/x",
        "https://fcm.googleapis.com:8443/x",
        "not a url",
    ],
)
def test_a_subscription_to_anything_but_a_push_service_is_refused(planned: World, endpoint: str) -> None:
    response = subscribe(planned, endpoint)
    assert response.status_code == 400 and "endpoint" in response.json()["errors"]
    assert not PushSubscription.objects.exists()


@override_settings(**PUSH_KEYS)
def test_bad_keys_and_bad_json_are_refused_naming_the_field(planned: World) -> None:
    client = client_for(planned.patient_user)
    url = reverse("jobs_push_subscription")
    bad = client.post(
        url,
        json.dumps({"endpoint": ENDPOINT, "keys": {"p256dh": "<script>", "auth": ""}}),
        content_type="application/json",
    )
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"p256dh", "auth"}
    assert client.post(url, "{not json", content_type="application/json").status_code == 400


@override_settings(**PUSH_KEYS)
def test_unsubscribing_forgets_the_phone(planned: World) -> None:
    subscribe(planned)
    response = client_for(planned.patient_user).post(
        reverse("jobs_push_subscription"),
        json.dumps({"endpoint": ENDPOINT, "unsubscribe": True}),
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json() == {"subscribed": False, "removed": True}
    assert not PushSubscription.objects.exists()


# --- the patient's settings page ----------------------------------------------------------------------------------


def test_the_settings_page_saves_the_choice_and_shows_it_again(planned: World) -> None:
    client = client_for(planned.patient_user)
    assert 'value="18:00" selected' in client.get(reverse("jobs_reminders")).content.decode()
    choose(planned, exercises=False, questionnaires=True, time="08:30")
    settings = ReminderSettings.objects.get(user=planned.patient_user)
    assert (settings.exercises, settings.questionnaires, settings.at) == (False, True, dt.time(8, 30))
    page = client.get(reverse("jobs_reminders")).content.decode()
    assert 'value="08:30" selected' in page and "Herinneringen" in page
    event = AuditEvent.objects.filter(object_type="remindersettings").latest("id")
    assert event.summary == "reminders: questionnaires at 08:30" and event.patient_id == planned.patient.pk


def test_a_time_off_the_list_is_refused_at_its_field(planned: World) -> None:
    response = client_for(planned.patient_user).post(reverse("jobs_reminders"), {"exercises": "on", "at": "03:17"})
    assert response.status_code == 400 and "at" in response.context["form"].errors
    assert not ReminderSettings.objects.exists()


# --- what the clinician sees --------------------------------------------------------------------------------------


def test_the_clinician_sees_who_was_reminded_and_who_responded(planned: World) -> None:
    day = training_day(planned)
    choose(planned, questionnaires=True)
    requested = actions.do_request_response(as_user(planned.clinician), planned.episode, "nprs")
    scheduling.send_reminders(at(day, 18, 5))
    page = client_for(planned.clinician).get(reverse("jobs_sent_reminders")).content.decode()
    assert page.count("Nog niet") == 2 and "Pat Ienta" in page and "Oefeningen van vandaag" in page
    assert "Pat Ientb" not in page

    plan = newest_plan(planned.patient)
    assert plan is not None
    entry = {"key": uuid.uuid4(), "session_key": uuid.uuid4(), "exercise_id": "bridge", "sets_done": 2}
    plan_actions.do_log_entry(as_user(planned.patient_user), planned.patient, plan, entry | {"done_at": at(day, 19)})
    page = client_for(planned.clinician).get(reverse("jobs_sent_reminders")).content.decode()
    assert page.count("Nog niet") == 1  # the exercises were done after the reminder; the questionnaire waits

    InstrumentResponse.objects.filter(pk=requested.pk).update(status=ResponseStatus.COMPLETED, completed_at=at(day, 20))
    page = client_for(planned.clinician).get(reverse("jobs_sent_reminders")).content.decode()
    assert "Nog niet" not in page
    assert AuditEvent.objects.filter(action="list", summary="reminders sent: 1 patients").exists()


def test_the_other_practice_sees_none_of_it(planned: World) -> None:
    day = training_day(planned)
    choose(planned)
    scheduling.send_reminders(at(day, 18, 5))
    page = client_for(planned.other_clinician).get(reverse("jobs_sent_reminders")).content.decode()
    assert "Pat Ienta" not in page and "Er zijn nog geen herinneringen verstuurd." in page


def test_the_patient_reminders_tag_shows_only_to_the_practices_clinicians(planned: World) -> None:
    from django.template import Context, Template

    day = training_day(planned)
    choose(planned)
    scheduling.send_reminders(at(day, 18, 5))
    template = Template("{% load jobs_tags %}{% patient_reminders patient %}")
    own = template.render(Context({"user": planned.clinician, "patient": planned.patient}))
    other = template.render(Context({"user": planned.other_clinician, "patient": planned.patient}))
    mine = template.render(Context({"user": planned.patient_user, "patient": planned.patient}))
    assert "Oefeningen van vandaag" in own and "Nog niet" in own
    assert other.strip() == "" and mine.strip() == ""


def test_the_reminders_link_tells_the_patient_their_setting(planned: World) -> None:
    from django.template import Context, Template

    template = Template("{% load jobs_tags %}{% reminders_link %}")
    assert "Herinneringen: uit" in template.render(Context({"user": planned.patient_user}))
    choose(planned, time="07:30")
    assert "Herinneringen: aan, om 07:30" in template.render(Context({"user": planned.patient_user}))
    assert template.render(Context({"user": planned.clinician})).strip() == ""
