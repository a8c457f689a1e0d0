"""The two-step sign-in pages: set up (QR code, secret, first code → recovery codes shown once), the code asked
after the password, new recovery codes, turning it off where it is optional, and the admin's reset of a colleague's.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import rotate_token
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login  # type: ignore[import-untyped]
from django_otp.plugins.otp_totp.models import TOTPDevice  # type: ignore[import-untyped]

from rugpad.web.care.access import require_practice_admin
from rugpad.web.practice.models import User, request_user
from rugpad.web.twofactor import actions
from rugpad.web.twofactor.devices import (
    ROLES_REQUIRED,
    confirmed_app,
    locked,
    qr_svg,
    recovery_codes_left,
    required_for,
    secret_of,
)
from rugpad.web.twofactor.forms import AppCodeForm, SignInCodeForm
from rugpad.web.twofactor.models import RecoveryDevice


def _next(request: HttpRequest) -> str:
    """Where to go once done: the page the user asked for, if it is one of ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


def _verified(request: HttpRequest) -> bool:
    return bool(request_user(request).is_verified())  # type: ignore[attr-defined]


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """No app yet: the QR code, the secret and the first code. An app: its state, new recovery codes, turning off."""
    user = request_user(request)
    app = confirmed_app(user)
    if app is not None:
        if not _verified(request):
            return redirect("twofactor_verify")
        context = {"app": app, "codes_left": recovery_codes_left(user), "required": required_for(user)}
        return render(request, "twofactor/status.html", context)
    device = actions.do_start_enrolment(user)
    form = AppCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not device.verify_is_allowed()[0]:
            form.add_error("code", _("Wait a few seconds, then type the code the app shows now."))
        else:
            codes = actions.do_confirm_app(request, user, device, form.cleaned_data["code"])
            if codes is None:
                form.add_error("code", _("This code is not right. Type the six digits the app shows now."))
            else:
                device.refresh_from_db()
                otp_login(request, device)
                request.session.cycle_key()
                rotate_token(request)
                return render(request, "twofactor/recovery_codes.html", {"codes": codes, "next": _next(request)})
    context = {
        "form": form,
        "qr": qr_svg(device, _("QR code to scan with your authenticator app")),
        "secret": secret_of(device),
        "required": required_for(user),
        "next": _next(request),
    }
    return render(request, "twofactor/setup.html", context)


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """After the password: the code from the app or a recovery code, before any other page opens."""
    user = request_user(request)
    if _verified(request) or confirmed_app(user) is None:
        return redirect(_next(request) if _verified(request) else "twofactor_setup")
    if locked(user):
        return render(request, "twofactor/locked.html", status=429)
    form = SignInCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = actions.do_check_code(request, user, form.cleaned_data["code"])
        if check.device is not None:
            otp_login(request, check.device)
            request.session.cycle_key()  # a new session key for the raised sign-in, as at the password step
            rotate_token(request)
            if isinstance(check.device, RecoveryDevice):
                left = recovery_codes_left(user)
                messages.warning(
                    request,
                    _("You used a recovery code; %(left)s are left. Make new ones on the two-step sign-in page.")
                    % {"left": left},
                )
            return redirect(_next(request))
        if check.wait:
            form.add_error("code", _("Wait a few seconds, then type the code the app shows now."))
        elif locked(user):
            return render(request, "twofactor/locked.html", status=429)
        else:
            form.add_error("code", _("This code is not right. Check the code and try again."))
    return render(request, "twofactor/verify.html", {"form": form, "next": _next(request)})


@login_required
@require_POST
def new_recovery_codes(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if confirmed_app(user) is None or not _verified(request):
        return redirect("twofactor_setup")
    codes = actions.do_new_recovery_codes(request, user)
    return render(request, "twofactor/recovery_codes.html", {"codes": codes, "next": "", "renewed": True})


@login_required
@require_POST
def turn_off(request: HttpRequest) -> HttpResponse:
    """Only where it is optional (patients; everybody in the demo), and only from a verified session."""
    user = request_user(request)
    if required_for(user):
        raise Http404("Not found")
    if confirmed_app(user) is not None and _verified(request):
        actions.do_turn_off(request, user)
        messages.success(request, _("Two-step sign-in is off. You sign in with your password alone."))
    return redirect("twofactor_setup")


def _colleagues(admin: User) -> list[User]:
    """The practice's clinicians and admins, with whether each has a confirmed app (`has_app`)."""
    confirmed = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    return list(
        User.objects.filter(practice=admin.practice, role__in=ROLES_REQUIRED)
        .annotate(has_app=Exists(confirmed))
        .order_by(Lower("last_name"), Lower("first_name"), "username")
    )


@login_required
def colleagues(request: HttpRequest) -> HttpResponse:
    """The practice admin's list: who of the staff has two-step sign-in, and a reset for a lost phone."""
    admin = require_practice_admin(request)
    return render(request, "twofactor/colleagues.html", {"people": _colleagues(admin)})


@login_required
@require_POST
def reset(request: HttpRequest, user_id: int) -> HttpResponse:
    admin = require_practice_admin(request)
    target = User.objects.filter(pk=user_id, practice=admin.practice, role__in=ROLES_REQUIRED).first()
    if target is None:
        raise Http404("No such colleague")
    actions.do_reset(request, admin, target)
    name = target.get_full_name() or target.get_username()
    messages.success(
        request,
        _("Two-step sign-in of %(name)s is reset: their app and recovery codes no longer work.") % {"name": name},
    )
    return redirect("twofactor_colleagues")
