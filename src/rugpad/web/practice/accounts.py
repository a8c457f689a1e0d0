"""The practice's staff accounts: the practice admin invites clinicians and admins, changes their role, deactivates
and reactivates them. Every write is an action that owns its transaction and writes its audit event inside it.

    invited ──(mailed link, once, before expiry)──▶ accepted: an account, signed in
       │  └──(resend: a new link, the old one stops)──▶ invited
       └──(revoke)──▶ revoked
    account: active ──(deactivate: no sign-in, sessions and API tokens end)──▶ inactive ──(reactivate)──▶ active

An admin sees and changes only the staff (admins and clinicians) of their own practice; anything else is a 404.
Patients' accounts come from their portal invitations and are not managed here. An admin cannot change their own
role or deactivate themselves, so a practice always keeps at least one active admin.
A deactivated account keeps its records and its audit trail (an account with audit events cannot be deleted).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from rugpad.web.audit.log import record
from rugpad.web.audit.models import AuditAction
from rugpad.web.care.access import require_practice_admin
from rugpad.web.practice.models import STAFF_ROLES, Practice, Register, Role, StaffInvitation, User
from rugpad.web.practice.tokens import do_revoke_all_tokens

INVITATION_DAYS = 7
"""How long a staff invitation link works, from its latest send (a Django setting RUGPAD_STAFF_INVITATION_DAYS
may change it; none is read from the environment)."""
BIG_DIGITS = 11
"""A BIG number is 11 digits (the BIG register's number as printed on the register's extract)."""
KP_DIGITS = range(5, 13)
"""A KP number: digits only. unverified: the exact length of Kwaliteitsregister Paramedici numbers was not looked up;
any 5 to 12 digits are accepted."""
PAGE_SIZE = 50


class AccountError(Exception):
    """A write refused for a reason the admin or invitee must read; `field` names the form field it is about."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def invitation_lifetime() -> dt.timedelta:
    return dt.timedelta(days=getattr(settings, "RUGPAD_STAFF_INVITATION_DAYS", INVITATION_DAYS))


def registration_problem(register: str, number: str) -> tuple[str, str] | None:
    """(field, message) when a registration is malformed, None when it is well-formed or absent."""
    number = number.strip()
    if not number:
        return None
    if not register:
        return "register", _("Choose the register this number is from.")
    if not re.fullmatch(r"[0-9]+", number):
        return "registration_number", _("Type digits only, without spaces or dots.")
    if register == Register.BIG and len(number) != BIG_DIGITS:
        return "registration_number", _("A BIG number has 11 digits.")
    if register == Register.KP and len(number) not in KP_DIGITS:
        return "registration_number", _("A KP number has 5 to 12 digits.")
    return None


# --- loading -----------------------------------------------------------------------------------------------------


def practice_of(admin: User) -> int:
    """The admin's practice id (a practice admin always has one: `User.is_practice_admin`)."""
    assert admin.practice_id is not None
    return admin.practice_id


def staff_of(practice_id: int) -> QuerySet[User]:
    """The practice's admins and clinicians (never patients, never another practice's staff)."""
    return User.objects.filter(practice_id=practice_id, role__in=STAFF_ROLES)


def pending_invitations(practice_id: int) -> QuerySet[StaffInvitation]:
    return StaffInvitation.objects.filter(practice_id=practice_id, used_at__isnull=True, revoked_at__isnull=True)


def access_staff_account(request: HttpRequest, user_id: int) -> tuple[User, User]:
    """(the signed-in admin, one staff account of their practice); anything else, for anybody else, is a 404."""
    admin = require_practice_admin(request)
    try:
        return admin, staff_of(practice_of(admin)).get(pk=user_id)
    except User.DoesNotExist:
        raise Http404("Not found") from None


def access_staff_invitation(request: HttpRequest, invitation_id: int) -> tuple[User, StaffInvitation]:
    """(the signed-in admin, one invitation of their practice); anything else is a 404."""
    admin = require_practice_admin(request)
    try:
        return admin, StaffInvitation.objects.get(pk=invitation_id, practice_id=practice_of(admin))
    except StaffInvitation.DoesNotExist:
        raise Http404("Not found") from None


def staff_page(practice_id: int, page: int) -> tuple[list[User], bool]:
    """One page of the practice's staff, active first, by name; and whether another page follows."""
    start = (page - 1) * PAGE_SIZE
    rows = list(
        staff_of(practice_id).order_by("-is_active", "last_name", "first_name", "username", "pk")[
            start : start + PAGE_SIZE + 1
        ]
    )
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


