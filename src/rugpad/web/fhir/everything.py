"""`GET /fhir/Patient/<id>/$everything`: one patient's whole record as searchset Bundle pages — every registered
type's resources of the patient (`registry.KINDS`, the Patient first, then the others by type name), so a type
registered later appears here without a change.

Paged like a search (`_count`, default and maximum `search.MAX_COUNT`; a `next` link while more follow): the cursor
names the type and the last row shown of it, so a page reads at most one query per type plus what each type's
`build` reads — the same at any size of record. The patient is loaded through `care.access.access_patient` (404
outside the clinician's reach) and the whole page is audited as one `view` event of that patient.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

from django.http import HttpRequest

from rugpad.web.care.access import access_patient
from rugpad.web.fhir import search
from rugpad.web.fhir.auth import clinician
from rugpad.web.fhir.bundle import context, searchset
from rugpad.web.fhir.outcome import FhirError
from rugpad.web.fhir.reads import audit_rows, record_id, records
from rugpad.web.fhir.registry import KINDS, ResourceKind

ALLOWED = frozenset({"_count", "_cursor", "_format"})


def kinds_in_order() -> list[ResourceKind]:
    return sorted(KINDS.values(), key=lambda kind: (kind.type != "Patient", kind.type))


def _decode(text: str) -> tuple[str, tuple[str | None, int] | None]:
    try:
        kind_type, raw, pk = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
        if kind_type not in KINDS or not (pk is None or isinstance(pk, int)):
            raise ValueError(text)
        if raw is not None:
            dt.datetime.fromisoformat(raw)
    except (ValueError, TypeError):
        raise FhirError(
            400, "invalid", "_cursor is not one this server made; follow the next link.", expression="_cursor"
        ) from None
    return kind_type, (None if pk is None else (raw, pk))


def _encode(kind: ResourceKind, row: Any | None) -> str:
    raw = json.loads(base64.urlsafe_b64decode(search.cursor_of(row, kind) + "==")) if row is not None else [None, None]
    return base64.urlsafe_b64encode(json.dumps([kind.type, *raw]).encode()).decode().rstrip("=")


def patient_everything(request: HttpRequest, patient_id: str) -> dict[str, Any]:
    user = clinician(request)
    count, start = search.MAX_COUNT, None
    for name in request.GET:
        if name == "_count":
            count = search.parse_count(request.GET.getlist(name))
        elif name == "_cursor":
            start = _decode(request.GET[name])
        elif name not in ALLOWED and not search.lenient(request):
            raise FhirError(
                400, "not-supported", f"Unknown parameter {name!r} for $everything; supported: _count.", expression=name
            )
    pk = record_id(patient_id)
    if pk is None:
        raise FhirError(404, "not-found", f"Patient/{patient_id} is not known.")
    patient = access_patient(request, pk, summary="FHIR $everything")
    ctx = context(request, user)
    kinds = kinds_in_order()
    begin = 0 if start is None else [kind.type for kind in kinds].index(start[0])
    resources: list[dict[str, Any]] = []
    following: str | None = None
    for position, kind in enumerate(kinds[begin:], begin):
        room = count - len(resources)
        if room == 0:
            following = _encode(kind, None)  # the next page starts with this type (it may have nothing)
            break
        rows_query = records(kind, user).filter(**{kind.patient_field: patient.pk})
        is_date = search.is_date_field(rows_query, kind.updated_field)
        cursor = start[1] if start is not None and position == begin else None
        rows = list(search.ordered(rows_query.filter(search.after(kind, cursor, is_date)), kind)[: room + 1])
        if len(rows) > room:
            rows = rows[:room]
            following = _encode(kind, rows[-1])
        if rows:
            resources += kind.build(rows, ctx)
            audit_rows(request, kind, rows, "$everything")
        if following is not None:
            break
    own = f"{ctx.base_url}/Patient/{patient.pk}/$everything"
    applied = search.Search(count=count)
    return searchset(ctx, resources, applied.link(own), applied.link(own, following) if following else None)
