"""The search parameters of /fhir/, the same for every registered type (`registry.KINDS`):

- `_id` — one or more ids (comma: any of them);
- `patient` — `Patient/12` or `12` (comma: any of them); not on Patient itself (use `_id`);
- `date` — the type's clinical date (`ResourceKind.date_field`), `_lastUpdated` — when the record last changed:
  a date (`2026`, `2026-11`, `2026-11-21`) with an optional prefix `eq` (default), `lt`, `le`, `gt`, `ge`; the date
  stands for its whole period (`lt2026-11` is before November, `le2026-11` up to its end). Repeat the parameter to
  give a range (`date=ge2026-01-01&date=lt2026-02-01`); a comma gives alternatives;
- `_count` — the page size, 1 to `MAX_COUNT` (`DEFAULT_COUNT` when absent; a larger number gets `MAX_COUNT`);
- `_cursor` — where a page starts: taken from a `next` link, never made by hand.

Any other parameter is refused (400 naming it) unless the request says `Prefer: handling=lenient`, which ignores it
(the `self` link then shows what was applied). A page is ordered newest first by `updated_field`, then by id, and
the `next` link continues after the last row's value and id (keyset paging): no page counts the whole list, and
the thousandth page costs what the first does.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db import models
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from rugpad.web.fhir.outcome import FhirError
from rugpad.web.fhir.registry import ResourceKind

DEFAULT_COUNT = 50
MAX_COUNT = 200
"""The longest page /fhir/ answers, as /api/."""
CONTROL = frozenset({"_count", "_cursor", "_format"})
"""Parameters that shape the answer rather than choose records; accepted on every search."""
PREFIXES = ("eq", "lt", "le", "gt", "ge")
_DATE = re.compile(r"^(?P<prefix>[a-z]{2})?(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?$")
_REFERENCE = re.compile(r"^(?:(?:.*/)?Patient/)?(?P<id>\d{1,18})$")


def lenient(request: HttpRequest) -> bool:
    """`Prefer: handling=lenient`: unknown parameters are ignored instead of refused."""
    return any(part.strip().lower() == "handling=lenient" for part in request.headers.get("Prefer", "").split(";"))


def parameters(kind: ResourceKind) -> dict[str, str]:
    """The search parameters `kind` supports, by name, with their FHIR type (the CapabilityStatement lists them)."""
    params = {"_id": "token", "_lastUpdated": "date"}
    if kind.type != "Patient":
        params["patient"] = "reference"
    if kind.date_field:
        params["date"] = "date"
    return params


@dataclass
class Search:
    """A parsed search: the records' condition, the page size, where the page starts, the parameters applied."""

    condition: Q = field(default_factory=Q)
    count: int = DEFAULT_COUNT
    cursor: tuple[str | None, int] | None = None
    applied: list[tuple[str, str]] = field(default_factory=list)
    patients: set[int] | None = None
    """The patients the search is narrowed to by `patient` (None: not narrowed)."""

    def link(self, base: str, cursor: str | None = None) -> str:
        query = [*self.applied, ("_count", str(self.count))]
        if cursor is not None:
            query.append(("_cursor", cursor))
        return f"{base}?{urlencode(query)}"


def parse_count(values: list[str]) -> int:
    try:
        count = int(values[-1])
    except ValueError:
        raise FhirError(400, "invalid", "_count must be a whole number.", expression="_count") from None
    if count < 1:
        raise FhirError(400, "invalid", "_count must be at least 1.", expression="_count")
    return min(count, MAX_COUNT)


def parse(request: HttpRequest, kind: ResourceKind, queryset: QuerySet[Any]) -> Search:
    known = parameters(kind)
    search = Search()
    skip_unknown = lenient(request)
    for name in request.GET:
        values = request.GET.getlist(name)
        if name == "_count":
            search.count = parse_count(values)
        elif name == "_cursor":
            search.cursor = _cursor(values[-1])
        elif name == "_format":
            continue  # judged by the view (406)
        elif name not in known:
            if skip_unknown:
                continue
            supported = ", ".join(sorted({*known, *CONTROL}))
            raise FhirError(
                400,
                "not-supported",
                f"Unknown search parameter {name!r} for {kind.type}; supported: {supported}.",
                expression=name,
            )
        else:
            for value in values:
                search.condition &= _condition(kind, queryset, name, value, search)
                search.applied.append((name, value))
    return search


def _condition(kind: ResourceKind, queryset: QuerySet[Any], name: str, value: str, search: Search) -> Q:
    alternatives = [part for part in value.split(",") if part]
    if not alternatives:
        raise FhirError(400, "invalid", f"{name} needs a value.", expression=name)
    if name == "_id":
        ids = [int(part) for part in alternatives if part.isdigit() and len(part) <= 18]  # others name no record
        return Q(pk__in=ids)
    if name == "patient":
        patients = {_patient_id(part) for part in alternatives}
        search.patients = patients if search.patients is None else search.patients & patients
        return Q(**{f"{kind.patient_field}__in": sorted(patients)})
    path = kind.date_field if name == "date" else kind.updated_field
    assert path is not None  # "date" is only known when the type has a date field
    is_date = is_date_field(queryset, path)
    condition = Q(pk__in=[])
    for part in alternatives:
        condition |= _date_condition(name, path, part, is_date)
    return condition


