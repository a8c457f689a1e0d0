"""The resource types /fhir/ serves, each declared once: where its records are, how they are searched, how a page of
them becomes resources. The views (search, read, $everything, $export) are written once against this table, so a
new resource type is one `register(ResourceKind(...))` in its build module (`fhir.apps` imports every module of
`fhir.build` at start-up, so a new module needs no list to join).

The contract between the views and a build module:
- `records(user)` — every record of this type the user may see: a queryset filtered with `care.access.reach`, so a
  record outside the user's reach is simply not there (the views answer 404). Select/prefetch what `build` reads, so
  a page costs a fixed number of queries.
- `patient_field` — the ORM path from the record to its patient's id (`"patient_id"`, `"episode__patient_id"`): the
  `patient` search parameter filters on it, and every record shown is audited as a read of that patient.
- `date_field` — the clinical date the `date` parameter compares (None: the type has no `date` parameter).
- `updated_field` — when the record last changed (a field path, or an annotation `records` adds): `_lastUpdated`
  compares it, `meta.lastUpdated` shows it, pages are ordered by it (newest first, then by id; a page's `next` link
  continues after the last row's value and id, so every page costs the same).
- `build(rows, ctx)` — the resources of a page of rows, in the same order, one per row, each a JSON-ready dict that
  `fhir.resources` validates (`fhir.validate`). Anything clinical (flag stages, changes from baseline, the gate) is
  read from `ctx.states(...)` — the engine's one state per episode — never decided again here.
- `create` (optional) — files a posted resource (`POST /fhir/<type>`) through the app's own actions: see
  `CreateFn`. Types without it answer 405 to a POST, and the CapabilityStatement lists `create` only where it is set.

Definitional types that are content, not a patient's records (Questionnaire: the instruments), register a
`ContentKind` instead: no patient, no audit, read and searched by id and canonical URL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest

from rugpad.core.episode import EpisodeState
from rugpad.web.care.clinical import states_of
from rugpad.web.care.models import Episode
from rugpad.web.practice.models import User


@dataclass
class BuildContext:
    """What every build function may need besides its rows: who asks, the absolute base URL of /fhir (for
    `fullUrl`s and references), today's date, the reader's language, and the episodes' states (computed once per
    request, a page of episodes at a time)."""

    user: User
    base_url: str
    today: dt.date
    lang: str = "nl"
    _states: dict[int, EpisodeState] = field(default_factory=dict)

    def states(self, episodes: Sequence[Episode]) -> dict[int, EpisodeState]:
        """The engine's state of each episode by id; episodes already seen in this request are not computed again."""
        missing = [e for e in {e.pk: e for e in episodes}.values() if e.pk not in self._states]
        if missing:
            self._states.update(states_of(missing, self.today))
        return {e.pk: self._states[e.pk] for e in episodes}

    def url(self, resource_type: str, resource_id: object) -> str:
        return f"{self.base_url}/{resource_type}/{resource_id}"


CreateFn = Callable[[HttpRequest, dict[str, Any], BuildContext], tuple[Any, bool]]
"""Files a posted resource (JSON, not yet validated) for the signed-in clinician: returns the stored record (which
`build` turns back into the resource) and whether it is new (False: the same submission was filed before and
nothing was written). Raises `fhir.outcome.FhirError` (400/404/422) naming what is wrong."""


@dataclass(frozen=True)
class ResourceKind:
    type: str
    records: Callable[[User], QuerySet[Any]]
    patient_field: str
    date_field: str | None
    updated_field: str
    build: Callable[[Sequence[Any], BuildContext], list[dict[str, Any]]]
    create: CreateFn | None = None


KINDS: dict[str, ResourceKind] = {}


def register(kind: ResourceKind) -> ResourceKind:
    if kind.type in KINDS or kind.type in CONTENT:
        raise ValueError(f"FHIR resource type {kind.type} registered twice")
    KINDS[kind.type] = kind
    return kind


@dataclass(frozen=True)
class ContentKind:
    """A definitional resource type served from rugpad's packaged content: `resources()` gives every one of them,
    validated, by id (cached by the build module: content does not change while the server runs)."""

    type: str
    resources: Callable[[], dict[str, dict[str, Any]]]


CONTENT: dict[str, ContentKind] = {}


def register_content(kind: ContentKind) -> ContentKind:
    if kind.type in KINDS or kind.type in CONTENT:
        raise ValueError(f"FHIR resource type {kind.type} registered twice")
    CONTENT[kind.type] = kind
    return kind


def model_of(kind: ResourceKind, user: User) -> type[Model]:
    return kind.records(user).model
