"""Two-way messages per episode: the patient writes, the clinicians who treat the episode read and answer; read
status per side; a notice without content, once; alarm words show the patient the instructions and raise nothing;
a closed episode is read-only; every read and write is audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.html import escape

from rugpad import engine
from rugpad.core.vocab import Lang
from rugpad.web.audit.models import AuditEvent
from rugpad.web.care.models import EpisodeStatus, RedFlag
from rugpad.web.demo import as_user
from rugpad.web.jobs.models import Delivery
from rugpad.web.portal import actions, queries, tasks
from rugpad.web.portal.models import Alert, AlertKind, Message
from tests.web.conftest import World, client_for

NOTICE = "You have a new message in rugpad."
NOTICE_NL = "U hebt een nieuw bericht in rugpad."


@pytest.fixture
def mailboxes(world: World) -> World:
    for user, address in ((world.patient_user, "pat@example.org"), (world.clinician, "clin@example.org")):
        user.email = address
        user.save()
    world.patient.clinician = world.clinician
    world.patient.save()
    return world


def thread_url(world: World) -> str:
    return reverse("portal_thread", args=[world.episode.pk])


def send(client: Any, url: str, body: str, capture: Any) -> Any:
    with capture(execute=True):
        return client.post(url, {"body": body})


def test_patient_sends_clinician_sees_unread_reads_and_the_patient_sees_it_read(
    mailboxes: World, django_capture_on_commit_callbacks: Any
) -> None:
    world = mailboxes
    patient, clinician = client_for(world.patient_user), client_for(world.clinician)
    response = send(
        patient, thread_url(world), "Mag ik de oefening met de bal overslaan?", django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    message = Message.objects.get()
    assert (message.episode, message.from_patient, message.author, message.read_at) == (
        world.episode,
        True,
        world.patient_user,
        None,
    )
    # the clinician hears of it without its content, once
    assert [m.to for m in mail.outbox] == [["clin@example.org"]]
    assert "oefening" not in mail.outbox[0].body and "oefening" not in mail.outbox[0].subject
    assert NOTICE_NL in mail.outbox[0].body
    assert Delivery.objects.filter(key=f"message:{message.pk}:to:{world.clinician.pk}").exists()

    # unread on the dashboard and on the episode page
    dashboard = clinician.get(reverse("home")).content.decode()
    assert 'id="new-messages"' in dashboard and "1 nieuw bericht" in dashboard and thread_url(world) in dashboard
    episode_page = clinician.get(reverse("episode_detail", args=[world.episode.pk])).content.decode()
    assert "1 nieuw bericht" in episode_page and thread_url(world) in episode_page
    assert queries.unread_in_episode(world.episode) == 1

    # the patient's own view does not mark their own message read
    own = patient.get(thread_url(world)).content.decode()
    assert "Mag ik de oefening" in own and "Nog niet gelezen" in own
    message.refresh_from_db()
    assert message.read_at is None

    # the clinician reads the thread: read by them, gone from the counts
    page = clinician.get(thread_url(world)).content.decode()
    assert "Mag ik de oefening met de bal overslaan?" in page
    message.refresh_from_db()
    assert message.read_at is not None and message.read_by == world.clinician
    assert 'id="new-messages"' not in clinician.get(reverse("home")).content.decode()
    assert queries.unread_in_episode(world.episode) == 0
    assert "Gelezen" in patient.get(thread_url(world)).content.decode()


def test_clinician_answers_patient_is_notified_once_without_content_and_reads(
    mailboxes: World, django_capture_on_commit_callbacks: Any
) -> None:
    world = mailboxes
    world.patient_user.preferred_language = "en"
    world.patient_user.save()
    patient, clinician = client_for(world.patient_user), client_for(world.clinician)
    send(clinician, thread_url(world), "Ja, sla die maar een week over.", django_capture_on_commit_callbacks)
    answer = Message.objects.get()
    assert not answer.from_patient and answer.author == world.clinician
    assert len(mail.outbox) == 1
    notice = mail.outbox[0]
    assert notice.to == ["pat@example.org"] and notice.body.strip() == NOTICE  # the patient's own language
    assert "sla" not in notice.body.lower() and "week" not in notice.subject.lower()

    # a retried or doubled task sends nothing again
    assert tasks.send_message_notices(answer.pk) == 0
    tasks.notify_new_message(answer.pk)
    assert len(mail.outbox) == 1

    home = patient.get(reverse("patient_home")).content.decode()
    assert "1 nieuw bericht" in home and reverse("portal_messages") in home
    assert patient.get(reverse("portal_messages")).headers["Location"] == thread_url(world)
    page = patient.get(thread_url(world)).content.decode()
    assert "Ja, sla die maar een week over." in page
    answer.refresh_from_db()
    assert answer.read_by == world.patient_user and answer.read_at is not None
    assert "nieuw bericht" not in patient.get(reverse("patient_home")).content.decode()
    assert "Gelezen" in clinician.get(thread_url(world)).content.decode()


def test_alarm_words_show_the_instructions_at_once_and_raise_no_red_flag(
    mailboxes: World, django_capture_on_commit_callbacks: Any
) -> None:
    world = mailboxes
    patient = client_for(world.patient_user)
    flags_before = RedFlag.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = patient.post(thread_url(world), {"body": "Sinds vanochtend kan ik niet meer plassen."}, follow=True)
    message = Message.objects.get()
    assert message.alarm_terms == ["bladder"]
    assert response.redirect_chain[-1][0].endswith("#contact-now")
    page = response.content.decode()
    module = engine.education_library()["when-to-contact-now"]
    assert 'id="contact-now"' in page and escape(module.title.get(Lang.NL)) in page
    assert "Wacht niet op een antwoord" in page
    assert RedFlag.objects.count() == flags_before, "free text is never triaged"
    assert not Alert.objects.exists()
    assert message.episode is not None and message.episode.status == EpisodeStatus.OPEN
    # the clinician sees it marked, the audit trail says it was not triaged
    clinician_page = client_for(world.clinician).get(thread_url(world)).content.decode()
    assert "mogelijk alarmsignaal" in clinician_page
    event = AuditEvent.objects.get(object_type="message", object_id=str(message.pk), action="create")
    assert "not triaged" in event.summary
    # an ordinary message shows no instructions
    with django_capture_on_commit_callbacks(execute=True):
        calm = patient.post(thread_url(world), {"body": "Het gaat weer beter, dank u."}, follow=True)
    assert 'id="contact-now"' not in calm.content.decode()
    assert Message.objects.latest("id").alarm_terms == []


def test_a_closed_episode_shows_its_thread_but_refuses_a_new_message(
    mailboxes: World, django_capture_on_commit_callbacks: Any
) -> None:
    world = mailboxes
    send(client_for(world.clinician), thread_url(world), "Tot ziens!", django_capture_on_commit_callbacks)
    world.episode.status = EpisodeStatus.CLOSED
    world.episode.save()
    for user in (world.patient_user, world.clinician):
        client = client_for(user)
        page = client.get(thread_url(world)).content.decode()
        assert "Tot ziens!" in page and 'id="message-form"' not in page and 'id="thread-closed"' in page
        with django_capture_on_commit_callbacks(execute=True):
            refused = client.post(thread_url(world), {"body": "Nog een vraag"})
        assert refused.status_code == 409
        assert (
            "no new message can be sent" in refused.content.decode() or "geen nieuw bericht" in refused.content.decode()
        )
    assert Message.objects.count() == 1
    assert len(mail.outbox) == 1  # only the first message's notice


def test_an_empty_or_too_long_message_is_refused_naming_the_field(world: World) -> None:
    client = client_for(world.patient_user)
    empty = client.post(thread_url(world), {"body": "   "}).content.decode()
    assert "Schrijf een bericht" in empty and "Uw bericht" in empty
    long = client.post(thread_url(world), {"body": "a" * 2001}).content.decode()
    assert "Uw bericht" in long and 'class="errorlist"' in long
    assert not Message.objects.exists()


@pytest.mark.parametrize("who", ["other_clinician", "other_patient_user", "admin"])
def test_nobody_outside_the_episode_reads_or_writes_its_thread(world: World, who: str) -> None:
    actions.do_send_message(as_user(world.clinician), world.episode, "Alleen voor Pat")
    client = client_for(getattr(world, who))
    assert client.get(thread_url(world)).status_code == 404
    assert client.post(thread_url(world), {"body": "ingebroken"}).status_code == 404
    assert Message.objects.count() == 1 and Message.objects.get().read_at is None


def test_anonymous_visitors_are_sent_to_log_in(world: World) -> None:
    response = client_for(None).get(thread_url(world))
    assert response.status_code == 302 and "login" in response.headers["Location"]
    assert client_for(world.admin).get(reverse("portal_messages")).status_code == 404
    assert client_for(world.clinician).get(reverse("portal_messages")).status_code == 404


def test_another_practices_unread_messages_stay_off_the_dashboard(world: World) -> None:
    actions.do_send_message(as_user(world.other_patient_user), world.other_episode, "Vraag in praktijk B")
    assert queries.unread_threads(world.clinician) == {"total": 0}
    assert queries.unread_threads(world.other_clinician)["total"] == 1
    assert 'id="new-messages"' not in client_for(world.clinician).get(reverse("home")).content.decode()


def test_reads_and_writes_are_audited(mailboxes: World, django_capture_on_commit_callbacks: Any) -> None:
    world = mailboxes
    before = AuditEvent.objects.count()
    send(client_for(world.patient_user), thread_url(world), "Een vraag", django_capture_on_commit_callbacks)
    message = Message.objects.get()
    client_for(world.clinician).get(thread_url(world))
    events = list(AuditEvent.objects.order_by("id")[before:])
    kinds = [(e.action, e.object_type, e.actor_id) for e in events]
    assert ("create", "message", world.patient_user.pk) in kinds
    assert ("export", "message", None) in kinds  # the notice, sent by the job queue
    assert ("update", "episode", world.clinician.pk) in kinds  # "1 messages read"
    assert ("view", "episode", world.clinician.pk) in kinds
    assert all(e.patient_id == world.patient.pk for e in events if e.object_type in ("message", "episode"))
    notice = next(e for e in events if e.action == "export")
    assert notice.object_id == str(message.pk) and "no content" in notice.summary


def test_the_alert_acknowledgement_note_is_a_message_of_the_thread(
    mailboxes: World, django_capture_on_commit_callbacks: Any
) -> None:
    world = mailboxes
    alert = Alert.objects.create(
        patient=world.patient, kind=AlertKind.TREND, rule_id="trend.pain_rising", urgency="none"
    )
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world.clinician).post(
            reverse("portal_acknowledge", args=[alert.pk]), {"message": "Rustig aan deze week."}
        )
    note = Message.objects.get()
    assert (note.alert, note.episode, note.from_patient) == (alert, world.episode, False)
    assert [m.to for m in mail.outbox] == [["pat@example.org"]]
    page = client_for(world.patient_user).get(thread_url(world)).content.decode()
    assert "Rustig aan deze week." in page
    assert "Rustig aan deze week." in client_for(world.patient_user).get(reverse("patient_home")).content.decode()


def test_the_thread_shows_the_newest_fifty_and_pages_to_older_ones(world: World) -> None:
    request = as_user(world.clinician)
    for n in range(queries.THREAD_PAGE + 5):
        actions.do_send_message(request, world.episode, f"bericht nummer {n:03d}")
    client = client_for(world.patient_user)
    page = client.get(thread_url(world)).content.decode()
    assert "bericht nummer 054" in page and "bericht nummer 005" in page and "bericht nummer 004" not in page
    oldest_shown = Message.objects.get(body="bericht nummer 005")
    assert f"?before={oldest_shown.pk}" in page
    older = client.get(thread_url(world) + f"?before={oldest_shown.pk}").content.decode()
    assert "bericht nummer 004" in older and "bericht nummer 000" in older and "bericht nummer 005" not in older
    assert 'id="message-form"' not in older


def test_notices_go_to_the_clinicians_who_treat_the_episode(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    """No clinician assigned: the one who opened the episode hears of it, and anybody who answered in the thread;
    an inactive account hears nothing."""
    from rugpad.web.practice.models import Role, User

    colleague = User.objects.create_user(
        "colleague", password="pw-123456789", practice=world.practice, role=Role.CLINICIAN, email="col@example.org"
    )
    gone = User.objects.create_user(
        "gone", password="pw-123456789", practice=world.practice, role=Role.CLINICIAN, email="gone@example.org"
    )
    world.clinician.email = "clin@example.org"
    world.clinician.save()
    actions.do_send_message(as_user(colleague), world.episode, "Ik neem het over.")
    actions.do_send_message(as_user(gone), world.episode, "Ik ook.")
    gone.is_active = False
    gone.save()
    mail.outbox.clear()
    message = actions.do_send_message(as_user(world.patient_user), world.episode, "Fijn, dank u.")
    assert sorted(u.username for u in tasks.recipients(message)) == ["clina", "colleague"]
    assert tasks.send_message_notices(message.pk) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["clin@example.org", "col@example.org"]


def test_a_clinician_sees_a_colleagues_message_under_the_colleagues_name(world: World) -> None:
    from rugpad.web.practice.models import Role, User

    colleague = User.objects.create_user(
        "colleague", password="pw-123456789", practice=world.practice, role=Role.CLINICIAN, first_name="Bram"
    )
    actions.do_send_message(as_user(colleague), world.episode, "Van Bram")
    actions.do_send_message(as_user(world.clinician), world.episode, "Van mij")
    page = client_for(world.clinician).get(thread_url(world)).content.decode()
    bram, mine = page.index("Van Bram"), page.index("Van mij")
    assert "Bram" in page[page.rindex('class="who', 0, bram) : bram]
    assert 'who small">U\n' in page[page.rindex('class="who', 0, mine) : mine]
