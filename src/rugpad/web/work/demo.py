"""The work module's part of the demo: Lotte Smit (neck pain after a lot of screen work, with a login) filled in the
workplace check — laptop low and close, over six hours of sitting with few breaks — and her therapist reviewed it,
set a break routine with her (Monday to Friday, 08:30–17:00, a break every hour), recorded her consent for the
occupational physician and drafted a report. Written through the work app's actions, like a real practice; Sanne
de Vries is left without a check, for a patient to try it."""

from __future__ import annotations

import datetime as dt

from rugpad.core.vocab import Lang
from rugpad.web.care.models import Episode, EpisodeStatus
from rugpad.web.demo import as_user
from rugpad.web.outcomes.models import ConsentDecision, ConsentMethod
from rugpad.web.practice.models import Practice
from rugpad.web.work import actions
from rugpad.web.work.clinical import plan_goals

LOTTE_ANSWERS = {
    "work_kind": "desk",
    "chair": "yes",
    "desk_height": "not_sure",
    "screen_height": "lower",
    "screen_distance": "closer",
    "sitting_hours": "over_6",
    "breaks": "rarely",
    "lifting": "no",
    "lifting_how": "no_lifting",
    "work_pressure": "moderate",
    "relations": "good",
    "satisfaction": "satisfied",
    "absence": "as_usual",
}


def load_demo_extras(practice: Practice, today: dt.date) -> None:
    episode = (
        Episode.objects.filter(
            patient__practice=practice,
            patient__first_name="Lotte",
            patient__last_name="Smit",
            status=EpisodeStatus.OPEN,
        )
        .select_related("patient__user", "patient__clinician", "patient__practice")
        .first()
    )
    if episode is None or episode.patient.user is None or episode.patient.clinician is None:
        return
    patient, clinician = as_user(episode.patient.user), as_user(episode.patient.clinician)
    check = actions.do_submit_check(patient, episode, LOTTE_ANSWERS)
    actions.do_review_check(
        clinician,
        check,
        "Besproken: laptop op een standaard met los toetsenbord en muis; Lotte vraagt die via haar werkgever aan. "
        "Pauzeroutine samen ingesteld.",
    )
    actions.do_save_routine(
        clinician,
        episode,
        days=[0, 1, 2, 3, 4],
        start=dt.time(8, 30),
        end=dt.time(17, 0),
        every_minutes=60,
        active=True,
    )
    actions.do_record_consent(
        clinician,
        episode,
        decision=ConsentDecision.GIVEN,
        method=ConsentMethod.VERBAL,
        given_by=str(episode.patient),
        recipient="Dr. J. Visser, Arbodienst Midden",
        note="",
    )
    goals = [goal.item.pk for goal in plan_goals(episode, Lang.NL) if goal.about_work]
    actions.do_draft_report(
        clinician,
        episode,
        today=today,
        lang=Lang.NL.value,
        goal_ids=goals,
        remarks="Lotte werkt volledig. Advies: laptop op ooghoogte en elk uur een korte pauze met oefening.",
    )
