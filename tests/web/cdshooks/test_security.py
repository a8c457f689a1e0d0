"""Only a trusted CDS client gets advice: every flaw in its JWT is a 401 with a WWW-Authenticate hint, logged."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import jwt
import pytest
from django.test import Client

from rugpad.web.audit.models import AuditEvent
from rugpad.web.cdshooks.auth import parse_issuers
from tests.web.cdshooks.conftest import BASE, ISSUER, PATIENT_VIEW, Keys, call, condition, patient_view, prefetch, token

AUD = f"{BASE}/{PATIENT_VIEW}"
BODY = patient_view(prefetch([condition("279039007")]))


def _refused(client: Client, keys: Keys, bearer: str | None, caplog: pytest.LogCaptureFixture) -> str:
    response = call(client, keys, PATIENT_VIEW, BODY, bearer=bearer)
    assert response.status_code == 401, response.content
    assert response["WWW-Authenticate"].startswith('Bearer realm="cds-services", error="invalid_token"')
    assert any(record.name == "rugpad.cdshooks" and "401" in record.getMessage() for record in caplog.records)
    assert not AuditEvent.objects.filter(object_type="cdscall").exists()  # no advice was read
    return str(response.json()["issue"][0]["diagnostics"])


def _unsigned(payload: dict[str, Any]) -> str:
    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(payload)}."


def test_a_valid_token_is_accepted_rsa_and_ec(client: Client, keys: Keys) -> None:
    assert call(client, keys, PATIENT_VIEW, BODY).status_code == 200
    assert call(client, keys, PATIENT_VIEW, BODY, bearer=token(keys, AUD, alg="ES256", kid="ec1")).status_code == 200


def test_no_token(client: Client, keys: Keys, caplog: pytest.LogCaptureFixture) -> None:
    response = client.post(f"/cds-services/{PATIENT_VIEW}", data=json.dumps(BODY), content_type="application/json")
    assert response.status_code == 401 and "Bearer" in response["WWW-Authenticate"]


def test_garbage_token(client: Client, keys: Keys, caplog: pytest.LogCaptureFixture) -> None:
    assert "not a JWT" in _refused(client, keys, "not-a-jwt", caplog)


def test_expired_token(client: Client, keys: Keys, caplog: pytest.LogCaptureFixture) -> None:
    now = int(time.time())
    assert "expired" in _refused(client, keys, token(keys, AUD, iat=now - 600, exp=now - 300), caplog)


def test_token_that_lives_longer_than_five_minutes(
    client: Client, keys: Keys, caplog: pytest.LogCaptureFixture
) -> None:
    assert "five minutes" in _refused(client, keys, token(keys, AUD, exp=int(time.time()) + 3600), caplog)


def test_token_issued_in_the_future(client: Client, keys: Keys, caplog: pytest.LogCaptureFixture) -> None:
    assert "not yet valid" in _refused(client, keys, token(keys, AUD, iat=int(time.time()) + 120), caplog)


def test_wrong_audience(client: Client, keys: Keys, caplog: pytest.LogCaptureFixture) -> None:
    other = f"{BASE}/rugpad-imaging-opioids"
    assert "Audience" in _refused(client, keys, token(keys, other), caplog)


def test_unknown_issuer(client: Client, keys: Keys, caplog: pytest.LogCaptureFixture) -> None:
    assert "not trusted" in _refused(client, keys, token(keys, AUD, iss="https://evil.example"), caplog)


def test_signed_by_another_key(client: Client, keys: Keys, caplog: pytest.LogCaptureFixture) -> None:
    assert "Signature" in _refused(client, keys, token(keys, AUD, key=keys.other), caplog)


def test_unknown_kid(client: Client, keys: Keys, caplog: pytest.LogCaptureFixture) -> None:
    assert "no key" in _refused(client, keys, token(keys, AUD, kid="nope"), caplog)


def test_alg_none(client: Client, keys: Keys, caplog: pytest.LogCaptureFixture) -> None:
    now = int(time.time())
    claims = {"iss": ISSUER, "sub": "x", "aud": AUD, "iat": now, "exp": now + 60, "jti": "none-1"}
    assert "'none' is not accepted" in _refused(client, keys, _unsigned(claims), caplog)


def test_hmac_signed_with_the_public_key_is_refused(
    client: Client, keys: Keys, caplog: pytest.LogCaptureFixture
) -> None:
    """The classic confusion attack: HS256 with the issuer's public key as the shared secret."""
    now = int(time.time())
    claims = {"iss": ISSUER, "sub": "x", "aud": AUD, "iat": now, "exp": now + 60, "jti": "hs-1"}
    forged = jwt.api_jws.PyJWS().encode(json.dumps(claims).encode(), b"public-key-as-secret-" * 2, algorithm="HS256")
    assert "'HS256' is not accepted" in _refused(client, keys, forged, caplog)


