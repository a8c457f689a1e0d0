"""Demo stage of care: accepted plan proposals for the patients who are mid-treatment, and two weeks of guided
sessions for Sanne de Vries (who has a login), all written through the real actions."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone

from rugpad.core.errors import InvalidInput
from rugpad.core.vocab import Lang
from rugpad.web.care.models import Episode
from rugpad.web.demo import as_user
from rugpad.web.plans import actions
from rugpad.web.plans.clinical import propose
from rugpad.web.plans.models import ItemKind, TreatmentPlan
from rugpad.web.practice.models import Practice

MID_TREATMENT = (("Emma", "Peeters"), ("Noor", "Bos"), ("Sanne", "de Vries"), ("Lotte", "Smit"))
LOGGED = ("Sanne", "de Vries")
# (days ago, pain during per exercise in order, settled by next morning): a gently improving fortnight.
DEMO_SESSIONS = ((13, 4, True), (11, 4, True), (9, 3, True), (6, 3, True), (4, 2, True), (2, 2, True))


def load_demo_extras(practice: Practice, today: dt.date) -> None:
    for first, last in MID_TREATMENT:
        episode = Episode.objects.filter(
            patient__practice=practice, patient__first_name=first, patient__last_name=last
        ).first()
        if episode is None or episode.patient.clinician is None:
            continue
        request = as_user(episode.patient.clinician)
        try:
            proposal = propose(episode, Lang.NL)
        except InvalidInput:  # e.g. an open red flag: no plan until it is acted on, in the demo as in practice
            continue
        confirm = {spec.ref for spec in proposal.specs if spec.suitability == "caution"}
        actions.do_save_version(
            request,
            episode,
            proposal.specs,
            change="proposal accepted",
            confirm=confirm,
            starts_on=episode.started_on,
            weeks=proposal.weeks,
            sessions_per_week=proposal.sessions_per_week,
        )
        if (first, last) == LOGGED and episode.patient.user is not None:
            _sessions(episode, today)


def _sessions(episode: Episode, today: dt.date) -> None:
    plan = TreatmentPlan.objects.get(episode=episode)
    version = plan.current()
    assert version is not None
    request = as_user(episode.patient.user)  # type: ignore[arg-type]
    exercises = list(version.ordered_items().filter(kind=ItemKind.EXERCISE))
    for days_ago, pain, settled in DEMO_SESSIONS:
        moment = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(18, 30)))
        session_key = uuid.uuid4()
        for item in exercises:
            actions.do_log_entry(
                request,
                episode.patient,
                plan,
                {
                    "key": uuid.uuid4(),
                    "session_key": session_key,
                    "item_id": item.pk,
                    "exercise_id": item.ref,
                    "sets_done": item.sets or 1,
                    "reps_done": (item.repetitions or 0) * (item.sets or 1) or None,
                    "hold_seconds": item.hold_seconds,
                    "minutes": item.minutes,
                    "pain_during": pain,
                    "effort": "ok" if pain > 2 else "easy",
                    "settled_since_last": settled,
                    "started_at": moment,
                    "done_at": moment,
                },
            )
