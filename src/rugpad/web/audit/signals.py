"""Logins, logouts, failed logins and password changes go into the audit log too."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from rugpad.web.audit.log import record
from rugpad.web.audit.models import AuditAction
from rugpad.web.practice.signals import password_changed


@receiver(user_logged_in)
def _logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    record(request, AuditAction.LOGIN, actor=user)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(request, AuditAction.LOGOUT, actor=user)


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any) -> None:
    """Attributed to the account that was tried, so its practice admin sees it. Text typed as a user name that
    matches no account is not stored: it may well be a password typed into the wrong field."""
    from django.contrib.auth import get_user_model

    tried = get_user_model().objects.filter(username=credentials.get("username", "")).first()
    if tried is None:
        record(request, AuditAction.LOGIN_FAILED, summary="unknown user name")
    else:
        record(
            request,
            AuditAction.LOGIN_FAILED,
            tried,
            summary=f"failed login for {tried.get_username()}",
            practice=tried.practice,
        )


@receiver(password_changed)
def _password_changed(sender: Any, user: Any, **kwargs: Any) -> None:
    """Every way a password changes sends this (the password page, the admin, `changepassword`); none hands over
    its request, so the event has no address. Attributed to the account itself: on the password page that is who
    acted; an administrator's change shows in Django's admin history as well."""
    record(None, AuditAction.PASSWORD_CHANGE, user, actor=user, summary="password changed")
