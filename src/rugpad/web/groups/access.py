"""Authorise by loading: a group and its participants are for the clinicians of the group's practice; a
participant reaches only their own participation. Anything else is a 404 (never a 403, which would tell that the
group exists), and every successful load is audit-logged as a read (no patient: a group holds none)."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from rugpad.web.audit.log import record_read
from rugpad.web.care.access import require_clinician
from rugpad.web.groups.models import ExerciseGroup, GroupExercise, Participant
from rugpad.web.practice.models import User, request_user


def require_group_clinician(request: HttpRequest) -> User:
    """A clinician with a practice (the admin, patients, participants and other visitors get a 404)."""
    user = require_clinician(request)
    if user.practice_id is None:
        raise Http404("Not found")
    return user


def access_group(request: HttpRequest, group_id: int, *, summary: str = "group programme") -> ExerciseGroup:
    """The group, for a clinician of its practice; `summary` names what the page shows of it."""
    practice_id = require_group_clinician(request).practice_id
    group = ExerciseGroup.objects.filter(pk=group_id, practice_id=practice_id).first() if practice_id else None
    if group is None:
        raise Http404("No such group")
    record_read(request, group, patient_id=None, summary=summary)
    return group


def access_group_exercise(request: HttpRequest, group_id: int, exercise_pk: int) -> GroupExercise:
    """One exercise of a group's programme, for a clinician of the group's practice."""
    group = access_group(request, group_id)
    exercise = GroupExercise.objects.filter(pk=exercise_pk, group=group).first()
    if exercise is None:
        raise Http404("No such exercise in this group")
    exercise.group = group  # the same row, already loaded
    return exercise


def access_participant(request: HttpRequest, group_id: int, participant_id: int) -> Participant:
    """One participant of a group, for a clinician of the group's practice."""
    group = access_group(request, group_id, summary="group participants")
    participant = Participant.objects.filter(pk=participant_id, group=group).first()
    if participant is None:
        raise Http404("No such participant")
    participant.group = group
    record_read(request, participant, patient_id=None, summary="participant")
    return participant


OWN_PARTICIPATION = "rugpad_own_participation"


def access_own_participation(request: HttpRequest, *, summary: str = "") -> Participant:
    """The signed-in participant's own participation (with its group); anybody else — clinicians, patients and the
    admin included — gets a 404. Loaded once per request."""
    own: Participant | None = getattr(request, OWN_PARTICIPATION, None)
    if own is not None:
        return own
    user = request_user(request)
    participant = (
        Participant.objects.select_related("group__practice").filter(user_id=user.pk).first()
        if user.is_authenticated and user.is_participant and user.is_active
        else None
    )
    if participant is None:
        raise Http404("Not found")
    record_read(request, participant, patient_id=None, summary=summary or "own group programme")
    setattr(request, OWN_PARTICIPATION, participant)
    return participant
