"""The demo loads plans for the patients mid-treatment and a fortnight of sessions for Sanne."""

from __future__ import annotations

import pytest
from django.utils import timezone

from rugpad.web.demo import load_demo
from rugpad.web.plans.models import ExerciseSetLog, TreatmentPlan


@pytest.mark.django_db
def test_the_demo_has_plans_and_session_logs() -> None:
    load_demo(timezone.localdate())
    names = set(TreatmentPlan.objects.values_list("episode__patient__last_name", flat=True))
    assert len(names & {"Peeters", "Bos", "de Vries", "Smit"}) >= 3, names
    assert ExerciseSetLog.objects.filter(session__patient__last_name="de Vries").count() >= 6
