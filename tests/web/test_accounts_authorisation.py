"""Every new account route × every kind of visitor: only the practice admin of the same practice gets in (the
sign-up and password-reset pages are public by nature). A refusal is a 404, never a 403; anonymous visitors are
sent to log in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.urls import reverse
from django.utils import timezone

from rugpad.web.practice.models import StaffInvitation, User
from tests.web.conftest import World, client_for

pytestmark = pytest.mark.db_agnostic  # the same SQL on every database: CI runs it on SQLite only

VISITORS = ("anonymous", "clinician", "patient", "admin_same_practice", "admin_other_practice")


def _visitor(world: World, who: str) -> User | None:
    return {
        "anonymous": None,
        "clinician": world.clinician,
        "patient": world.patient_user,
        "admin_same_practice": world.admin,
        "admin_other_practice": User.objects.get(username="adminb"),
    }[who]


def _invitation(world: World) -> StaffInvitation:
    return StaffInvitation.objects.create(
        practice=world.practice,
        email="x@example.nl",
        role="clinician",
        created_by=world.admin,
        expires_at=timezone.now() + dt.timedelta(days=7),
    )


Route = Callable[[World], str]
PAGES: dict[str, Route] = {
    "accounts": lambda w: reverse("accounts"),
    "account_invite": lambda w: reverse("account_invite"),
    "account_detail": lambda w: reverse("account_detail", args=[w.clinician.pk]),
}
ACTIONS: dict[str, Route] = {
    "account_deactivate": lambda w: reverse("account_deactivate", args=[w.clinician.pk]),
    "account_reactivate": lambda w: reverse("account_reactivate", args=[w.clinician.pk]),
    "account_detail_post": lambda w: reverse("account_detail", args=[w.clinician.pk]),
    "invitation_resend": lambda w: reverse("invitation_resend", args=[_invitation(w).pk]),
    "invitation_revoke": lambda w: reverse("invitation_revoke", args=[_invitation(w).pk]),
}


def _refused(status: int, who: str) -> bool:
    return status == 302 if who == "anonymous" else status == 404


@pytest.mark.parametrize("who", VISITORS)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_account_pages_open_only_to_the_practice_admin(world: World, name: str, who: str) -> None:
    response = client_for(_visitor(world, who)).get(PAGES[name](world))
    own_practice_pages = name in ("accounts", "account_invite")  # each admin's own practice's list and invitation
    if who == "admin_same_practice" or (who == "admin_other_practice" and own_practice_pages):
        assert response.status_code == 200
        if name == "accounts":
            assert (world.clinician.username in response.content.decode()) == (who == "admin_same_practice")
    else:
        assert _refused(response.status_code, who), (who, response.status_code)
        if who == "anonymous":
            assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("who", VISITORS)
@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_account_actions_are_only_the_practice_admins(world: World, name: str, who: str) -> None:
    url = ACTIONS[name](world)
    response = client_for(_visitor(world, who)).post(url, {"role": "admin"})
    world.clinician.refresh_from_db()
    invitation = StaffInvitation.objects.order_by("-pk").first()
    if who == "admin_same_practice":
        assert response.status_code == 302
    else:
        assert _refused(response.status_code, who), (who, response.status_code)
        assert world.clinician.is_active and world.clinician.role == "clinician"
        assert invitation is None or (invitation.sends == 1 and invitation.revoked_at is None)


@pytest.mark.parametrize("who", VISITORS)
def test_a_get_on_an_action_route_changes_nothing(world: World, who: str) -> None:
    response = client_for(_visitor(world, who)).get(reverse("account_deactivate", args=[world.clinician.pk]))
    world.clinician.refresh_from_db()
    assert world.clinician.is_active and response.status_code in (302, 404, 405)


@pytest.mark.parametrize("who", VISITORS)
@pytest.mark.parametrize(
    "url",
    [
        reverse("password_reset"),
        reverse("password_reset_done"),
        reverse("password_reset_complete"),
        reverse("password_reset_confirm", args=["MQ", "set-password"]),
    ],
)
def test_password_reset_pages_are_open_to_everybody(world: World, who: str, url: str) -> None:
    assert client_for(_visitor(world, who)).get(url).status_code == 200


@pytest.mark.parametrize("who", VISITORS)
def test_a_sign_up_link_that_is_not_valid_is_a_404_for_everybody(world: World, who: str) -> None:
    assert client_for(_visitor(world, who)).get(reverse("staff_join", args=["no-such-token"])).status_code == 404