# --- invitations -------------------------------------------------------------------------------------------------


def _send_after_commit(invitation: StaffInvitation, link_base: str) -> None:
    """The mail goes out from a background job once the invitation is committed (a rolled-back one sends nothing)."""
    from rugpad.web.practice.tasks import send_staff_invitation

    invitation_id, send_number, lang = invitation.pk, invitation.sends, get_language() or "nl"
    transaction.on_commit(lambda: send_staff_invitation(invitation_id, send_number, link_base, lang))


@transaction.atomic
def do_invite_staff(
    request: HttpRequest, admin: User, *, email: str, role: str, link_base: str, **details: str
) -> StaffInvitation:
    """A new invitation for `email` to join the admin's practice as `role` (with `first_name`, `last_name`,
    `discipline`, `register`, `registration_number` in `details`); the link is mailed by a job."""
    if role not in STAFF_ROLES:
        raise AccountError("role", _("Choose clinician or practice admin."))
    problem = registration_problem(details.get("register", ""), details.get("registration_number", ""))
    if problem:
        raise AccountError(*problem)
    if pending_invitations(practice_of(admin)).filter(email__iexact=email).exists():
        raise AccountError("email", _("This address has an open invitation already: resend that one."))
    if staff_of(practice_of(admin)).filter(email__iexact=email, is_active=True).exists():
        raise AccountError("email", _("An account of this practice already has this address."))
    invitation = StaffInvitation.objects.create(
        practice_id=practice_of(admin),
        email=email,
        role=role,
        created_by=admin,
        expires_at=timezone.now() + invitation_lifetime(),
        **{key: value.strip() for key, value in details.items()},
    )
    record(request, AuditAction.CREATE, invitation, actor=admin, summary=f"staff invitation created ({role})")
    _send_after_commit(invitation, link_base)
    return invitation


@transaction.atomic
def do_resend_invitation(request: HttpRequest, admin: User, invitation: StaffInvitation, link_base: str) -> None:
    """A new link by e-mail, valid from now for the full lifetime; the earlier link stops working at once."""
    locked = StaffInvitation.objects.select_for_update().get(pk=invitation.pk)
    if not locked.is_pending:
        raise AccountError("", _("This invitation was used or revoked; invite again instead."))
    locked.sends += 1
    locked.digest = None
    locked.expires_at = timezone.now() + invitation_lifetime()
    locked.save(update_fields=["sends", "digest", "expires_at"])
    record(
        request,
        AuditAction.UPDATE,
        locked,
        actor=admin,
        summary=f"staff invitation resent (send {locked.sends}); the earlier link no longer works",
    )
    _send_after_commit(locked, link_base)


@transaction.atomic
def do_revoke_invitation(request: HttpRequest, admin: User, invitation: StaffInvitation) -> bool:
    """The link stops working for good; False (nothing written) when it was used or revoked already."""
    revoked = StaffInvitation.objects.filter(pk=invitation.pk, used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), digest=None
    )
    if revoked:
        record(request, AuditAction.UPDATE, invitation, actor=admin, summary="staff invitation revoked")
    return bool(revoked)


def invitation_for(token: str) -> StaffInvitation | None:
    return StaffInvitation.objects.select_related("practice").filter(digest=token_digest(token)).first()


def invitation_problem(invitation: StaffInvitation | None, now: dt.datetime) -> str | None:
    """Why a link cannot be used (a sentence for the invitee), or None when it can. A used, resent or revoked link
    has no digest any more, so it is simply not found."""
    if invitation is None or not invitation.is_pending:
        return _(
            "This link does not work (any more). It may have been used already or replaced by a newer invitation. "
            "Ask your practice admin for a new invitation."
        )
    if invitation.expires_at <= now:
        return _("This link has expired. Ask your practice admin for a new invitation.")
    return None


def username_taken(username: str) -> bool:
    return User.objects.filter(username__iexact=username).exists()


