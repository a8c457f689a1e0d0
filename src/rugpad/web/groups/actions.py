"""Every write of the groups app. Each action takes its actor (the user who does it; `request` only adds the
address and agent to the audit trail, and jobs and the demo pass none), owns its transaction and writes its audit
event inside it. A refusal is a `GroupError` naming the form field it is about, in the reader's language.

    invited ──(mailed one-time link, before expiry)──▶ joined: a `participant` login, signed in
       └──(resend: a new link, the old one stops)──▶ invited
    invited or joined ──(leave, or removed by a clinician)──▶ gone: the participant and all they did deleted, the
                                                                 login deactivated and emptied, the audit kept
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from rugpad import engine
from rugpad.core.exercises import Dose
from rugpad.web.audit.log import record
from rugpad.web.audit.models import AuditAction
from rugpad.web.groups.models import (
    ExerciseGroup,
    GroupEntry,
    GroupExercise,
    GroupSession,
    Participant,
)
from rugpad.web.plans.specs import DOSE_FIELDS
from rugpad.web.portal.conf import invitation_lifetime
from rugpad.web.practice.accounts import end_sessions, token_digest
from rugpad.web.practice.models import Role, User


class GroupError(Exception):
    """A write refused for a reason the user must read; `field` names the form field it is about ("" for none)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


# --- the group and its programme ---------------------------------------------------------------------------------


@transaction.atomic
def do_create_group(actor: User, *, name: str, kind: str, request: HttpRequest | None = None) -> ExerciseGroup:
    """A new group of the clinician's practice, with an empty programme."""
    practice_id = actor.practice_id
    if practice_id is None:
        raise GroupError("", _("Only a clinician of a practice makes groups."))
    name = " ".join(name.split())
    if ExerciseGroup.objects.filter(practice_id=practice_id, name__iexact=name).exists():
        raise GroupError("name", _("Your practice has a group with this name already."))
    group = ExerciseGroup.objects.create(practice_id=practice_id, name=name, kind=kind, created_by=actor)
    record(request, AuditAction.CREATE, group, actor=actor, summary=f"group created ({kind})")
    return group


def _dose_text(dose: Dose) -> str:
    return dose.describe("en")


@transaction.atomic
def do_add_exercise(
    actor: User, group: ExerciseGroup, exercise_id: str, *, confirm_caution: bool, request: HttpRequest | None = None
) -> GroupExercise:
    """Adds a library exercise with its starting dose. Nobody in a group was assessed, so `engine.group_suitability`
    judges it for every condition: a contra-indicated exercise is refused, one with a caution needs the clinician's
    confirmation (kept with their name) and its caution text is shown to the participants."""
    exercise = engine.exercise_library().get(exercise_id)
    if exercise is None:
        raise GroupError("exercise", _("Choose an exercise from the library."))
    suitability = engine.group_suitability(exercise)
    if suitability == "contraindicated":
        raise GroupError(
            "exercise",
            _(
                "This exercise is not offered to groups: it is contra-indicated for some "
                "conditions, and nobody in a group was assessed."
            ),
        )
    if suitability == "caution" and not confirm_caution:
        raise GroupError("confirm_caution", _("Tick the confirmation: this exercise needs care for some conditions."))
    group = ExerciseGroup.objects.select_for_update().get(pk=group.pk)  # one writer per group: positions stay unique
    if group.exercises.filter(exercise_id=exercise.id).exists():
        raise GroupError("exercise", _("This exercise is in the programme already; change its dose there."))
    last = group.exercises.aggregate(last=Max("position"))["last"]
    now = timezone.now()
    dose = exercise.dose
    row = GroupExercise.objects.create(
        group=group,
        exercise_id=exercise.id,
        position=0 if last is None else last + 1,
        dose_kind=dose.kind.value,
        per_side=dose.per_side,
        suitability=suitability,
        caution_confirmed_by=actor if suitability == "caution" else None,
        caution_confirmed_at=now if suitability == "caution" else None,
        added_by=actor,
        **{name: getattr(dose, name) for name in DOSE_FIELDS},
    )
    caution = "; caution confirmed" if suitability == "caution" else ""
    record(
        request,
        AuditAction.CREATE,
        row,
        actor=actor,
        summary=f"group {group.pk}: exercise added: {exercise.id} ({_dose_text(dose)}){caution}",
    )
    return row


