"""The demo practice, loaded once per test module that asks for it (`demo`), and clients that call /fhir/ as an
outside system does: with a clinician's bearer token."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from rugpad.web.care.models import Patient
from rugpad.web.practice.models import User
from rugpad.web.practice.tokens import do_create_token


@dataclass(frozen=True)
class Demo:
    """The demo patients the FHIR tests read: `discharged` (Henk de Wit: every moment measured, discharged),
    `flagged` (Truus Visser: two red flags, one awaiting the GP), `open` (Sanne de Vries: one open episode)."""

    discharged: int
    flagged: int
    open: int
    token: str
    """A bearer token of the demo clinician anna."""


@pytest.fixture(scope="module")
def demo(committed_demo: dict[str, Any], django_db_blocker: Any) -> Demo:
    """The demo, committed for the whole module (each test's own writes still roll back), wiped afterwards."""
    with django_db_blocker.unblock():
        ids = {p.last_name: p.pk for p in Patient.objects.filter(last_name__in=["de Wit", "Visser", "de Vries"])}
        token = do_create_token(User.objects.get(username="anna"), "fhir tests")
    return Demo(ids["de Wit"], ids["Visser"], ids["de Vries"], token)


def bearer(token: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def get(client: Client, url: str, status: int = 200, **headers: Any) -> dict[str, Any]:
    response = client.get(url, headers=headers)
    assert response.status_code == status, (url, response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/fhir+json")
    body: dict[str, Any] = json.loads(response.content)
    return body


def resources(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [entry["resource"] for entry in bundle.get("entry", [])]


def next_link(bundle: dict[str, Any]) -> str | None:
    url = next((link["url"] for link in bundle["link"] if link["relation"] == "next"), None)
    return url.removeprefix("http://testserver") if url else None
