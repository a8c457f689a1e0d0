"""The portal's part of the demo: Emma Peeters, mid-treatment, with a login, three weeks of diary and a soft alert;
Noor Bos with an invitation that is still open. Written through the portal's actions, like a real practice."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils import timezone

from rugpad.web.care.models import Patient
from rugpad.web.demo import DEMO_PASSWORD, as_user
from rugpad.web.portal import actions
from rugpad.web.practice.models import Practice, User

DIARY_DAYS = 20
# (days ago → pain now, exercises): settling in, a good second week, then a flare this week (the soft alert).
_PAIN = [4, 4, 3, 3, 4, 3, 3, 3, 2, 3, 3, 2, 3, 4, 5, 5, 5, 6, 5, 6]
_SKIPPED = {9, 3}


def _anonymous() -> HttpRequest:
    request = HttpRequest()
    request.user = AnonymousUser()
    request.META["REMOTE_ADDR"] = "127.0.0.1"
    return request


def load_demo_extras(practice: Practice, today: dt.date) -> None:
    clinician = User.objects.get(username="anna", practice=practice)
    emma = Patient.objects.get(practice=practice, first_name="Emma", last_name="Peeters")
    new = actions.do_invite_patient(as_user(clinician), emma, lambda token: f"/portal/welcome/{token}/")
    user = actions.do_accept_invitation(_anonymous(), new.token, DEMO_PASSWORD, username="emma")
    request = as_user(user)
    for index, pain in enumerate(_PAIN):
        days_ago = DIARY_DAYS - 1 - index
        day = today - dt.timedelta(days=days_ago)
        evening = timezone.make_aware(dt.datetime.combine(day, dt.time(20, 30)))
        data = {
            "day": day,
            "pain_now": pain,
            "pain_exercise": min(pain + 1, 10),
            "pain_next_morning": pain,
            "exercises": "no" if days_ago in _SKIPPED else "yes",
            "minutes_walked": 20 + (index % 4) * 10,
            "sleep_quality": 5 if pain > 4 else 7,
            "medication": "usual" if pain > 4 else "none",
            "note": "",
            "alarms": [],
        }
        actions.do_save_diary(request, emma, data, now=min(evening, timezone.now()))
    _messages(clinician, user, emma)
    noor = Patient.objects.get(practice=practice, first_name="Noor", last_name="Bos")
    actions.do_invite_patient(as_user(clinician), noor, lambda token: f"/portal/welcome/{token}/")


def _messages(clinician: User, user: User, emma: Patient) -> None:
    """A short thread: Anna asked, Emma answered and asked back (her question still unread on Anna's dashboard)."""
    episode = actions.thread_episode(emma)
    if episode is None:
        return
    actions.do_send_message(
        as_user(clinician), episode, "Hoe gaat het met de oefeningen sinds vorige week? Lukt de brug al met twee benen?"
    )
    request = as_user(user)
    actions.do_read_messages(request, episode)
    actions.do_send_message(
        request, episode, "De brug gaat goed. Deze week heb ik wel meer pijn na het wandelen. Moet ik minder lopen?"
    )
