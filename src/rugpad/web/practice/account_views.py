"""The practice admin's account pages (list, invite, one account: role, deactivate, reactivate; resend and revoke
an invitation) and the invitee's sign-up page behind the mailed link. Thin: parse → access → action → render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rugpad.web.care.access import require_practice_admin
from rugpad.web.practice import accounts
from rugpad.web.practice.forms import InviteForm, JoinForm, StaffForm

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _link_base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _page(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return max(1, min(int(raw), 10_000)) if raw.isascii() and raw.isdigit() else 1


@login_required
def account_list(request: HttpRequest) -> HttpResponse:
    admin = require_practice_admin(request)
    page = _page(request)
    staff, more = accounts.staff_page(accounts.practice_of(admin), page)
    invitations = accounts.pending_invitations(accounts.practice_of(admin))[: accounts.PAGE_SIZE]
    return render(
        request,
        "practice/accounts.html",
        {"staff": staff, "page": page, "more": more, "invitations": invitations, "now": timezone.now()},
    )


@login_required
def account_invite(request: HttpRequest) -> HttpResponse:
    admin = require_practice_admin(request)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = accounts.do_invite_staff(request, admin, link_base=_link_base(request), **form.cleaned_data)
        except accounts.AccountError as error:
            form.add_error(error.field or None, error.message)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
            return redirect("accounts")
    return render(request, "practice/invite.html", {"form": form, "days": accounts.invitation_lifetime().days})


@login_required
def account_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    admin, account = accounts.access_staff_account(request, user_id)
    initial = {name: getattr(account, name) for name in ("role", "discipline", "register", "registration_number")}
    form = StaffForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            changed = accounts.do_change_staff(request, admin, account, **form.cleaned_data)
        except accounts.AccountError as error:
            form.add_error(error.field or None, error.message)
        else:
            messages.success(request, _("Saved.") if changed else _("Nothing was changed."))
            return redirect("account_detail", account.pk)
    return render(
        request, "practice/account_detail.html", {"account": account, "form": form, "is_self": account == admin}
    )


@login_required
@require_POST
def account_deactivate(request: HttpRequest, user_id: int) -> HttpResponse:
    admin, account = accounts.access_staff_account(request, user_id)
    try:
        if accounts.do_deactivate_account(request, admin, account):
            messages.success(request, _("%(name)s can no longer sign in.") % {"name": account.get_username()})
    except accounts.AccountError as error:
        messages.error(request, error.message)
    return redirect("account_detail", account.pk)


@login_required
@require_POST
def account_reactivate(request: HttpRequest, user_id: int) -> HttpResponse:
    admin, account = accounts.access_staff_account(request, user_id)
    if accounts.do_reactivate_account(request, admin, account):
        messages.success(request, _("%(name)s can sign in again.") % {"name": account.get_username()})
    return redirect("account_detail", account.pk)


@login_required
@require_POST
def invitation_resend(request: HttpRequest, invitation_id: int) -> HttpResponse:
    admin, invitation = accounts.access_staff_invitation(request, invitation_id)
    try:
        accounts.do_resend_invitation(request, admin, invitation, _link_base(request))
    except accounts.AccountError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("A new link was sent to %(email)s; the earlier link no longer works.") % {"email": invitation.email},
        )
    return redirect("accounts")


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, invitation_id: int) -> HttpResponse:
    admin, invitation = accounts.access_staff_invitation(request, invitation_id)
    if accounts.do_revoke_invitation(request, admin, invitation):
        messages.success(request, _("The invitation for %(email)s was revoked.") % {"email": invitation.email})
    return redirect("accounts")


def join(request: HttpRequest, token: str) -> HttpResponse:
    """The invitee's one-time link: choose a username and a password, get the account, land signed in."""
    invitation = accounts.invitation_for(token)
    problem = accounts.invitation_problem(invitation, timezone.now())
    if invitation is None or problem:
        return render(request, "practice/join_invalid.html", {"problem": problem}, status=404)
    form = JoinForm(request.POST or None, invitation=invitation)
    if request.method == "POST" and form.is_valid():
        try:
            user = accounts.do_accept_invitation(
                request, token, form.cleaned_data["username"], form.cleaned_data["password1"]
            )
        except accounts.AccountError as error:
            if error.field != "username":
                return render(request, "practice/join_invalid.html", {"problem": error.message}, status=404)
            form.add_error("username", error.message)
        else:
            login(request, user, backend=MODEL_BACKEND)
            messages.success(request, _("Welcome! You are signed in as %(username)s.") % {"username": user.username})
            return redirect("home")
    return render(request, "practice/join.html", {"form": form, "invitation": invitation})
