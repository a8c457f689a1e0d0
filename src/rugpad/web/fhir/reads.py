"""How /fhir/ reads records: through the kind's `records(user)` (only what the user may reach), each row with its
patient's id, and every row shown audited as a read of its patient."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import F, QuerySet
from django.http import HttpRequest

from rugpad.web.audit.log import record_read
from rugpad.web.fhir.registry import ResourceKind
from rugpad.web.practice.models import User

PATIENT_ID = "fhir_patient_id"
"""The annotation every record query carries: the id of the record's patient (for `patient` and the audit)."""


def record_id(text: str) -> int | None:
    """A record id as rugpad writes them (digits, within the databases' integer range); None for anything else,
    which names no record."""
    return int(text) if text.isdigit() and len(text) <= 18 else None


def records(kind: ResourceKind, user: User) -> QuerySet[Any]:
    """The records of `kind` the user may reach, each with its patient's id."""
    rows: QuerySet[Any] = kind.records(user).annotate(**{PATIENT_ID: F(kind.patient_field)})
    return rows


def patient_of(row: Any) -> int:
    patient_id: int = getattr(row, PATIENT_ID)
    return patient_id


def audit_rows(request: HttpRequest, kind: ResourceKind, rows: Sequence[Any], how: str) -> None:
    """Each patient whose records are shown: one read (the middleware joins a request's reads into one `view`
    event per patient), naming the first record and how many of this type were shown."""
    by_patient: dict[int, list[Any]] = {}
    for row in rows:
        by_patient.setdefault(patient_of(row), []).append(row)
    for patient_id, of_patient in by_patient.items():
        record_read(request, of_patient[0], patient_id=patient_id, summary=f"FHIR {kind.type} {how}: {len(of_patient)}")