def _patient_id(value: str) -> int:
    match = _REFERENCE.match(value)
    if match is None:
        raise FhirError(
            400, "invalid", f"patient must be 'Patient/<id>' or '<id>', not {value!r}.", expression="patient"
        )
    return int(match.group("id"))


def _date_condition(name: str, path: str, value: str, is_date: bool) -> Q:
    match = _DATE.match(value)
    if match is None:
        raise FhirError(
            400,
            "invalid",
            f"{name} must be a date (YYYY, YYYY-MM or YYYY-MM-DD) with an optional prefix, not {value!r}.",
            expression=name,
        )
    prefix = match.group("prefix") or "eq"
    if prefix not in PREFIXES:
        raise FhirError(
            400,
            "not-supported",
            f"{name}: the prefix {prefix!r} is not supported; use one of {', '.join(PREFIXES)}.",
            expression=name,
        )
    try:
        start, end = _period(int(match.group("year")), match.group("month"), match.group("day"))
    except ValueError:
        raise FhirError(400, "invalid", f"{name}: {value!r} is not a date.", expression=name) from None
    low: dt.date | dt.datetime = start
    high: dt.date | dt.datetime = end
    if not is_date:
        low, high = _midnight(start), _midnight(end)
    return {
        "eq": Q(**{f"{path}__gte": low, f"{path}__lt": high}),
        "lt": Q(**{f"{path}__lt": low}),
        "le": Q(**{f"{path}__lt": high}),
        "gt": Q(**{f"{path}__gte": high}),
        "ge": Q(**{f"{path}__gte": low}),
    }[prefix]


def _period(year: int, month: str | None, day: str | None) -> tuple[dt.date, dt.date]:
    """The first day of the period a partial date names and the first day after it."""
    if month is None:
        return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    start = dt.date(year, int(month), int(day) if day else 1)
    if day is not None:
        return start, start + dt.timedelta(days=1)
    return start, (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _midnight(day: dt.date) -> dt.datetime:
    """A day's start in the practice's time zone: a date means the day as the practice lives it."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def is_date_field(queryset: QuerySet[Any], path: str) -> bool:
    annotation = queryset.query.annotations.get(path)
    if annotation is not None:
        output = annotation.output_field
    else:
        model: Any = queryset.model
        output = None
        for part in path.split("__"):
            output = model._meta.get_field(part)
            model = output.related_model
    return isinstance(output, models.DateField) and not isinstance(output, models.DateTimeField)


# --- keyset paging ------------------------------------------------------------------------------------------------


def ordered(queryset: QuerySet[Any], kind: ResourceKind) -> QuerySet[Any]:
    return queryset.order_by(F(kind.updated_field).desc(nulls_last=True), "-pk")


def after(kind: ResourceKind, cursor: tuple[str | None, int] | None, is_date: bool) -> Q:
    """The rows that follow the cursor's row in `ordered`'s order."""
    if cursor is None:
        return Q()
    raw, pk = cursor
    path = kind.updated_field
    if raw is None:
        return Q(**{f"{path}__isnull": True, "pk__lt": pk})
    value: dt.date | dt.datetime = dt.date.fromisoformat(raw) if is_date else dt.datetime.fromisoformat(raw)
    return Q(**{f"{path}__lt": value}) | Q(**{path: value, "pk__lt": pk}) | Q(**{f"{path}__isnull": True})


def cursor_of(row: Any, kind: ResourceKind) -> str:
    value = _value(row, kind.updated_field)
    raw = value.isoformat() if isinstance(value, dt.date) else None
    return base64.urlsafe_b64encode(json.dumps([raw, row.pk]).encode()).decode().rstrip("=")


def _value(row: Any, path: str) -> Any:
    value = row
    for part in path.split("__"):
        value = getattr(value, part, None)
    return value


def _cursor(text: str) -> tuple[str | None, int]:
    try:
        raw, pk = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
        if not isinstance(pk, int) or not (raw is None or isinstance(raw, str)):
            raise ValueError(text)
        if raw is not None:
            dt.datetime.fromisoformat(raw)  # a date reads as its midnight: both kinds of field pass
    except (ValueError, TypeError):
        raise FhirError(
            400, "invalid", "_cursor is not one this server made; follow the next link.", expression="_cursor"
        ) from None
    return raw, pk


def page(queryset: QuerySet[Any], kind: ResourceKind, search: Search) -> tuple[list[Any], str | None]:
    """One page of the search's rows and, when more follow, the cursor of the next page."""
    is_date = is_date_field(queryset, kind.updated_field)
    rows = list(
        ordered(queryset.filter(search.condition).filter(after(kind, search.cursor, is_date)), kind)[: search.count + 1]
    )
    more = len(rows) > search.count
    rows = rows[: search.count]
    return rows, (cursor_of(rows[-1], kind) if more else None)


def ids(values: Iterable[str]) -> list[str]:
    return [part for value in values for part in value.split(",") if part]