@transaction.atomic
def do_change_dose(actor: User, row: GroupExercise, dose: Dose, *, request: HttpRequest | None = None) -> GroupExercise:
    """Sets the exact dose of one exercise of the programme (the core's `Dose` has checked it); the audit event
    keeps the dose before and after."""
    before = row.dose()
    if dose.kind != before.kind or dose.per_side != before.per_side:
        raise GroupError("", _("The kind of dose of an exercise cannot change."))
    for name in DOSE_FIELDS:
        setattr(row, name, getattr(dose, name))
    row.save(update_fields=list(DOSE_FIELDS))
    record(
        request,
        AuditAction.UPDATE,
        row,
        actor=actor,
        summary=f"group {row.group_id}: dose changed: {row.exercise_id}: {_dose_text(before)} → {_dose_text(dose)}",
    )
    return row


@transaction.atomic
def do_remove_exercise(actor: User, row: GroupExercise, *, request: HttpRequest | None = None) -> None:
    """Takes an exercise out of the programme (what participants did of it stays counted in the figures)."""
    record(
        request,
        AuditAction.UPDATE,
        row,
        actor=actor,
        summary=f"group {row.group_id}: exercise removed: {row.exercise_id}",
    )
    row.delete()


# --- participants ------------------------------------------------------------------------------------------------


def _send_after_commit(participant: Participant, link_base: str) -> None:
    """The mail goes out from a background job once the invitation is committed (a rolled-back one sends nothing);
    the job makes the link's token, so no link ever sits in the queue."""
    from rugpad.web.groups.tasks import send_group_invitation

    participant_id, send_number = participant.pk, participant.sends
    transaction.on_commit(lambda: send_group_invitation(participant_id, send_number, link_base))


@transaction.atomic
def do_invite_participant(
    actor: User,
    group: ExerciseGroup,
    *,
    name: str,
    email: str,
    language: str,
    link_base: str,
    request: HttpRequest | None = None,
) -> Participant:
    """Enrols a person (a first name or nickname and an e-mail address, nothing more) and mails them a one-time
    link to make their login. No patient record, no episode, no triage."""
    email = email.strip().lower()
    if Participant.objects.filter(group=group, email=email).exists():
        raise GroupError("email", _("This address is enrolled in this group already."))
    participant = Participant.objects.create(
        group=group,
        name=" ".join(name.split()),
        email=email,
        language=language,
        invited_by=actor,
        expires_at=timezone.now() + invitation_lifetime(),
    )
    record(request, AuditAction.CREATE, participant, actor=actor, summary=f"group {group.pk}: participant invited")
    _send_after_commit(participant, link_base)
    return participant


@transaction.atomic
def do_resend_invitation(
    actor: User, participant: Participant, *, link_base: str, request: HttpRequest | None = None
) -> None:
    """A new link by e-mail, valid from now for the full lifetime; the earlier link stops working at once."""
    locked = Participant.objects.select_for_update().get(pk=participant.pk)
    if locked.has_joined:
        raise GroupError("", _("This person has joined already."))
    locked.sends += 1
    locked.digest = None
    locked.expires_at = timezone.now() + invitation_lifetime()
    locked.save(update_fields=["sends", "digest", "expires_at"])
    record(
        request,
        AuditAction.UPDATE,
        locked,
        actor=actor,
        summary=f"group invitation resent (send {locked.sends}); the earlier link no longer works",
    )
    _send_after_commit(locked, link_base)


def invitation_for(token: str) -> Participant | None:
    return Participant.objects.select_related("group__practice").filter(digest=token_digest(token)).first()


def invitation_problem(participant: Participant | None, now: dt.datetime) -> str | None:
    """Why a link cannot be used (a sentence for the invitee), or None when it can. A used or resent link has no
    digest any more, so it is simply not found."""
    if participant is None or participant.has_joined:
        return _(
            "This link does not work (any more). It may have been used already or replaced by a newer invitation. "
            "Ask for a new invitation."
        )
    if participant.expires_at <= now:
        return _("This link has expired. Ask for a new invitation.")
    return None


def username_for(email: str) -> str:
    """The login's user name: the e-mail address (a number added when another login has it)."""
    base = email.lower()[:140]
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


