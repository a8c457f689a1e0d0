"""Messages in the browser: Emma writes to her therapist on her phone and sees it in the thread; words that name an
alarm sign show her when to contact whom at once; Anna sees the new message on her dashboard (desktop) and answers;
Emma reads the answer."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from rugpad.web import demo
from rugpad.web.care.models import RedFlag
from rugpad.web.portal.models import Message
from rugpad.web.practice.models import User
from tests.e2e.conftest import load_demo_here, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

QUESTION = "Mag ik deze week ook weer fietsen naar mijn werk?"
ANSWER = "Ja, begin met korte ritjes en kijk hoe uw rug de volgende ochtend reageert."


@pytest.fixture
def base(live_server: Any) -> str:
    load_demo_here(("portal",))  # only this app's stage of care
    return str(live_server.url)


def _log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", demo.DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)


def test_emma_writes_on_her_phone_and_anna_answers(page: Any, phone: Any, base: str) -> None:
    flags_before = RedFlag.objects.count()
    for username in ("anna", "emma"):  # the demo's logins have no address; a practice's real ones do
        User.objects.filter(username=username).update(email=f"{username}@example.org")
    mail.outbox.clear()

    # Emma, on her phone, opens her messages from her home page and writes a question.
    _log_in(phone, base, "emma")
    assert phone.locator("#home-messages").is_visible()
    screenshot(phone, "messages-01-home")
    phone.click("#messages-button")
    phone.wait_for_url("**/messages/")
    assert phone.locator("#message-form").is_visible()
    phone.fill("#id_body", QUESTION)
    phone.click("#message-send")
    phone.wait_for_load_state()
    thread = phone.locator("#thread")
    assert QUESTION in thread.locator(".msg.mine").first.inner_text()
    assert "Nog niet gelezen" in thread.locator(".msg.mine").first.inner_text()
    assert phone.locator("#contact-now").count() == 0  # an ordinary question shows no alarm instructions
    screenshot(phone, "messages-02-sent")

    # Words that name an alarm sign: the instructions at once, and no red flag from free text.
    phone.fill("#id_body", "Sinds gisteren voelen mijn billen doof aan.")
    phone.click("#message-send")
    phone.wait_for_load_state()
    contact = phone.locator("#contact-now")
    assert contact.is_visible() and "Wacht niet op een antwoord" in contact.inner_text()
    assert RedFlag.objects.count() == flags_before
    screenshot(phone, "messages-03-alarm-words")

    # Anna, at her desk, sees the new messages on her dashboard and opens the thread.
    _log_in(page, base, "anna")
    new = page.locator("#new-messages")
    assert new.is_visible() and "Emma Peeters" in new.inner_text()
    screenshot(page, "messages-04-dashboard")
    new.locator("a", has_text="Emma Peeters").click()
    page.wait_for_url("**/messages/")
    assert QUESTION in page.locator("#thread").inner_text()
    assert page.locator(".msg .badge.urgent").count() == 1  # the alarm words are marked for her, not triaged
    page.fill("#id_body", ANSWER)
    page.click("#message-send")
    page.wait_for_load_state()
    assert ANSWER in page.locator("#thread .msg.mine").first.inner_text()
    screenshot(page, "messages-05-clinician-thread")
    page.click("main p a")  # back to Emma's episode: its messages card, nothing new any more
    card = page.locator("#episode-messages")
    assert card.is_visible() and "nieuw" not in card.inner_text()
    screenshot(page, "messages-05b-episode-page")
    page.goto(f"{base}/")
    assert page.locator("#new-messages").count() == 0  # Anna read everything Emma wrote

    # Each message sent one notice, without content: two to Anna, one to Emma.
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@example.org", "anna@example.org", "emma@example.org"]
    assert all(m.body.strip() == "U hebt een nieuw bericht in rugpad." for m in mail.outbox)

    # Emma sees that there is something new, reads it, and Anna's answer is marked read.
    phone.goto(f"{base}/me/")
    assert "nieuw bericht" in phone.locator("#messages-h").inner_text()
    phone.locator("#home-messages").scroll_into_view_if_needed()
    phone.screenshot(path="/tmp/shots/messages-06a-home-new.png")
    phone.click("#messages-button")
    phone.wait_for_url("**/messages/")
    assert ANSWER in phone.locator("#thread").inner_text()
    screenshot(phone, "messages-06-answer-read")
    answer = Message.objects.get(body=ANSWER)
    assert answer.read_by is not None and answer.read_by.username == "emma"
