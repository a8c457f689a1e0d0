"""The clinician makes a group, chooses its exercises from the library with exact doses and enrols people by a
one-time link; the participant joins and reads their programme. Bad input is refused at its field."""

from __future__ import annotations

from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rugpad.web.audit.models import AuditEvent
from rugpad.web.care.models import Patient
from rugpad.web.groups.models import ExerciseGroup, GroupExercise, Participant
from rugpad.web.practice.models import Role
from tests.web.conftest import World, client_for
from tests.web.groups.conftest import PASSWORD, Capture, invite, join, link_in


def test_a_clinician_makes_a_group_and_its_name_is_refused_twice_naming_the_field(world: World) -> None:
    client = client_for(world.clinician)
    response = client.post(reverse("groups_new"), {"name": "  Voetbalclub   VV Oost ", "kind": "sports_club"})
    group = ExerciseGroup.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("groups_library", args=[group.pk])
    assert (group.name, group.kind, group.practice_id) == ("Voetbalclub VV Oost", "sports_club", world.practice.pk)
    assert AuditEvent.objects.filter(object_type="exercisegroup", action="create", actor=world.clinician).exists()

    again = client.post(reverse("groups_new"), {"name": "voetbalclub vv oost", "kind": "employer"})
    assert again.status_code == 400 and "name" in again.context["form"].errors
    bad = client.post(reverse("groups_new"), {"name": "", "kind": "school"})
    assert bad.status_code == 400 and set(bad.context["form"].errors) == {"name", "kind"}
    assert ExerciseGroup.objects.count() == 1


def test_the_library_judges_each_exercise_for_a_group(world: World, group: ExerciseGroup) -> None:
    page = client_for(world.clinician).get(reverse("groups_library", args=[group.pk]))
    results = {r.exercise.id: r for r in page.context["results"]}
    # nobody in a group was assessed: every condition counts, the safer reading
    assert results["bird-dog"].suitability == "allowed"
    assert results["standing-pelvic-stretch"].suitability == "caution"
    assert results["barbell-deadlift"].suitability == "contraindicated"
    assert results["bridge"].in_programme and not results["bird-dog"].in_programme
    body = page.content.decode()
    assert 'name="exercise" value="barbell-deadlift"' not in body  # nothing to add it with
    searched = client_for(world.clinician).get(reverse("groups_library", args=[group.pk]), {"q": "vogel"})
    assert [r.exercise.id for r in searched.context["results"]] == ["bird-dog"]


def test_an_exercise_needing_care_is_added_only_when_confirmed_and_a_contraindicated_one_never(
    world: World, group: ExerciseGroup
) -> None:
    client = client_for(world.clinician)
    add = reverse("groups_add_exercise", args=[group.pk])
    client.post(add, {"exercise": "standing-pelvic-stretch"})
    client.post(add, {"exercise": "barbell-deadlift", "confirm_caution": "on"})
    client.post(add, {"exercise": "no-such-exercise"})
    client.post(add, {"exercise": "bridge"})  # in the programme already
    assert sorted(GroupExercise.objects.filter(group=group).values_list("exercise_id", flat=True)) == [
        "bridge",
        "cat-camel",
    ]
    client.post(add, {"exercise": "standing-pelvic-stretch", "confirm_caution": "on"})
    row = GroupExercise.objects.get(group=group, exercise_id="standing-pelvic-stretch")
    assert (row.suitability, row.caution_confirmed_by, row.position) == ("caution", world.clinician, 2)
    assert (row.hold_seconds, row.repetitions, row.times_per_day) == (20, 3, 3)  # the library's starting dose