def test_an_rsa_alg_with_the_ec_key_is_refused(client: Client, keys: Keys, caplog: pytest.LogCaptureFixture) -> None:
    assert "not a key for RS256" in _refused(client, keys, token(keys, AUD, alg="RS256", kid="ec1"), caplog)


def test_a_jku_elsewhere_is_refused(client: Client, keys: Keys, caplog: pytest.LogCaptureFixture) -> None:
    now = int(time.time())
    claims = {"iss": ISSUER, "sub": "x", "aud": AUD, "iat": now, "exp": now + 60, "jti": "jku-1"}
    forged = jwt.encode(
        claims, keys.rsa, algorithm="RS256", headers={"kid": "rsa1", "jku": "https://evil.example/jwks"}
    )
    assert "jku" in _refused(client, keys, forged, caplog)


def test_missing_jti(client: Client, keys: Keys, caplog: pytest.LogCaptureFixture) -> None:
    assert "jti" in _refused(client, keys, token(keys, AUD, jti=None), caplog)


def test_replayed_jti(client: Client, keys: Keys, caplog: pytest.LogCaptureFixture) -> None:
    bearer = token(keys, AUD)
    assert call(client, keys, PATIENT_VIEW, BODY, bearer=bearer).status_code == 200
    assert "used before" in _refused_after_one(client, keys, bearer, caplog)


def _refused_after_one(client: Client, keys: Keys, bearer: str, caplog: pytest.LogCaptureFixture) -> str:
    response = call(client, keys, PATIENT_VIEW, BODY, bearer=bearer)
    assert response.status_code == 401
    assert AuditEvent.objects.filter(object_type="cdscall").count() == 1  # only the first call read advice
    return str(response.json()["issue"][0]["diagnostics"])


def test_no_issuers_configured_refuses_everyone(
    client: Client, keys: Keys, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.RUGPAD_CDS_ISSUERS = ""
    assert "not trusted" in _refused(client, keys, token(keys, AUD), caplog)


def test_issuers_from_a_jwks_url(client: Client, keys: Keys, settings: Any, fake_fhir: Any) -> None:
    fake_fhir.answers = {"jwks.json": json.loads(keys.jwks_path.read_text())}
    settings.RUGPAD_CDS_ISSUERS = json.dumps({ISSUER: {"jwks_url": f"{fake_fhir.url}/jwks.json", "country": "be"}})
    assert call(client, keys, PATIENT_VIEW, BODY).status_code == 200
    assert call(client, keys, PATIENT_VIEW, BODY).status_code == 200
    assert [path for path, _ in fake_fhir.seen] == ["jwks.json"]  # the key set is cached


@pytest.mark.parametrize(
    "raw",
    [
        "{not json",
        '["a"]',
        '{"https://x": {"jwks_url": "https://x/j", "jwks_file": "/j"}}',
        '{"https://x": {}}',
        '{"https://x": {"jwks_url": "ftp://x/j"}}',
        '{"https://x": {"jwks_url": "https://x/j", "country": "de"}}',
        '{"https://x": {"jwks_url": "https://x/j", "extra": 1}}',
        '{"https://x": {"jwks_url": "https://x/j", "practice": "one"}}',
        '{"https://x": {"jwks_url": "https://x/j", "practice": 0}}',
    ],
)
def test_a_malformed_issuer_setting_is_refused_with_a_reason(raw: str) -> None:
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="RUGPAD_CDS_ISSUERS"):
        parse_issuers(raw)


def test_the_issuer_setting_may_be_a_file(tmp_path: Any) -> None:
    path = tmp_path / "issuers.json"
    path.write_text('{"https://x": {"jwks_file": "/etc/j.json"}}')
    assert parse_issuers(str(path))["https://x"].jwks_file == "/etc/j.json"
