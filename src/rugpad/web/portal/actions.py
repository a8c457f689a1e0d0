"""Every write of the portal: each action owns its transaction and writes its audit event inside it."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from rugpad import engine
from rugpad.core.errors import InvalidInput
from rugpad.core.trends import DiaryPoint, ExercisesDone
from rugpad.core.vocab import Urgency
from rugpad.web.audit.log import record
from rugpad.web.audit.models import AuditAction
from rugpad.web.care.actions import do_refresh_triage, store_new_flags
from rugpad.web.care.clinical import episode_facts
from rugpad.web.care.models import Episode, EpisodeStatus, Patient
from rugpad.web.portal import clinical, conf
from rugpad.web.portal.models import Alert, AlertKind, DiaryEntry, Invitation, Message
from rugpad.web.practice.models import Role, User, request_user


class PortalError(Exception):
    """A write that is refused for a reason the user must read (expired link, locked entry...)."""


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class NewInvitation:
    invitation: Invitation
    token: str
    """Shown once to the clinician; only its digest is stored."""
    emailed: bool


@transaction.atomic
def _create_invitation(request: HttpRequest, patient: Patient) -> tuple[Invitation, str]:
    if patient.user_id is not None:
        raise PortalError(_("This patient already has an account."))
    now = timezone.now()
    patient.invitations.filter(used_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        patient=patient,
        digest=token_digest(token),
        created_by=request_user(request),
        expires_at=now + conf.invitation_lifetime(),
        emailed_to=patient.email,
    )
    record(request, AuditAction.CREATE, invitation, patient_id=patient.pk, summary="portal invitation created")
    return invitation, token


def do_invite_patient(request: HttpRequest, patient: Patient, link_for: Any) -> NewInvitation:
    """Creates a one-time link (older open links stop working) and e-mails it when the patient has an address.

    `link_for(token)` makes the absolute URL; the mail goes out after the invitation is committed.
    """
    invitation, token = _create_invitation(request, patient)
    emailed = False
    if patient.email:
        body = _(
            "%(practice)s invites you to rugpad, your online diary and exercise page.\n\n"
            "Open this link to choose your password (it works once, until %(expires)s):\n%(link)s\n"
        ) % {
            "practice": patient.practice.name,
            "expires": timezone.localtime(invitation.expires_at).strftime("%d-%m-%Y %H:%M"),
            "link": link_for(token),
        }
        emailed = send_mail(_("Your rugpad account"), body, None, [patient.email], fail_silently=True) == 1
        record(
            request,
            AuditAction.EXPORT,
            invitation,
            patient_id=patient.pk,
            summary="invitation e-mailed" if emailed else "invitation e-mail failed",
        )
    return NewInvitation(invitation, token, emailed)


def invitation_for(token: str) -> Invitation | None:
    return Invitation.objects.select_related("patient__practice").filter(digest=token_digest(token)).first()


def invitation_problem(invitation: Invitation | None, now: dt.datetime) -> str | None:
    """Why a link cannot be used (a sentence for the patient), or None when it can."""
    if invitation is None:
        return _("This link is not valid. Please ask your practice for a new invitation.")
    if invitation.used_at is not None or invitation.patient.user_id is not None:
        return _("This link has already been used. Log in with your username and password.")
    if invitation.revoked_at is not None:
        return _("This link was replaced by a newer invitation. Please use the most recent one.")
    if invitation.expires_at <= now:
        return _("This link has expired. Please ask your practice for a new invitation.")
    return None


def username_for(patient: Patient) -> str:
    base = (patient.email or f"{patient.first_name}.{patient.last_name}").lower().replace(" ", "")[:120]
    candidate, n = base, 1
    while User.objects.filter(username=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


@transaction.atomic
def do_accept_invitation(request: HttpRequest, token: str, password: str, username: str | None = None) -> User:
    """Creates the patient's account and links it to their record; the link is spent in the same transaction.

    `username` is for the demo (a memorable login); patients get one made from their e-mail or name."""
    invitation = Invitation.objects.select_for_update().filter(digest=token_digest(token)).first()
    problem = invitation_problem(invitation, timezone.now())
    if invitation is None or problem:
        raise PortalError(problem)
    patient = invitation.patient
    user = User.objects.create_user(
        username=username or username_for(patient),
        password=password,
        first_name=patient.first_name,
        last_name=patient.last_name,
        email=patient.email,
        practice=patient.practice,
        role=Role.PATIENT,
    )
    patient.user = user
    patient.save(update_fields=["user"])
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    record(request, AuditAction.UPDATE, invitation, patient_id=patient.pk, summary="invitation accepted", actor=user)
    record(request, AuditAction.CREATE, user, patient_id=patient.pk, summary="patient account created", actor=user)
    return user


def is_editable(entry: DiaryEntry, now: dt.datetime) -> bool:
    return entry.current and now < entry.opened_at + conf.diary_edit_window()


def open_episode(patient: Patient) -> Episode | None:
    return patient.episodes.filter(status=EpisodeStatus.OPEN).order_by("-started_on", "-id").first()


def thread_episode(patient: Patient) -> Episode | None:
    """The episode whose message thread the patient sees first: the open one, else the one treated last."""
    return open_episode(patient) or patient.episodes.order_by("-started_on", "-id").first()


DIARY_FIELDS = (
    "day",
    "pain_now",
    "pain_exercise",
    "pain_next_morning",
    "exercises",
    "minutes_walked",
    "sleep_quality",
    "medication",
    "note",
)


@transaction.atomic
def do_save_diary(
    request: HttpRequest,
    patient: Patient,
    data: dict[str, Any],
    previous: DiaryEntry | None = None,
    now: dt.datetime | None = None,
    key: Any = None,
) -> DiaryEntry:
    """Stores a diary entry (or a new version of `previous`), triages alarm answers and raises alerts.

    `key` is the phone's own id for this save (see `do_save_diary_once`). `now` is injected by the demo to write a
    history; pages leave it to the clock."""
    now = now or timezone.now()
    if previous is not None:
        previous = DiaryEntry.objects.select_for_update().get(pk=previous.pk)
        if not is_editable(previous, now):
            raise PortalError(_("This entry can no longer be changed."))
        previous.current = False
        previous.save(update_fields=["current"])
    episode = open_episode(patient)
    latest = episode or patient.episodes.order_by("-started_on", "-id").first()
    region = latest.region if latest else "low_back"  # without an open episode: the region last treated
    alarms = [str(a) for a in data.get("alarms", [])]
    facts = episode_facts(episode, timezone.localdate(now)) if episode is not None else None
    judgement = clinical.judge_alarms(alarms, region, facts)
    entry = DiaryEntry.objects.create(
        patient=patient,
        episode=episode,
        original=previous.first if previous else None,
        version=previous.version + 1 if previous else 1,
        opened_at=previous.opened_at if previous else now,
        recorded_by=request_user(request),
        key=key,
        alarms=sorted(alarms),
        alarm_payloads=judgement.payloads,
        alarm_urgency=str(judgement.urgency),
        alarm_flags=[firing.rule_id for firing in judgement.firings],
        **{name: data.get(name) for name in DIARY_FIELDS if name in data},
    )
    record(
        request,
        AuditAction.UPDATE if previous else AuditAction.CREATE,
        entry,
        patient_id=patient.pk,
        summary=f"diary entry v{entry.version}" + (f", alarm: {judgement.urgency}" if alarms else ""),
    )
    if judgement.firings and episode is not None and facts is not None:
        # A diary alarm is a red flag of the episode like any other: the episode page's banner, the dashboard,
        # and the patient's session closed until a doctor has assessed it.
        new = engine.flags_to_raise(judgement.firings, facts.flags)
        if new:
            store_new_flags(request, episode, new, reference=f"diary:{entry.pk}")
            do_refresh_triage(request, episode)
    elif judgement.firings:  # no open episode to hold a red flag: the dashboard still shows it at the top
        _raise_alert(
            request,
            patient,
            AlertKind.ALARM,
            judgement.top_flag,
            str(judgement.urgency),
            entry,
            {"payloads": judgement.payloads, "flags": [firing.rule_id for firing in judgement.firings]},
        )
    _check_trends(request, patient, entry, timezone.localdate(now))
    return entry


def do_save_diary_once(
    request: HttpRequest, patient: Patient, data: dict[str, Any], key: Any, previous: DiaryEntry | None = None
) -> tuple[DiaryEntry, bool]:
    """`do_save_diary` under the phone's key: the same key again returns the entry stored the first time
    (created=False) and stores, triages and audits nothing, so a double tap or an offline queue sent twice never
    makes a second entry (or a second alarm). A key held by another patient raises InvalidInput("key"), answered
    like any invalid key so nothing is learnt about other patients' keys."""
    if key is not None and (existing := _stored_entry(patient, key)) is not None:
        return existing, False
    try:
        return do_save_diary(request, patient, data, previous=previous, key=key), True
    except IntegrityError:  # a twin request stored the same key in the meantime
        existing = _stored_entry(patient, key) if key is not None else None
        if existing is None:
            raise
        return existing, False