@transaction.atomic
def do_join(token: str, password: str, *, username: str | None = None, request: HttpRequest | None = None) -> User:
    """Makes the participant's login (role `participant`, the group's practice) and spends the link, in one
    transaction. The password has been checked by Django's validators in the form. `username` is for the demo (a
    memorable login); participants sign in with their e-mail address."""
    participant = Participant.objects.select_for_update().filter(digest=token_digest(token)).first()
    problem = invitation_problem(participant, timezone.now())
    if participant is None or problem:
        raise GroupError("", problem or "")
    group = ExerciseGroup.objects.select_related("practice").get(pk=participant.group_id)
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                username=username or username_for(participant.email),
                password=password,
                email=participant.email,
                first_name=participant.name,
                practice=group.practice,
                role=Role.PARTICIPANT,
                preferred_language=participant.language,
            )
    except IntegrityError:  # the same name taken at the same moment by somebody else
        raise GroupError("", _("Something went wrong; please open the link again.")) from None
    participant.user = user
    participant.joined_at = timezone.now()
    participant.digest = None
    participant.save(update_fields=["user", "joined_at", "digest"])
    record(request, AuditAction.UPDATE, participant, actor=user, summary=f"group {group.pk}: invitation accepted")
    record(request, AuditAction.CREATE, user, actor=user, summary="participant account created from a group invitation")
    return user


@transaction.atomic
def do_save_reminders(
    actor: User, participant: Participant, *, reminders: bool, remind_at: dt.time, request: HttpRequest | None = None
) -> None:
    """The participant's choice: a reminder on the days their programme has exercises, at a time of day."""
    participant.reminders, participant.remind_at = reminders, remind_at
    participant.save(update_fields=["reminders", "remind_at"])
    state = f"on at {remind_at:%H:%M}" if reminders else "off"
    record(request, AuditAction.UPDATE, participant, actor=actor, summary=f"group reminders {state}")


def _close_login(user: User) -> None:
    """The login of someone who left: it can never sign in again and keeps no name or address. It is not deleted:
    audit events name it (an account with audit events cannot be deleted), under the name it had then."""
    user.username = f"left-{user.pk}"
    user.first_name = user.last_name = user.email = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    end_sessions(user)


@transaction.atomic
def do_leave_group(actor: User, participant: Participant, *, request: HttpRequest | None = None) -> None:
    """The participant leaves (or a clinician of the practice takes them out): the participation, its sessions,
    entries and reminders are deleted and the login is closed (`_close_login`); the audit trail stays."""
    participant = Participant.objects.select_for_update(of=("self",)).select_related("user").get(pk=participant.pk)
    user = participant.user
    who = "left the group" if user is not None and user.pk == actor.pk else "removed from the group by a clinician"
    record(
        request,
        AuditAction.UPDATE,
        participant,
        actor=actor,
        summary=f"group {participant.group_id}: participant {who}; their data deleted, login closed",
    )
    participant.delete()
    if user is not None:
        _close_login(user)


# --- what a participant did --------------------------------------------------------------------------------------


def do_log_entry(
    actor: User, participant: Participant, entry: dict[str, Any], *, request: HttpRequest | None = None
) -> tuple[GroupEntry, bool]:
    """Stores one exercise result of a guided session (done or skipped); the same key twice returns the first row
    (created=False). A key or session key another participant holds, or an exercise not in the group's programme,
    is refused with the field named (`GroupError`)."""
    try:
        return _create_entry(actor, participant, entry, request), True
    except IntegrityError:  # the key was stored before, or by a twin request at the same moment
        existing = GroupEntry.objects.filter(key=entry["key"]).select_related("session").first()
        if existing is None or existing.session.participant_id != participant.pk:
            raise GroupError("key", "already used") from None
        return existing, False


@transaction.atomic
def _create_entry(
    actor: User, participant: Participant, entry: dict[str, Any], request: HttpRequest | None
) -> GroupEntry:
    if not participant.group.exercises.filter(exercise_id=entry["exercise_id"]).exists():
        raise GroupError("exercise_id", "is not in the group's programme")
    done_at = entry.get("done_at") or timezone.now()
    session, _created = GroupSession.objects.get_or_create(
        key=entry["session_key"],
        defaults={"participant": participant, "group_id": participant.group_id, "day": timezone.localdate(done_at)},
    )
    if session.participant_id != participant.pk:
        raise GroupError("session_key", "already used")
    skipped = bool(entry.get("skipped"))
    row = GroupEntry.objects.create(
        key=entry["key"], session=session, exercise_id=entry["exercise_id"], skipped=skipped, done_at=done_at
    )
    if not skipped:
        GroupSession.objects.filter(pk=session.pk).update(done=F("done") + 1)
    record(
        request,
        AuditAction.CREATE,
        row,
        actor=actor,
        summary=f"group exercise {row.exercise_id} {'skipped' if skipped else 'done'}",
    )
    return row
