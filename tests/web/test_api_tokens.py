"""API authentication and tokens: bearer clients write without CSRF, session clients keep it, anonymous calls are
401; tokens are made and revoked by clinicians on their own page, expire, end with a password change and are
audited; the patient list is paged and audited; the OpenAPI schema documents the refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rugpad.web.audit.models import AuditEvent
from rugpad.web.care.models import Patient
from rugpad.web.practice.models import ApiToken, Role
from rugpad.web.practice.tokens import (
    MAX_LIFETIME_DAYS,
    TokenNotAllowed,
    do_create_token,
    do_revoke_token,
    user_for_token,
)
from tests.web.conftest import ROLES, World, client_for, refused, user_for_role

NPRS = {"answers": {"1": 4}}


def _token_client(token: str) -> Client:
    return Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {token}")


def _session_client(world: World) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.clinician)
    client.get(reverse("home"))  # a page with a form: the CSRF cookie is set
    return client


def _responses_url(world: World) -> str:
    return f"/api/episodes/{world.episode.pk}/responses/nprs"


# --- who may write: token clients without CSRF, session clients with it, nobody anonymously ---


def test_a_token_client_writes_without_a_csrf_token(world: World) -> None:
    token = do_create_token(world.clinician, "practice software")
    before = world.episode.responses.count()
    response = _token_client(token).post(_responses_url(world), NPRS, content_type="application/json")
    assert response.status_code == 201, response.content
    assert world.episode.responses.count() == before + 1
    assert AuditEvent.objects.filter(actor=world.clinician, object_type="instrumentresponse").exists()


def test_a_session_post_without_the_csrf_token_is_refused_and_stores_nothing(world: World) -> None:
    before = world.episode.responses.count()
    response = _session_client(world).post(_responses_url(world), NPRS, content_type="application/json")
    assert response.status_code == 403 and response.json() == {"detail": "CSRF check Failed"}
    assert world.episode.responses.count() == before


def test_a_session_post_with_the_csrf_token_is_accepted(world: World) -> None:
    client = _session_client(world)
    response = client.post(
        _responses_url(world),
        NPRS,
        content_type="application/json",
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )
    assert response.status_code == 201, response.content


def test_a_bearer_header_is_judged_by_its_token_alone_even_beside_a_session(world: World) -> None:
    """A wrong token does not fall back to the session (nor skip its CSRF check)."""
    client = _session_client(world)
    client.defaults["HTTP_AUTHORIZATION"] = "Bearer not-a-token"
    assert client.get("/api/patients").status_code == 401
    assert client.post(_responses_url(world), NPRS, content_type="application/json").status_code == 401


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("path", ["/api/patients", "/api/triage", "/api/episodes/1/responses/nprs"])
def test_anonymous_api_calls_are_401_with_the_usual_error_shape(db: None, method: str, path: str) -> None:
    response = getattr(Client(enforce_csrf_checks=True), method)(path, {}, content_type="application/json")
    if response.status_code == 405:  # GET of a POST-only route: no route, nothing to authenticate
        return
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_anonymous_post_with_a_stale_session_cookie_is_401_not_403(db: None) -> None:
    client = Client(enforce_csrf_checks=True)
    client.cookies["sessionid"] = "expired-session"
    response = client.post("/api/triage", {"region": "low_back"}, content_type="application/json")
    assert response.status_code == 401


# --- tokens: expiry, revocation, owners ---


def test_an_expired_token_is_401(world: World) -> None:
    token = do_create_token(world.clinician, "old", days=1)
    ApiToken.objects.filter(user=world.clinician).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert _token_client(token).get("/api/patients").status_code == 401


def test_a_revoked_token_is_401(world: World) -> None:
    token = do_create_token(world.clinician, "laptop")
    assert _token_client(token).get("/api/patients").status_code == 200
    do_revoke_token(None, world.clinician.api_tokens.get(), actor=world.clinician)
    assert _token_client(token).get("/api/patients").status_code == 401


def test_a_token_stops_working_when_its_owner_is_no_longer_a_clinician(world: World) -> None:
    token = do_create_token(world.clinician, "laptop")
    world.clinician.role = Role.PATIENT
    world.clinician.save()
    assert _token_client(token).get("/api/triage").status_code in (401, 405)
    assert user_for_token(token) is None


@pytest.mark.parametrize("who", ["admin", "patient_user"])
def test_patients_and_admins_hold_no_tokens(world: World, who: str) -> None:
    with pytest.raises(TokenNotAllowed):
        do_create_token(getattr(world, who), "mine")
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("days", [0, MAX_LIFETIME_DAYS + 1])
def test_a_token_lives_one_day_to_one_year(world: World, days: int) -> None:
    with pytest.raises(ValueError, match="days"):
        do_create_token(world.clinician, "x", days=days)


def test_last_use_is_written_at_most_once_an_hour(world: World) -> None:
    token = do_create_token(world.clinician, "busy")
    assert user_for_token(token) == world.clinician
    stored = ApiToken.objects.get()
    assert stored.last_used_at is not None
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            assert user_for_token(token) == world.clinician
    assert not [q for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("UPDATE")]
    ApiToken.objects.filter(pk=stored.pk).update(last_used_at=stored.last_used_at - dt.timedelta(hours=2))
    user_for_token(token)
    stored.refresh_from_db()
    assert timezone.now() - stored.last_used_at < dt.timedelta(minutes=1)


# --- a new password ends every token ---


def test_changing_the_password_on_the_page_revokes_every_token_and_says_so_in_the_audit_log(world: World) -> None:
    tokens = [do_create_token(world.clinician, name) for name in ("laptop", "practice software")]
    other = do_create_token(world.other_clinician, "elsewhere")
    client = client_for(world.clinician)
    new = "lente-fiets-wolk-2031"
    done = client.post(
        reverse("password_change"), {"old_password": "pw-123456789", "new_password1": new, "new_password2": new}
    )
    assert done.status_code == 302
    for token in tokens:
        assert _token_client(token).get("/api/patients").status_code == 401
    assert _token_client(other).get("/api/patients").status_code == 200
    summaries = set(
        AuditEvent.objects.filter(object_type="apitoken", actor=world.clinician).values_list("summary", flat=True)
    )
    assert {
        "API token 'laptop' revoked: password changed",
        "API token 'practice software' revoked: password changed",
    } <= summaries


def test_set_password_revokes_tokens_too(world: World) -> None:
    token = do_create_token(world.clinician, "laptop")
    world.clinician.set_password("een-heel-ander-wachtwoord")
    world.clinician.save()
    assert user_for_token(token) is None


def test_taking_the_password_away_revokes_tokens_too(world: World) -> None:
    token = do_create_token(world.clinician, "laptop")
    world.clinician.set_unusable_password()
    world.clinician.save()
    assert user_for_token(token) is None


class FastPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """A different preferred hasher, so that logging in upgrades the stored MD5 hash (cheaply, for the test)."""

    iterations = 1


def test_the_hash_upgrade_at_login_is_not_a_password_change(world: World, settings: object) -> None:
    token = do_create_token(world.clinician, "laptop")
    settings.PASSWORD_HASHERS = [  # type: ignore[attr-defined]
        "tests.web.test_api_tokens.FastPBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    login = Client().post(reverse("login"), {"username": world.clinician.username, "password": "pw-123456789"})
    assert login.status_code == 302
    world.clinician.refresh_from_db()
    assert world.clinician.password.startswith("pbkdf2_sha256$1$")  # the hash was upgraded …
    assert user_for_token(token) == world.clinician  # … and the token still works


# --- the token page: who may open it, create, revoke ---


@pytest.mark.parametrize("role", ROLES)
def test_the_token_page_is_for_clinicians(world: World, role: str) -> None:
    response = client_for(user_for_role(world, role)).get(reverse("api_tokens"))
    if role.startswith("clinician"):
        assert response.status_code == 200
    else:
        assert refused(response.status_code, role), (role, response.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_only_clinicians_create_tokens_and_see_them_once(world: World, role: str) -> None:
    user = user_for_role(world, role)
    response = client_for(user).post(reverse("api_tokens"), {"name": "practice software", "days": "30"})
    if role.startswith("clinician"):
        assert response.status_code == 200
        created = ApiToken.objects.get()
        assert created.user == user
        assert dt.timedelta(days=29) < created.expires_at - timezone.now() <= dt.timedelta(days=30)
        token = response.context["new_token"]
        assert token in response.content.decode() and user_for_token(token) == user
        assert token not in client_for(user).get(reverse("api_tokens")).content.decode()  # shown once
        event = AuditEvent.objects.get(object_type="apitoken", action="create")
        assert event.actor == user and event.summary.startswith("API token 'practice software' created, expires")
    else:
        assert refused(response.status_code, role), (role, response.status_code)
        assert not ApiToken.objects.exists()


@pytest.mark.parametrize("days", ["0", "366", "abc"])
def test_the_token_form_refuses_a_lifetime_outside_one_year(world: World, days: str) -> None:
    response = client_for(world.clinician).post(reverse("api_tokens"), {"name": "x", "days": days})
    assert response.status_code == 200 and "days" in response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_the_token_form_refuses_control_characters_in_the_name(world: World) -> None:
    response = client_for(world.clinician).post(reverse("api_tokens"), {"name": "lap\x01top", "days": "90"})
    assert "name" in response.context["form"].errors and not ApiToken.objects.exists()


def test_the_token_page_lists_own_tokens_with_expiry_and_last_use(world: World) -> None:
    token = do_create_token(world.clinician, "laptop")
    do_create_token(world.other_clinician, "not-mine")
    user_for_token(token)
    page = client_for(world.clinician).get(reverse("api_tokens")).content.decode()
    stored = ApiToken.objects.get(user=world.clinician)
    assert "laptop" in page and "not-mine" not in page
    assert f"{timezone.localtime(stored.expires_at):%d-%m-%Y}" in page
    assert f"{timezone.localtime(stored.last_used_at):%d-%m-%Y %H:%M}" in page  # type: ignore[arg-type]


@pytest.mark.parametrize("role", ROLES)
def test_only_the_owner_revokes_a_token(world: World, role: str) -> None:
    token = do_create_token(world.clinician, "laptop")
    stored = ApiToken.objects.get()
    response = client_for(user_for_role(world, role)).post(reverse("api_token_revoke", args=[stored.pk]))
    stored.refresh_from_db()
    if role == "clinician_same_practice":
        assert response.status_code == 302 and response["Location"] == reverse("api_tokens")
        assert stored.revoked_at is not None and user_for_token(token) is None
        event = AuditEvent.objects.get(object_type="apitoken", action="update")
        assert event.actor == world.clinician and event.summary == "API token 'laptop' revoked"
    else:
        assert refused(response.status_code, role), (role, response.status_code)
        assert stored.revoked_at is None and user_for_token(token) == world.clinician


def test_revoking_twice_writes_one_event(world: World) -> None:
    do_create_token(world.clinician, "laptop")
    stored = ApiToken.objects.get()
    client = client_for(world.clinician)
    client.post(reverse("api_token_revoke", args=[stored.pk]))
    client.post(reverse("api_token_revoke", args=[stored.pk]))
    assert AuditEvent.objects.filter(object_type="apitoken", action="update").count() == 1


def test_the_token_page_speaks_dutch(world: World) -> None:
    client = client_for(world.clinician)
    client.post(reverse("set_language"), {"language": "nl", "next": "/"})
    page = client.get(reverse("api_tokens")).content.decode()
    assert "API-tokens" in page and "Token aanmaken" in page


# --- the patient list: paged and audited ---


def _more_patients(world: World, count: int) -> None:
    Patient.objects.bulk_create(
        Patient(
            practice=world.practice, first_name="Extra", last_name=f"Patient{i:03}", date_of_birth=dt.date(1970, 1, 1)
        )
        for i in range(count)
    )


def test_the_patient_list_is_paged_fifty_by_default(world: World) -> None:
    _more_patients(world, 60)
    client = client_for(world.clinician)
    first = client.get("/api/patients")
    assert first.status_code == 200 and len(first.json()) == 50
    assert first["Link"] == '</api/patients?limit=50&offset=50>; rel="next"'
    last = client.get("/api/patients", {"limit": 50, "offset": 50})
    rest = last.json()
    assert len(rest) == 11 and "Link" not in last, "the last page names no next page"
    assert {p["id"] for p in first.json()} | {p["id"] for p in rest} == set(
        Patient.objects.filter(practice=world.practice).values_list("pk", flat=True)
    )


@pytest.mark.parametrize(("limit", "offset"), [(0, 0), (201, 0), (10, -1), (10, 10**12), ("x", 0)])
def test_the_patient_list_refuses_pages_out_of_bounds(world: World, limit: object, offset: object) -> None:
    response = client_for(world.clinician).get("/api/patients", {"limit": limit, "offset": offset})
    assert response.status_code == 422 and "detail" in response.json()


def test_every_page_of_the_patient_list_is_one_audit_event_naming_how_many(world: World) -> None:
    _more_patients(world, 4)
    token = do_create_token(world.clinician, "laptop")
    before = AuditEvent.objects.count()
    _token_client(token).get("/api/patients", {"limit": 3, "offset": 0})
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.order_by("-id").first()
    assert event is not None and event.actor == world.clinician and event.practice == world.practice
    assert event.action == "list" and event.summary == "API patient list: 3 patients (offset 0)"


# --- the OpenAPI schema documents the refusals ---


def test_the_openapi_schema_documents_401_403_404_and_422(db: None) -> None:
    schema = Client().get("/api/openapi.json").json()
    assert {"TokenAuth", "SessionAuth"} <= set(schema["components"]["securitySchemes"])
    assert schema["components"]["securitySchemes"]["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            documented = set(operation["responses"])
            assert {"401", "403", "422"} <= documented, (method, path, documented)
            if path.startswith(("/api/patients", "/api/episodes")):
                assert "404" in documented, (method, path)
            assert operation["responses"]["401"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/ErrorOut"
            }
    patients = schema["paths"]["/api/patients"]["get"]
    assert {p["name"]: p["schema"]["maximum"] for p in patients["parameters"]} == {"limit": 200, "offset": 1_000_000}
    assert "Link" in patients["responses"]["200"]["headers"]