def _stored_entry(patient: Patient, key: Any) -> DiaryEntry | None:
    existing = DiaryEntry.objects.filter(key=key).first()
    if existing is not None and existing.patient_id != patient.pk:
        raise InvalidInput("key", "already used")
    return existing


def _raise_alert(
    request: HttpRequest,
    patient: Patient,
    kind: AlertKind,
    rule_id: str,
    urgency: str,
    entry: DiaryEntry,
    detail: dict[str, Any],
) -> Alert | None:
    """One open alert per patient and rule: a repeat stays on the dashboard as the same alert."""
    # Diary entries written at once (two phones, a retried queue) would each find no open alert and each raise
    # one (PostgreSQL, READ COMMITTED). Holding the patient's row until commit makes them check one after the other.
    # NO KEY: the entry's own foreign key already holds a KEY SHARE lock on the row; FOR UPDATE would deadlock.
    # (SQLite ignores this: its IMMEDIATE transactions already write one at a time.)
    list(Patient.objects.select_for_update(no_key=True).filter(pk=patient.pk).values_list("pk", flat=True))
    if Alert.objects.filter(patient=patient, rule_id=rule_id, acknowledged_at__isnull=True).exists():
        return None
    alert = Alert.objects.create(
        patient=patient, kind=kind, rule_id=rule_id, urgency=urgency, entry=entry, detail=detail
    )
    record(request, AuditAction.CREATE, alert, patient_id=patient.pk, summary=f"alert {rule_id} ({urgency})")
    return alert


