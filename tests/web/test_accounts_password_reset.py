"""Password reset by e-mail: the same answer whether or not the address has an account, a mail holding only the
link for a known one, a link that works once, and throttles per client address and per e-mail address."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.core import mail
from django.test import Client
from django.urls import reverse

from rugpad.web.practice.models import ApiToken, User
from rugpad.web.practice.password_reset import PER_ADDRESS, PER_EMAIL
from rugpad.web.practice.tokens import do_create_token
from tests.web.conftest import World

Capture = Callable[..., Any]
NEW_PASSWORD = "another-long-pass phrase 7"


def _ask(capture: Capture, email: str, address: str = "10.0.0.1") -> Any:
    with capture(execute=True):
        return Client(REMOTE_ADDR=address).post(reverse("password_reset"), {"email": email}, follow=True)


def _mailed_path(index: int = 0) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", str(mail.outbox[index].body))
    assert match, mail.outbox[index].body
    return match.group(1)


def _page(response: Any) -> str:
    """The page without its per-response CSRF token (the one part that differs between any two responses)."""
    return re.sub(r'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]*', r"\1", response.content.decode())


def _with_email(user: User, email: str) -> User:
    user.email = email
    user.save(update_fields=["email"])
    return user


def test_unknown_and_known_addresses_get_the_same_answer_and_only_the_known_one_a_mail(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    _with_email(world.clinician, "clin@example.nl")
    unknown = _ask(django_capture_on_commit_callbacks, "nobody@example.nl")
    assert mail.outbox == []
    known = _ask(django_capture_on_commit_callbacks, "CLIN@example.nl")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["clin@example.nl"]
    assert unknown.redirect_chain == known.redirect_chain == [(reverse("password_reset_done"), 302)]
    assert unknown.status_code == known.status_code == 200
    assert _page(unknown) == _page(known)
    body = str(mail.outbox[0].body)
    assert world.clinician.username not in body and "Practice A" not in body  # only the link
    assert len(re.findall(r"https?://", body)) == 1


def test_the_link_sets_a_new_password_once(world: World, django_capture_on_commit_callbacks: Capture) -> None:
    user = _with_email(world.patient_user, "pat@example.nl")
    token = do_create_token(world.clinician, "x")  # another user's token stays; the patient holds none
    _ask(django_capture_on_commit_callbacks, "pat@example.nl")
    link = _mailed_path()
    client = Client()
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    again = Client().get(link, follow=True)
    assert again.status_code == 200 and not again.context["validlink"]
    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == 1 and token


def test_a_new_password_ends_the_users_api_tokens(world: World, django_capture_on_commit_callbacks: Capture) -> None:
    _with_email(world.clinician, "clin@example.nl")
    do_create_token(world.clinician, "laptop")
    _ask(django_capture_on_commit_callbacks, "clin@example.nl")
    link = _mailed_path()
    client = Client()
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert not ApiToken.objects.filter(user=world.clinician, revoked_at__isnull=True).exists()


def test_a_deactivated_account_gets_no_mail_and_an_earlier_link_stops(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    _with_email(world.clinician, "clin@example.nl")
    _ask(django_capture_on_commit_callbacks, "clin@example.nl")
    link = _mailed_path()
    admin = Client()
    admin.force_login(world.admin)
    admin.post(reverse("account_deactivate", args=[world.clinician.pk]))
    assert not Client().get(link, follow=True).context["validlink"]
    _ask(django_capture_on_commit_callbacks, "clin@example.nl")
    assert len(mail.outbox) == 1


def test_one_address_gets_at_most_a_few_mails_an_hour_and_the_answer_does_not_change(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    _with_email(world.clinician, "clin@example.nl")
    answers = [
        _ask(django_capture_on_commit_callbacks, "clin@example.nl", address=f"10.0.1.{n}") for n in range(PER_EMAIL + 2)
    ]
    assert len(mail.outbox) == PER_EMAIL
    assert {a.status_code for a in answers} == {200} and len({_page(a) for a in answers}) == 1


def test_one_client_address_is_refused_after_too_many_requests_whatever_the_address_typed(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    _with_email(world.clinician, "clin@example.nl")
    for n in range(PER_ADDRESS):
        assert _ask(django_capture_on_commit_callbacks, f"nobody{n}@example.nl").status_code == 200
    for email in ("nobody@example.nl", "clin@example.nl"):
        refused = _ask(django_capture_on_commit_callbacks, email)
        assert refused.status_code == 429
    assert mail.outbox == []
    assert _ask(django_capture_on_commit_callbacks, "clin@example.nl", address="10.9.9.9").status_code == 200
    assert len(mail.outbox) == 1


def test_the_login_page_links_to_the_reset_and_the_pages_are_in_dutch(world: World) -> None:
    login = Client().get(reverse("login"), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert reverse("password_reset") in login and "Wachtwoord vergeten?" in login
    page = Client().get(reverse("password_reset"), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Stuur de link" in page
