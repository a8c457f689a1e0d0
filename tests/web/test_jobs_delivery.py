"""A notification is sent at most once per key, and a failed send can be retried."""

from __future__ import annotations

import pytest
from django.core import mail

from rugpad.web.jobs.delivery import email_once
from rugpad.web.jobs.models import Delivery
from tests.web.conftest import World


def test_the_same_key_sends_one_mail(world: World) -> None:
    world.patient_user.email = "pat@example.org"
    assert email_once("test:1", world.patient_user, "Iets voor u in rugpad", "Log in om het te zien.")
    assert not email_once("test:1", world.patient_user, "Iets voor u in rugpad", "Log in om het te zien.")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["pat@example.org"]


def test_a_failed_send_gives_the_key_back(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    world.patient_user.email = "pat@example.org"

    def broken(*args: object, **kwargs: object) -> int:
        raise OSError("mail server down")

    monkeypatch.setattr("rugpad.web.jobs.delivery.send_mail", broken)
    with pytest.raises(OSError):
        email_once("test:2", world.patient_user, "s", "b")
    assert not Delivery.objects.filter(key="test:2").exists()
    monkeypatch.undo()
    assert email_once("test:2", world.patient_user, "s", "b")


def test_no_address_no_mail(world: World) -> None:
    world.patient_user.email = ""
    assert not email_once("test:3", world.patient_user, "s", "b") and not mail.outbox