def _check_trends(request: HttpRequest, patient: Patient, entry: DiaryEntry, today: dt.date) -> None:
    if entry.episode is None:  # no open episode: nobody is treating the patient now, so no trend alert
        return
    since = today - dt.timedelta(days=2 * engine.trend_settings().window_days)
    points = [
        DiaryPoint(e.day, e.pain_now, ExercisesDone(e.exercises) if e.exercises else None)
        for e in patient.diary_entries.filter(current=True, day__gte=since, day__lte=today)
    ]
    for alert in clinical.trends(points, today):
        detail = {"value": alert.value, "threshold": alert.threshold, "since": alert.since.isoformat()}
        _raise_alert(request, patient, AlertKind.TREND, alert.rule_id, str(Urgency.NONE), entry, detail)


@transaction.atomic
def do_acknowledge_alert(request: HttpRequest, alert: Alert, message: str = "") -> Alert:
    """Marks the alert as seen by this clinician (it leaves the dashboard); an optional note goes to the patient."""
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.acknowledged_at is not None:
        raise PortalError(_("This alert was already acknowledged."))
    if alert.kind == AlertKind.ALARM and not message.strip():
        # An alarm answer is never closed with one click: the patient hears what to do, and the log keeps it.
        raise PortalError(_("An alarm answer needs a message to the patient: say what you did or what they should do."))
    alert.acknowledged_at = timezone.now()
    alert.acknowledged_by = request_user(request)
    alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
    record(
        request, AuditAction.UPDATE, alert, patient_id=alert.patient_id, summary=f"alert {alert.rule_id} acknowledged"
    )
    if message.strip():
        # the note is a message of the patient's thread like any other, and the patient hears that it is there
        note = Message.objects.create(
            patient=alert.patient,
            practice_id=alert.patient.practice_id,
            episode=thread_episode(alert.patient),
            author=request_user(request),
            body=message.strip(),
            alert=alert,
        )
        record(request, AuditAction.CREATE, note, patient_id=alert.patient_id, summary="message to the patient")
        _notify_on_commit(note)
    return alert


def _notify_on_commit(message: Message) -> None:
    """The other side gets a notice without content once the message is stored (a background task)."""
    from rugpad.web.portal import tasks  # the task module imports the models; imported when a message is sent

    message_id = message.pk
    transaction.on_commit(lambda: tasks.notify_new_message(message_id))


@transaction.atomic
def do_send_message(request: HttpRequest, episode: Episode, body: str) -> Message:
    """A message of the episode's thread from the patient or a clinician of the practice (the caller authorised the
    user through `access_thread`). A closed episode's thread is read-only. A patient's words that name an alarm sign
    are kept with the message so the patient is shown when to contact whom; no red flag is raised from free text."""
    user = request_user(request)
    status = Episode.objects.filter(pk=episode.pk).values_list("status", flat=True).first()
    if status != EpisodeStatus.OPEN:
        raise PortalError(_("This episode is closed: its messages can still be read, but no new message can be sent."))
    body = body.strip()
    if not body:
        raise InvalidInput("body", "empty")
    terms = list(clinical.alarm_words(body)) if user.is_patient else []
    message = Message.objects.create(
        patient_id=episode.patient_id,
        practice_id=episode.patient.practice_id,
        episode=episode,
        author=user,
        from_patient=user.is_patient,
        body=body,
        alarm_terms=terms,
    )
    summary = "message from the patient" if user.is_patient else "message to the patient"
    if terms:
        summary += f"; names an alarm sign ({', '.join(terms)}): instructions shown, not triaged"
    record(request, AuditAction.CREATE, message, patient_id=episode.patient_id, summary=summary)
    _notify_on_commit(message)
    return message


@transaction.atomic
def do_read_messages(request: HttpRequest, episode: Episode) -> int:
    """Marks what the other side wrote in the episode's thread as read by this user (the patient reads the
    clinicians' messages; any clinician of the practice reads the patient's); returns how many were new."""
    user = request_user(request)
    unread = Message.objects.filter(episode=episode, from_patient=not user.is_patient, read_at__isnull=True)
    count = unread.update(read_at=timezone.now(), read_by=user)
    if count:
        record(request, AuditAction.UPDATE, episode, patient_id=episode.patient_id, summary=f"{count} messages read")
    return count
