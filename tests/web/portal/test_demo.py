"""The portal's demo: Emma has a login and a diary history with one open soft alert; Noor has an open invitation."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from rugpad.web import demo
from rugpad.web.portal.demo import DIARY_DAYS, load_demo_extras
from rugpad.web.portal.models import Alert, DiaryEntry, Invitation
from rugpad.web.practice.models import Practice
from tests.web.conftest import client_for


@pytest.mark.django_db
def test_demo_gives_emma_a_diary_and_one_soft_alert_and_noor_an_open_invitation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(demo, "DEMO_EXTENSIONS", ())
    today = timezone.localdate()
    demo.load_demo(today)
    load_demo_extras(Practice.objects.get(name=demo.PRACTICE_NAME), today)
    entries = DiaryEntry.objects.filter(patient__user__username="emma")
    assert entries.count() == DIARY_DAYS
    assert {e.day for e in entries} == {today - timezone.timedelta(days=n) for n in range(DIARY_DAYS)}
    (alert,) = Alert.objects.all()
    assert (alert.kind, alert.rule_id, alert.acknowledged_at) == ("trend", "trend.pain_rising", None)
    open_invitation = Invitation.objects.get(patient__last_name="Bos")
    assert open_invitation.used_at is None and open_invitation.revoked_at is None
    home = client_for(alert.patient.user).get(reverse("patient_home"))
    assert home.status_code == 200 and "Emma" in home.content.decode()
