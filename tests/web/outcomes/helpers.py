"""Test helpers: store a completed questionnaire on a given day, and move the outcomes clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.utils import timezone

from rugpad.web.care import actions
from rugpad.web.care.models import Episode, InstrumentResponse
from rugpad.web.demo import as_user
from rugpad.web.practice.models import User

ODI_40 = {str(item): 2 for item in range(1, 11)}
ODI_36 = {**{str(item): 2 for item in range(1, 9)}, "9": 1, "10": 1}
ODI_20 = {str(item): 1 for item in range(1, 11)}


def fill(
    clinician: User, episode: Episode, code: str, answers: Mapping[str, object], on: dt.date, moment: str = ""
) -> InstrumentResponse:
    response = actions.do_record_response(as_user(clinician), episode, code, answers, moment=moment)
    when = timezone.make_aware(dt.datetime.combine(on, dt.time(10, 0)))
    InstrumentResponse.objects.filter(pk=response.pk).update(completed_at=when)
    response.refresh_from_db()
    return response