def test_the_dose_is_exact_and_a_bad_one_is_refused_at_its_field(world: World, group: ExerciseGroup) -> None:
    client = client_for(world.clinician)
    bridge = GroupExercise.objects.get(group=group, exercise_id="bridge")
    url = reverse("groups_edit_dose", args=[group.pk, bridge.pk])
    refused = client.post(url, {"repetitions": "12", "sets": "", "times_per_day": "", "days_per_week": ""})
    assert refused.status_code == 400
    form = refused.context["dose_errors"][bridge.pk]
    assert "sets" in form.errors or "__all__" in form.errors  # a reps dose needs its sets (the core's Dose)
    assert client.post(url, {"repetitions": "abc", "sets": "2", "days_per_week": "3"}).status_code == 400
    saved = client.post(url, {"repetitions": "12", "sets": "3", "rest_seconds": "60", "days_per_week": "3"})
    assert saved.status_code == 302
    bridge.refresh_from_db()
    assert (bridge.repetitions, bridge.sets, bridge.rest_seconds, bridge.days_per_week) == (12, 3, 60, 3)
    event = AuditEvent.objects.filter(object_type="groupexercise", object_id=str(bridge.pk), action="update").get()
    assert "→" in event.summary and "12 repetitions" in event.summary
    detail = client.get(reverse("groups_detail", args=[group.pk])).content.decode()
    assert "12 herhalingen, 3 series, 60 seconden rust tussen de series, 3 dagen per week" in detail


def test_an_invited_person_joins_once_without_a_patient_record_and_reads_their_programme(
    world: World, group: ExerciseGroup, django_capture_on_commit_callbacks: Capture
) -> None:
    patients = Patient.objects.count()
    response = invite(world, group, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    participant = Participant.objects.get(group=group)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["lotte@example.nl"]
    link = link_in(mail.outbox[0])
    assert participant.digest and participant.digest not in mail.outbox[0].body and participant.digest not in link

    client, joined = join(link)
    assert joined.status_code == 302 and joined["Location"] == reverse("groups_me")
    participant.refresh_from_db()
    user = participant.user
    assert user is not None and user.role == Role.PARTICIPANT and user.practice_id == world.practice.pk
    assert user.username == "lotte@example.nl" and participant.digest is None and participant.joined_at
    assert Patient.objects.count() == patients  # no patient record, no episode
    assert join(link)[1].status_code == 404  # the link works once

    page = client.get(reverse("groups_me"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Brug" in body and "Kat en koe" in body  # the exercises in Dutch, with their illustrations and doses
    assert body.count("<svg") >= 2 and "10 herhalingen, 2 series" in body
    assert client.get(reverse("home")).url == reverse("groups_me")  # the brand link leads here too
    assert AuditEvent.objects.filter(actor=user, object_type="participant", action="view").exists()


def test_the_join_page_refuses_a_weak_password_at_its_field(
    world: World, group: ExerciseGroup, django_capture_on_commit_callbacks: Capture
) -> None:
    invite(world, group, django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    _client, weak = join(link, "lotte")
    assert weak.status_code == 400 and "password1" in weak.context["form"].errors
    different = Client().post(link, {"password1": PASSWORD, "password2": PASSWORD + "x"})
    assert "password2" in different.context["form"].errors
    assert Participant.objects.get().user is None


def test_an_address_is_enrolled_once_and_bad_input_is_named_by_field(
    world: World, group: ExerciseGroup, django_capture_on_commit_callbacks: Capture
) -> None:
    invite(world, group, django_capture_on_commit_callbacks)
    again = invite(world, group, django_capture_on_commit_callbacks, name="Lotte", email="LOTTE@example.nl")
    assert again.status_code == 400 and "email" in again.context["invite_form"].errors
    bad = invite(world, group, django_capture_on_commit_callbacks, name="", email="no address", language="xx")
    assert bad.status_code == 400 and set(bad.context["invite_form"].errors) == {"name", "email", "language"}
    assert Participant.objects.count() == 1 and len(mail.outbox) == 1


def test_a_new_link_stops_the_old_one(
    world: World, group: ExerciseGroup, django_capture_on_commit_callbacks: Capture
) -> None:
    invite(world, group, django_capture_on_commit_callbacks)
    old = link_in(mail.outbox[0])
    participant = Participant.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world.clinician).post(reverse("groups_resend", args=[group.pk, participant.pk]))
    new = link_in(mail.outbox[1])
    assert old != new
    assert Client().get(old).status_code == 404 and Client().get(new).status_code == 200


def test_an_expired_link_says_so(
    world: World, group: ExerciseGroup, django_capture_on_commit_callbacks: Capture
) -> None:
    invite(world, group, django_capture_on_commit_callbacks)
    Participant.objects.update(expires_at=timezone.now())
    response = Client().get(link_in(mail.outbox[0]), HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 404 and "verlopen" in response.content.decode()
