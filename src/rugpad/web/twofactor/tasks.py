"""The e-mail that tells a patient their two-step sign-in was reset (so a reset they did not ask for does not go
unnoticed). It names no patient record and no clinical content; it is sent once per reset, whatever the retries
(`jobs.delivery.email_once` under the reset's key)."""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from huey.contrib.djhuey import db_task  # type: ignore[import-untyped]

from rugpad.web.jobs.delivery import email_once
from rugpad.web.twofactor.models import TwoStepReset


@db_task(retries=3, retry_delay=60)  # type: ignore[untyped-decorator]
def send_reset_notice(reset_id: int) -> bool:
    reset = TwoStepReset.objects.select_related("user__practice").filter(pk=reset_id).first()
    if reset is None or not reset.user.is_active:
        return False
    user = reset.user
    with translation.override(user.preferred_language or "nl"):
        subject = _("Your two-step sign-in of rugpad was reset")
        body = _(
            "Your practice, %(practice)s, reset your two-step sign-in of rugpad on %(when)s, at your request.\n\n"
            "From now on you sign in with your username and password alone. If you like, you can set up two-step "
            "sign-in again with the app on your new phone, on your own page in rugpad.\n\n"
            "Did you not ask for this? Then call your practice straight away.\n"
        ) % {
            "practice": user.practice.name if user.practice else "rugpad",
            "when": timezone.localtime(reset.at).strftime("%d-%m-%Y %H:%M"),
        }
    return email_once(f"twofactor-reset:{reset.pk}", user, subject, body)
