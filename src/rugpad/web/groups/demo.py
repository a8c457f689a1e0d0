"""The group stage of the demo practice: Anna runs two group programmes.

- "Bouwbedrijf Jansen, kantoor" (an employer): four exercises for people at a desk — the standing pelvic stretch
  (its caution confirmed by Anna), shoulder rolls, the sitting chin tuck and the walking programme. Seven people
  joined, one is still invited; over the last eight weeks they did sessions, so the group page shows its anonymous
  figures. Ellen (login `ellen`, the demo password) is one of them: she sees the programme on her phone.
- "Tennisclub De Lobber" (a sports club): three joined — fewer than the minimum, so no figures are shown.

Everything goes through the groups app's actions; the demo makes each invitation's link itself (the mail job
would), and dates sessions in the past through the same action the guided session posts to.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid

from django.db import transaction
from django.utils import timezone

from rugpad.web.demo import DEMO_PASSWORD
from rugpad.web.groups import actions
from rugpad.web.groups.models import ExerciseGroup, Participant
from rugpad.web.practice.accounts import token_digest
from rugpad.web.practice.models import Practice, User

OFFICE = ("standing-pelvic-stretch", "shoulder-rolls", "chin-tuck-sitting", "walking-programme")
CLUB = ("bird-dog", "hip-flexor-stretch", "bridge")
OFFICE_PEOPLE = (
    ("Ellen", "ellen"),
    ("Ahmed", None),
    ("Joke", None),
    ("Ruud", None),
    ("Priya", None),
    ("Bas", None),
    ("Mieke", None),
)
"""(first name, demo login) — only Ellen's login is for signing in; the others sign in with their address."""
CLUB_PEOPLE = ("Tom", "Fleur", "Daan")
WEEKS = 8


def _joined(clinician: User, group: ExerciseGroup, name: str, username: str | None, since: dt.date) -> Participant:
    email = f"{name.lower()}@{'jansen' if group.kind == 'employer' else 'delobber'}.example"
    participant = actions.do_invite_participant(
        clinician, group, name=name, email=email, language="nl", link_base="http://localhost/"
    )
    token = secrets.token_urlsafe(32)  # the link the mail job would have made
    Participant.objects.filter(pk=participant.pk).update(digest=token_digest(token), mailed=participant.sends)
    actions.do_join(token, DEMO_PASSWORD, username=username)
    # the history starts before the first session (only the dates are moved: the real clock could not make them)
    joined = timezone.make_aware(dt.datetime.combine(since, dt.time(9, 0)))
    Participant.objects.filter(pk=participant.pk).update(invited_at=joined, joined_at=joined)
    participant.refresh_from_db()
    return participant


def _sessions(participant: Participant, days: list[dt.date], exercises: tuple[str, ...]) -> None:
    user = participant.user
    assert user is not None
    for day in days:
        session_key = uuid.uuid4()
        when = timezone.make_aware(dt.datetime.combine(day, dt.time(12, 30)))
        for n, exercise_id in enumerate(exercises):
            entry = {
                "key": uuid.uuid4(),
                "session_key": session_key,
                "exercise_id": exercise_id,
                "skipped": n == len(exercises) - 1 and day.day % 3 == 0,  # now and then the walk is skipped
                "done_at": when + dt.timedelta(minutes=2 * n),
            }
            actions.do_log_entry(user, participant, entry)


def _days(today: dt.date, index: int) -> list[dt.date]:
    """Who exercised when: most people a few times a week at first, fewer later; one person stopped after three
    weeks; a plain pattern (no randomness), so every demo looks the same."""
    first = today - dt.timedelta(weeks=WEEKS - 1, days=today.weekday())
    weekdays = ((0, 2, 4), (1, 3), (0, 3), (2,), (0, 1, 4), (3,), (1, 4))[index % 7]
    days = []
    for week in range(WEEKS):
        if index == 5 and week > 2:
            break
        for weekday in weekdays[: max(1, len(weekdays) - week // 4)]:
            day = first + dt.timedelta(weeks=week, days=weekday)
            if day <= today:
                days.append(day)
    return days


@transaction.atomic
def load_demo_extras(practice: Practice, today: dt.date) -> None:
    clinician = User.objects.filter(practice=practice, username="anna").first()
    if clinician is None:
        return
    since = today - dt.timedelta(weeks=WEEKS, days=today.weekday() - 4)  # the Friday before the first week
    office = actions.do_create_group(clinician, name="Bouwbedrijf Jansen, kantoor", kind="employer")
    for exercise_id in OFFICE:
        actions.do_add_exercise(clinician, office, exercise_id, confirm_caution=True)
    for index, (name, login) in enumerate(OFFICE_PEOPLE):
        person = _joined(clinician, office, name, login, since)
        _sessions(person, _days(today, index), OFFICE)
    actions.do_invite_participant(
        clinician, office, name="Kees", email="kees@jansen.example", language="nl", link_base="http://localhost/"
    )
    ellen = Participant.objects.select_related("user").get(group=office, user__username="ellen")
    assert ellen.user is not None
    actions.do_save_reminders(ellen.user, ellen, reminders=True, remind_at=dt.time(12, 0))

    club = actions.do_create_group(clinician, name="Tennisclub De Lobber", kind="sports_club")
    for exercise_id in CLUB:
        actions.do_add_exercise(clinician, club, exercise_id, confirm_caution=False)
    for index, name in enumerate(CLUB_PEOPLE):
        _sessions(_joined(clinician, club, name, None, since), _days(today, index), CLUB)
