"""The aftercare stage of the demo practice: Marleen Jacobs (low back pain after a house move, with a login) was
discharged thirteen weeks ago after eight weeks of treatment; her therapist kept two exercises of her plan and set
check-ins at 13 and 26 weeks, so her first check-in is due today. Henk de Wit, discharged today by the outcomes
stage, is left without aftercare, for a clinician to set it up.

Everything goes through the actions of care, plans, outcomes and aftercare; only the dates of her questionnaires
are moved back afterwards, because a demo shows a history that the real clock could not have produced yet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone

from rugpad.core.vocab import Lang
from rugpad.web.aftercare import actions
from rugpad.web.care import actions as care_actions
from rugpad.web.care.models import Episode, InstrumentResponse, Intake
from rugpad.web.demo import SB_LOW, as_user, demo_account
from rugpad.web.outcomes import actions as outcomes_actions
from rugpad.web.outcomes import summary
from rugpad.web.plans import actions as plans_actions
from rugpad.web.plans.clinical import propose
from rugpad.web.practice.models import Practice, Role, User

WEEKS_SINCE_DISCHARGE = 13
TREATED_WEEKS = 8
KEPT = 2
"""How many exercises of her plan Marleen keeps doing."""


def _measured(episode: Episode, clinician: User, moment: str, on: dt.date, scores: Mapping[str, object]) -> None:
    request = as_user(clinician)
    for code, answers in scores.items():
        response = care_actions.do_record_response(request, episode, code, answers, moment=moment)  # type: ignore[arg-type]
        when = timezone.make_aware(dt.datetime.combine(on, dt.time(10, 0)))
        InstrumentResponse.objects.filter(pk=response.pk).update(completed_at=when)
    summary.refresh_episode(episode)


@transaction.atomic
def load_demo_extras(practice: Practice, today: dt.date) -> None:
    clinician = User.objects.filter(practice=practice, username="anna").first()
    if clinician is None:
        return
    discharged = today - dt.timedelta(weeks=WEEKS_SINCE_DISCHARGE)
    started = discharged - dt.timedelta(weeks=TREATED_WEEKS)
    request = as_user(clinician)
    patient = care_actions.do_create_patient(
        request,
        first_name="Marleen",
        last_name="Jacobs",
        date_of_birth=dt.date(1964, 9, 3),
        sex="female",
        gp_name="Huisartsenpraktijk Centrum",
        clinician=clinician,
    )
    patient.user = demo_account(practice, "marleen", "Marleen", "Jacobs", Role.PATIENT)
    patient.save(update_fields=["user"])
    episode = care_actions.do_open_episode(
        request, patient, region="low_back", started_on=started, onset_on=started - dt.timedelta(days=12)
    )
    care_actions.do_save_intake(
        request,
        Intake(
            episode=episode,
            complaint="Lage rugpijn na het verhuizen van zware dozen; geen uitstraling.",
            course="improving",
            help_request="Weer zonder pijn naar het werk kunnen fietsen.",
            goals="Weer zonder pijn naar het werk kunnen fietsen.",
        ),
    )
    care_actions.do_save_screening(request, episode, [], notes="")
    care_actions.do_record_response(request, episode, "startback", SB_LOW, moment="intake")
    proposal = propose(episode, Lang.NL)
    plans_actions.do_save_version(
        request,
        episode,
        proposal.specs,
        change="proposal accepted",
        confirm={spec.ref for spec in proposal.specs if spec.suitability == "caution"},
        starts_on=started,
        weeks=proposal.weeks,
        sessions_per_week=proposal.sessions_per_week,
    )
    odi = {str(item): 2 for item in range(1, 11)}
    _measured(episode, clinician, "intake", started, {"nprs": {"1": 6}, "psk": {"1": 7, "2": 6, "3": 5}, "odi": odi})
    end = {"nprs": {"1": 2}, "psk": {"1": 2, "2": 2, "3": 1}, "odi": {str(item): 0 for item in range(1, 11)}}
    _measured(episode, clinician, "end", discharged, end | {"gpe": {"1": 2}})
    outcomes_actions.do_discharge(
        request,
        episode,
        treatment="Acht weken: uitleg over het gunstige beloop, oefeningen voor romp en heupen, opbouw van fietsen.",
        advice="De twee oefeningen thuis blijven doen. Bij nieuwe klachten kan mevrouw zich opnieuw melden.",
        today=discharged,
    )
    kept = [item.pk for item in actions.maintenance_candidates(episode)[:KEPT]]
    actions.do_save_aftercare(
        request,
        episode,
        discharged_on=discharged,
        baseline_pain=2,
        exercise_ids=kept,
        advice="Twee keer per week de oefeningen, en blijf fietsen.",
        weeks=(13, 26),
    )
