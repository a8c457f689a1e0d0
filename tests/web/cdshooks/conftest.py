"""CDS Hooks test kit: a trusted issuer with RSA and EC keys (a JWKS file), signed tokens, FHIR resources of an
outside patient, and a fake FHIR server on 127.0.0.1 that answers rugpad's prefetch queries."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.test import Client

ISSUER = "https://ehr.example.nl"
BASE = "http://testserver/cds-services"
PATIENT_VIEW = "rugpad-back-neck-pain"
ORDER_SELECT = "rugpad-imaging-opioids"
SNOMED = "http://snomed.info/sct"
SIGN = "https://rugpad.org/fhir/CodeSystem/sign"
STARTBACK = "https://rugpad.org/fhir/Questionnaire/startback"


@dataclass(frozen=True)
class Keys:
    rsa: rsa.RSAPrivateKey
    ec: ec.EllipticCurvePrivateKey
    other: rsa.RSAPrivateKey
    jwks_path: Path


@pytest.fixture(scope="session")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Keys:
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwks = {
        "keys": [
            {**jwt.algorithms.RSAAlgorithm.to_jwk(rsa_key.public_key(), as_dict=True), "kid": "rsa1", "use": "sig"},
            {**jwt.algorithms.ECAlgorithm.to_jwk(ec_key.public_key(), as_dict=True), "kid": "ec1", "use": "sig"},
        ]
    }
    path = tmp_path_factory.mktemp("jwks") / "jwks.json"
    path.write_text(json.dumps(jwks))
    return Keys(rsa_key, ec_key, other, path)


@pytest.fixture(autouse=True)
def trusted_issuer(settings: Any, keys: Keys, db: None) -> None:
    settings.RUGPAD_CDS_ISSUERS = json.dumps({ISSUER: {"jwks_file": str(keys.jwks_path), "country": "nl"}})
    settings.RUGPAD_CDS_PLAIN_HTTP_FHIR = True  # the fake FHIR server speaks plain HTTP on 127.0.0.1


def token(keys: Keys, aud: str, *, alg: str = "RS256", kid: str | None = "rsa1", key: Any = None, **claims: Any) -> str:
    now = int(time.time())
    payload = {"iss": ISSUER, "sub": "ehr-client", "aud": aud, "iat": now, "exp": now + 240, "jti": str(uuid.uuid4())}
    payload.update(claims)
    payload = {k: v for k, v in payload.items() if v is not None}
    signing = key if key is not None else (keys.ec if alg.startswith("ES") else keys.rsa)
    headers = {"kid": kid} if kid else {}
    return jwt.encode(payload, signing, algorithm=alg, headers=headers)


def call(
    client: Client, keys: Keys, service: str, body: dict[str, Any] | str, *, bearer: str | None = None, lang: str = ""
) -> Any:
    """POST a hook call with a fresh token (or `bearer`), in `lang` (Accept-Language) when given."""
    bearer = bearer if bearer is not None else token(keys, f"{BASE}/{service}")
    headers = {"Authorization": f"Bearer {bearer}"} | ({"Accept-Language": lang} if lang else {})
    return client.post(
        f"/cds-services/{service}",
        data=body if isinstance(body, str) else json.dumps(body),
        content_type="application/json",
        headers=headers,
    )


def coded(system: str, code: str, display: str = "") -> dict[str, Any]:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return {"coding": [coding]}


def patient(pid: str = "p1", *, birth: str = "1988-03-02", gender: str = "female") -> dict[str, Any]:
    return {"resourceType": "Patient", "id": pid, "birthDate": birth, "gender": gender}


def condition(
    code: str, system: str = SNOMED, *, onset: str | None = "2026-11-01", status: str = "active"
) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Condition",
        "subject": {"reference": "Patient/p1"},
        "code": coded(system, code),
        "clinicalStatus": coded("http://terminology.hl7.org/CodeSystem/condition-clinical", status),
    }
    if onset:
        resource["onsetDateTime"] = onset
    return resource


def finding(sign: str, *, present: bool | None = True, system: str = SIGN) -> dict[str, Any]:
    resource: dict[str, Any] = {"resourceType": "Observation", "status": "final", "code": coded(system, sign)}
    if present is not None:
        resource["valueBoolean"] = present
    return resource


def startback(answers: dict[str, int], authored: str = "2026-11-20T10:00:00Z") -> dict[str, Any]:
    return {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "questionnaire": STARTBACK,
        "authored": authored,
        "item": [{"linkId": k, "answer": [{"valueInteger": v}]} for k, v in answers.items()],
    }


def bundle(*resources: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": r} for r in resources]}


LOW_RISK = {str(i): 0 for i in range(1, 10)}


def prefetch(
    conditions: list[dict[str, Any]],
    observations: list[dict[str, Any]] = (),
    responses: list[dict[str, Any]] = (),
    **p: Any,  # type: ignore[assignment]
) -> dict[str, Any]:
    return {
        "patient": patient(**p),
        "conditions": bundle(*conditions),
        "observations": bundle(*observations),
        "questionnaireResponses": bundle(*responses),
    }


def patient_view(prefetched: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "hook": "patient-view",
        "hookInstance": str(uuid.uuid4()),
        "context": {"userId": "Practitioner/example", "patientId": "p1"},
    }
    if prefetched is not None:
        body["prefetch"] = prefetched
    body.update(extra)
    return body


@dataclass
class FakeFhir:
    """A FHIR server on 127.0.0.1 answering GETs from a table of path-with-query → JSON, recording each request."""

    url: str
    answers: dict[str, Any] = field(default_factory=dict)
    seen: list[tuple[str, str]] = field(default_factory=list)


@pytest.fixture
def fake_fhir() -> Iterator[FakeFhir]:
    fake = FakeFhir("")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.removeprefix("/fhir/")
            fake.seen.append((path, self.headers.get("Authorization", "")))
            if path not in fake.answers:
                self.send_response(404)
                self.end_headers()
                return
            body = json.dumps(fake.answers[path]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/fhir+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/fhir"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
