"""The outcomes stage of the demo practice: Noor Bos due for her 3-4 week re-evaluation, Henk de Wit discharged
after nine weeks with a report to his GP (consent recorded; every measurement moment done on its date), and Sanne
de Vries having read part of her education.

Everything goes through the actions; only the dates of earlier questionnaires are moved back afterwards, because a
demo has to show a history that the real clock could not have produced yet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone

from rugpad.web.care import actions as care_actions
from rugpad.web.care.models import Episode, InstrumentResponse
from rugpad.web.demo import as_user
from rugpad.web.outcomes import actions, summary
from rugpad.web.practice.models import Practice

ODI_MODERATE = {str(item): 2 for item in range(1, 11)}  # 40 %
ODI_MILD = {str(item): 1 for item in range(1, 11)}  # 20 %


def _episode(practice: Practice, last_name: str) -> Episode | None:
    return (
        Episode.objects.filter(patient__practice=practice, patient__last_name=last_name)
        .select_related("patient__clinician")
        .first()
    )


def _fill(episode: Episode, moment: str, on: dt.date, scores: Mapping[str, Mapping[str, object]]) -> None:
    clinician = episode.patient.clinician
    assert clinician is not None
    request = as_user(clinician)
    for code, answers in scores.items():
        response = care_actions.do_record_response(request, episode, code, answers, moment=moment)
        when = timezone.make_aware(dt.datetime.combine(on, dt.time(10, 0)))
        InstrumentResponse.objects.filter(pk=response.pk).update(completed_at=when)
    summary.refresh_episode(episode)  # the dashboard's summary reads the dates just moved


@transaction.atomic
def load_demo_extras(practice: Practice, today: dt.date) -> None:
    noor = _episode(practice, "Bos")
    if noor is not None:
        _fill(noor, "intake", noor.started_on, {"nprs": {"1": 6}, "psk": {"1": 7, "2": 6, "3": 5}, "odi": ODI_MODERATE})
        actions.do_request_due(as_user(noor.patient.clinician), noor, today)  # type: ignore[arg-type]
    emma = _episode(practice, "Peeters")
    if emma is not None:  # mid-treatment (plan, sessions, diary): her 3-4 week re-evaluation has just fallen due
        _fill(emma, "intake", emma.started_on, {"nprs": {"1": 6}, "psk": {"1": 7, "2": 6, "3": 6}, "odi": ODI_MODERATE})
    henk = _episode(practice, "de Wit")
    if henk is not None:
        clinician = henk.patient.clinician
        request = as_user(clinician)  # type: ignore[arg-type]
        start = henk.started_on
        _fill(henk, "intake", start, {"nprs": {"1": 7}, "psk": {"1": 8, "2": 7, "3": 6}, "odi": ODI_MODERATE})
        _fill(
            henk,
            "reevaluation-3-4-weeks",
            start + dt.timedelta(days=23),
            {"nprs": {"1": 4}, "psk": {"1": 5, "2": 4, "3": 4}, "odi": ODI_MILD},
        )
        _fill(henk, "end", today, {"nprs": {"1": 2}, "psk": {"1": 3, "2": 2, "3": 2}, "odi": ODI_MILD, "gpe": {"1": 2}})
        actions.do_record_consent(
            request, henk, decision="given", method="verbal", given_by="Henk de Wit",
            recipient="Huisartsenpraktijk Centrum", note="",
        )  # fmt: skip
        actions.do_discharge(
            request,
            henk,
            treatment="Zes behandelingen in negen weken: uitleg over het gunstige beloop, oefeningen voor romp en "
            "heupen, advies om lange ritten te onderbreken met een korte wandeling.",
            advice="Oefeningen thuis voortzetten. Bij nieuwe klachten kan meneer zich opnieuw melden.",
            today=today,
        )
    sanne = _episode(practice, "de Vries")
    if sanne is not None and sanne.patient.user is not None:
        actions.do_assign_education(as_user(sanne.patient.clinician), sanne)  # type: ignore[arg-type]
        for assignment in sanne.education.all()[:2]:
            actions.do_mark_read(as_user(sanne.patient.user), assignment)