@transaction.atomic
def do_accept_invitation(request: HttpRequest, token: str, username: str, password: str) -> User:
    """Creates the invitee's account (role, discipline and registration as invited) and spends the link, in one
    transaction. The password has been checked by Django's validators in the form."""
    invitation = StaffInvitation.objects.select_for_update().filter(digest=token_digest(token)).first()
    problem = invitation_problem(invitation, timezone.now())
    if invitation is None or problem:
        raise AccountError("", problem or "")
    if username_taken(username):
        raise AccountError("username", _("This username is taken; choose another."))
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                username=username,
                password=password,
                email=invitation.email,
                first_name=invitation.first_name,
                last_name=invitation.last_name,
                practice=invitation.practice,
                role=invitation.role,
                discipline=invitation.discipline,
                register=invitation.register,
                registration_number=invitation.registration_number,
                preferred_language=(get_language() or "nl")[:2],
            )
    except IntegrityError:  # the same name chosen at the same moment by somebody else
        raise AccountError("username", _("This username is taken; choose another.")) from None
    invitation.used_at = timezone.now()
    invitation.digest = None
    invitation.account = user
    invitation.save(update_fields=["used_at", "digest", "account"])
    record(request, AuditAction.UPDATE, invitation, actor=user, summary="staff invitation accepted")
    record(request, AuditAction.CREATE, user, actor=user, summary=f"account created from an invitation ({user.role})")
    return user


# --- accounts ----------------------------------------------------------------------------------------------------


@transaction.atomic
def do_change_staff(request: HttpRequest, admin: User, account: User, **fields: str) -> list[str]:
    """Changes `role`, `discipline`, `register` and `registration_number`; returns the names of what changed.
    Leaving the clinician role ends the account's API tokens (only clinicians hold them)."""
    if fields.get("role", account.role) not in STAFF_ROLES:
        raise AccountError("role", _("Choose clinician or practice admin."))
    if account.pk == admin.pk and fields.get("role", account.role) != account.role:
        raise AccountError("role", _("You cannot change your own role; ask another practice admin."))
    problem = registration_problem(
        fields.get("register", account.register), fields.get("registration_number", account.registration_number)
    )
    if problem:
        raise AccountError(*problem)
    before = {name: getattr(account, name) for name in fields}
    for name, value in fields.items():
        setattr(account, name, value.strip())
    changed = [name for name in fields if getattr(account, name) != before[name]]
    if not changed:
        return []
    account.save(update_fields=changed)
    summary = ", ".join(
        f"role {before['role']} → {account.role}" if name == "role" else f"{name.replace('_', ' ')} changed"
        for name in changed
    )
    record(request, AuditAction.UPDATE, account, actor=admin, summary=f"account changed: {summary}")
    if "role" in changed and before["role"] == Role.CLINICIAN:
        do_revoke_all_tokens(account, reason="role changed", request=request)
    return changed


def end_sessions(user: User) -> int:
    """Deletes every live session of `user`. (A deactivated account's sessions are refused at the next request by
    the authentication backend anyway; deleting them keeps them dead after a reactivation.) Costs one pass over
    the live sessions — the people signed in in the last hours — and runs only when an admin deactivates."""
    ended = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=500):
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            ended.append(session.pk)
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


@transaction.atomic
def do_deactivate_account(request: HttpRequest, admin: User, account: User) -> bool:
    """The account can no longer sign in; its sessions and API tokens end; its records and audit trail stay.
    False (nothing written) when it was inactive already."""
    if account.pk == admin.pk:
        raise AccountError("", _("You cannot deactivate your own account; ask another practice admin."))
    if not User.objects.filter(pk=account.pk, is_active=True).update(is_active=False):
        return False
    account.is_active = False
    record(request, AuditAction.UPDATE, account, actor=admin, summary="account deactivated")
    do_revoke_all_tokens(account, reason="account deactivated", request=request)
    end_sessions(account)
    return True


@transaction.atomic
def do_reactivate_account(request: HttpRequest, admin: User, account: User) -> bool:
    """The account may sign in again (with its own password; its old API tokens stay revoked)."""
    if not User.objects.filter(pk=account.pk, is_active=False).update(is_active=True):
        return False
    account.is_active = True
    record(request, AuditAction.UPDATE, account, actor=admin, summary="account reactivated")
    return True


# --- the first practice (rugpad createadmin) ---------------------------------------------------------------------


@transaction.atomic
def do_create_practice_with_admin(
    *, practice_name: str, country: str, username: str, password: str, **details: Any
) -> tuple[Practice, User]:
    """A new practice and its first admin (the `rugpad createadmin` command). The caller checks the password."""
    if username_taken(username):
        raise AccountError("username", f"{username!r} is taken: that account exists already")
    practice = Practice.objects.create(name=practice_name, country=country)
    admin = User.objects.create_user(
        username=username, password=password, practice=practice, role=Role.ADMIN, **details
    )
    record(None, AuditAction.CREATE, practice, actor=admin, summary="practice created by rugpad createadmin")
    record(None, AuditAction.CREATE, admin, actor=admin, summary="practice admin created by rugpad createadmin")
    return practice, admin
