"""Latency of the CDS Hooks service through Django's full middleware stack, with /health/ as the baseline measured in
the same run (not a test; nothing here asserts a timing).

Run: ``.venv/bin/python bench/bench_cds.py [--calls 300]`` (about half a minute).

What it does: a fresh SQLite data folder in a temporary directory (migrated), a trusted issuer with an RSA key (a
JWKS file), and a fake FHIR server on 127.0.0.1. Tokens are signed before the clock starts (signing is the
client's cost). Then, in rounds with the order reversed each round:

    health        GET  /health/                            the baseline
    view          POST /cds-services/rugpad-back-neck-pain  a low back patient, everything prefetched (6 Conditions,
                                                            Observations and answers): profile and "do not" cards
    view-fetch    the same with no prefetch: rugpad fetches the four queries from the fake FHIR server
    emergency     POST patient-view with cauda equina signs: a critical card
    order         POST /cds-services/rugpad-imaging-opioids  a lumbar MRI and an opioid order: two warnings

and prints p50 and p99 per endpoint, and each p50 as a multiple of /health/'s. The issue's goal: an answer within
500 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ISSUER = "https://bench.example"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=300, help="calls per endpoint (default 300)")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="rugpad-bench-cds-"))
    os.environ["RUGPAD_DATA_DIR"] = str(folder)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rugpad.web.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

    import jwt
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwks = {"keys": [{**jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key(), as_dict=True), "kid": "k1"}]}
    (folder / "jwks.json").write_text(json.dumps(jwks))
    os.environ["RUGPAD_CDS_ISSUERS"] = json.dumps({ISSUER: {"jwks_file": str(folder / "jwks.json")}})

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from tests.web.cdshooks.conftest import LOW_RISK, bundle, coded, condition, finding, patient, startback

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.RUGPAD_CDS_PLAIN_HTTP_FHIR = True
    call_command("migrate", verbosity=0)

    conditions = [condition("279039007"), condition("38341003"), condition("44054006")]
    observations = [finding("fever", present=False), finding("history_of_cancer", present=False)]
    responses = [startback({**LOW_RISK, "1": 1, "2": 1, "3": 1}), startback(LOW_RISK, "2026-10-01T10:00:00Z")]
    full = {
        "patient": patient(),
        "conditions": bundle(*conditions),
        "observations": bundle(*observations),
        "questionnaireResponses": bundle(*responses),
    }
    fhir = _fake_fhir(
        {
            "Patient/p1": patient(),
            "Condition?patient=p1": full["conditions"],
            "Observation?patient=p1&_count=100": full["observations"],
            "QuestionnaireResponse?patient=p1&_count=50": full["questionnaireResponses"],
        }
    )
    emergency = {**full, "observations": bundle(finding("saddle_anaesthesia"), finding("bladder_dysfunction"))}
    mri = {
        "resourceType": "ServiceRequest",
        "id": "sr1",
        "status": "draft",
        "intent": "order",
        "subject": {"reference": "Patient/p1"},
        "code": {"text": "MRI lumbale wervelkolom"},
    }
    opioid = {
        "resourceType": "MedicationRequest",
        "id": "mr1",
        "status": "draft",
        "intent": "order",
        "subject": {"reference": "Patient/p1"},
        "medicationCodeableConcept": coded("http://www.whocc.no/atc", "N02AJ13", "tramadol/paracetamol"),
    }

    def hook(hook_name: str, prefetch: dict[str, Any] | None, **context: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "hook": hook_name,
            "hookInstance": str(uuid.uuid4()),
            "context": {"userId": "Practitioner/1", "patientId": "p1", **context},
        }
        if prefetch is None:
            body |= {"fhirServer": fhir, "fhirAuthorization": {"access_token": "t", "token_type": "Bearer"}}
        else:
            body["prefetch"] = prefetch
        return body

    drafts = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": mri}, {"resource": opioid}]}
    bodies = {
        "view": ("rugpad-back-neck-pain", hook("patient-view", full), 0),
        "view-fetch": ("rugpad-back-neck-pain", hook("patient-view", None), 0),
        "emergency": ("rugpad-back-neck-pain", hook("patient-view", emergency), 1),
        "order": (
            "rugpad-imaging-opioids",
            hook("order-select", full, selections=["ServiceRequest/sr1", "MedicationRequest/mr1"], draftOrders=drafts),
            2,
        ),
    }
    client = Client()

    def token(service: str) -> str:
        now = int(time.time())
        claims = {"iss": ISSUER, "sub": "bench", "aud": f"http://testserver/cds-services/{service}", "iat": now,
                  "exp": now + 290, "jti": str(uuid.uuid4())}  # fmt: skip
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "k1"})

    def poster(name: str) -> Callable[[], Callable[[], Any]]:
        service, body, _ = bodies[name]
        data = json.dumps(body)

        def prepare() -> Callable[[], Any]:
            bearer = token(service)
            return lambda: client.post(
                f"/cds-services/{service}", data, "application/json", headers={"Authorization": f"Bearer {bearer}"}
            )

        return prepare

    endpoints: dict[str, Callable[[], Callable[[], Any]]] = {"health": lambda: lambda: client.get("/health/")}
    endpoints |= {name: poster(name) for name in bodies}
    for name, (_, _, critical_or_warnings) in bodies.items():  # check once that each answers as it should
        response = endpoints[name]()()
        assert response.status_code == 200, (name, response.content)
        flagged = [c for c in response.json()["cards"] if c["indicator"] != "info"]
        assert len(flagged) == critical_or_warnings, (name, response.json())
        print(f"{name}: {len(response.json()['cards'])} cards, {len(response.content)} bytes")

    times: dict[str, list[float]] = {name: [] for name in endpoints}
    rounds = 5
    order = list(endpoints)
    for number in range(rounds):
        for name in order if number % 2 == 0 else reversed(order):
            for _ in range(max(1, args.calls // rounds)):
                request = endpoints[name]()
                start = time.perf_counter()
                response = request()
                times[name].append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (name, response.status_code)
    base = statistics.median(times["health"])
    print(f"{'endpoint':<12} {'calls':>6} {'p50 ms':>8} {'p99 ms':>8} {'p50 / health':>13}")
    for name, measured in times.items():
        measured.sort()
        p50 = statistics.median(measured)
        p99 = measured[min(len(measured) - 1, int(len(measured) * 0.99))]
        print(f"{name:<12} {len(measured):>6} {p50:>8.2f} {p99:>8.2f} {p50 / base:>12.1f}x")
    print("goal: every CDS answer within 500 ms")
    return 0


def _fake_fhir(answers: dict[str, Any]) -> str:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps(answers[self.path.removeprefix("/fhir/")]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/fhir+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/fhir"


if __name__ == "__main__":
    sys.exit(main())
