"""The JSON API (django-ninja; OpenAPI schema at /api/openapi.json).

Authentication, one of two, never both:
- a bearer token (`Authorization: Bearer …`, made by a clinician on their tokens page): no CSRF check — a browser
  never sends this header by itself, so a forged cross-site request cannot carry it;
- the browser session (cookie), with Django's CSRF check on writes (403 when it fails).
A request with a bearer header is judged by its token alone (a wrong, expired or revoked token is 401 even beside a
session cookie); a request with neither, GET or POST, is 401. Every error answers `{"detail": ...}` (422 for bad
input adds the `field` it names).

The record routes are for clinicians, like the clinician's pages (patients read their own record in the portal),
and they load records through the same `access_*` helpers, so the API can never show more than the pages do, and
every read is audited — the patient list too, one event per page. Lists are paged (`limit`, `offset`).
`POST /api/triage` and `POST /api/score/{instrument}` take and answer the CLI contract's JSON.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Body, NinjaAPI, Schema, Status
from ninja.errors import AuthenticationError
from ninja.params.functions import Query as QueryParam
from ninja.security import APIKeyCookie, HttpBearer
from pydantic import Field

from rugpad import engine
from rugpad.core.errors import InvalidInput
from rugpad.web.audit.log import record
from rugpad.web.audit.models import AuditAction
from rugpad.web.care import actions
from rugpad.web.care.access import access_episode, access_patient, patients_visible_to, require_clinician
from rugpad.web.care.clinical import state_of
from rugpad.web.i18n import reader_lang
from rugpad.web.practice.tokens import user_for_token


def _has_bearer(request: HttpRequest) -> bool:
    return request.headers.get("Authorization", "").lower().startswith("bearer ")


class TokenAuth(HttpBearer):
    """A clinician's API token; see `practice.tokens` (expiry, revocation, last use)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is None:
            return None
        request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The signed-in browser session, with the CSRF check on unsafe methods (ninja's `django_auth`, reordered).

    ninja's own checks CSRF before it knows whether anybody is signed in, so an anonymous POST was 403 instead of
    401, and a token client's POST failed the check before its token was looked at. Here the session is consulted
    only for a request without a bearer header and with a signed-in user; only then does CSRF decide."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Any:
        if _has_bearer(request) or not request.user.is_authenticated:
            return None
        return super().__call__(request)  # `_get_key` runs the CSRF check (403 "CSRF check Failed")

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return request.user


auth: list[APIKeyCookie | HttpBearer] = [TokenAuth(), SessionAuth()]
api = NinjaAPI(title="rugpad API", version="1", auth=auth, urls_namespace="api")


class ErrorOut(Schema):
    """Every refusal: 401 not signed in (or a wrong, expired or revoked token), 403 CSRF check failed, 404 no such
    record or not yours (never 403, which would reveal that it exists)."""

    detail: str


class InvalidOut(Schema):
    """422: the input was refused before anything was stored. `field` names it when one field is to blame;
    otherwise `detail` lists the schema's complaints."""

    detail: str | list[dict[str, Any]]
    field: str | None = None


ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 422: InvalidOut}
"""The refusals every route may answer."""
RECORD_ERRORS: dict[int, Any] = {**ERRORS, 404: ErrorOut}
"""The record routes add 404: a record outside the caller's reach, or a caller who is not a clinician."""


@api.exception_handler(InvalidInput)
def _invalid_input(request: HttpRequest, error: InvalidInput) -> Any:
    return api.create_response(request, {"detail": str(error), "field": error.field}, status=422)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, error: AuthenticationError) -> Any:
    response = api.create_response(request, {"detail": str(error)}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="rugpad"'
    return response


MAX_PAGE = 200
"""The longest page a list route answers; `limit` defaults to `DEFAULT_PAGE`."""
DEFAULT_PAGE = 50
MAX_OFFSET = 1_000_000
"""Far beyond any practice's list, and well inside every database's integer range."""
Limit = Annotated[int, QueryParam(DEFAULT_PAGE, ge=1, le=MAX_PAGE, description=f"At most {MAX_PAGE}.")]
Offset = Annotated[int, QueryParam(0, ge=0, le=MAX_OFFSET)]


def _page(request: HttpRequest, items: QuerySet[Any], limit: int, offset: int, response: HttpResponse) -> list[Any]:
    """One page of `items` (ordered). When more follow, a `Link: <…>; rel="next"` header (RFC 8288) gives the next
    page's address. No total count: counting a practice's whole list would make every page cost as much as the
    list is long."""
    rows = list(items[offset : offset + limit + 1])
    if len(rows) > limit:
        following = request.GET.copy()
        following["limit"], following["offset"] = str(limit), str(offset + limit)
        response["Link"] = f'<{request.path}?{following.urlencode()}>; rel="next"'
    return rows[:limit]


PAGED = {
    "headers": {
        "Link": {
            "description": 'The next page\'s address as `<url>; rel="next"`, present while more items follow.',
            "schema": {"type": "string"},
        }
    }
}


class PatientOut(Schema):
    id: int
    first_name: str
    last_name: str
    date_of_birth: dt.date
    sex: str


class EpisodeOut(Schema):
    id: int
    patient_id: int
    region: str
    started_on: dt.date
    onset_on: dt.date | None
    status: str
    next_evaluation_on: dt.date | None


class ResponseOut(Schema):
    id: int
    instrument: str
    instrument_version: str
    status: str
    answers: dict[str, Any]
    result: dict[str, Any]
    completed_at: dt.datetime | None


class AnswersIn(Schema):
    answers: dict[str, Any]
    activities: dict[Annotated[str, Field(pattern=r"^[1-5]$")], Annotated[str, Field(max_length=120)]] = {}
    """PSK only: the patient's own activities by item number (1-5), as on the questionnaire form."""


@api.get(
    "/patients",
    response={200: list[PatientOut], **RECORD_ERRORS},
    tags=["records"],
    openapi_extra={"responses": {200: PAGED}},
)
def list_patients(request: HttpRequest, response: HttpResponse, limit: Limit = DEFAULT_PAGE, offset: Offset = 0) -> Any:
    """The practice's patients by name, one page at a time; every page read is an audit event naming its size."""
    clinician = require_clinician(request)
    patients = _page(
        request, patients_visible_to(clinician).order_by("last_name", "first_name", "pk"), limit, offset, response
    )
    record(request, AuditAction.LIST, summary=f"API patient list: {len(patients)} patients (offset {offset})")
    return patients


@api.get("/patients/{patient_id}", response={200: PatientOut, **RECORD_ERRORS}, tags=["records"])
def get_patient(request: HttpRequest, patient_id: int) -> Any:
    require_clinician(request)
    return access_patient(request, patient_id)


@api.get(
    "/patients/{patient_id}/episodes",
    response={200: list[EpisodeOut], **RECORD_ERRORS},
    tags=["records"],
    openapi_extra={"responses": {200: PAGED}},
)
def list_episodes(
    request: HttpRequest, response: HttpResponse, patient_id: int, limit: Limit = DEFAULT_PAGE, offset: Offset = 0
) -> Any:
    require_clinician(request)
    episodes = access_patient(request, patient_id).episodes.order_by("-started_on", "-pk")  # the model's order
    return _page(request, episodes, limit, offset, response)


@api.get("/episodes/{episode_id}", response={200: EpisodeOut, **RECORD_ERRORS}, tags=["records"])
def get_episode(request: HttpRequest, episode_id: int) -> Any:
    require_clinician(request)
    return access_episode(request, episode_id)


@api.get(
    "/episodes/{episode_id}/responses",
    response={200: list[ResponseOut], **RECORD_ERRORS},
    tags=["records"],
    openapi_extra={"responses": {200: PAGED}},
)
def list_responses(
    request: HttpRequest, response: HttpResponse, episode_id: int, limit: Limit = DEFAULT_PAGE, offset: Offset = 0
) -> Any:
    require_clinician(request)
    responses = access_episode(request, episode_id).responses.order_by("-completed_at", "-pk")  # the model's
    return _page(request, responses, limit, offset, response)


@api.post(
    "/episodes/{episode_id}/responses/{instrument}", response={201: ResponseOut, **RECORD_ERRORS}, tags=["records"]
)
def add_response(request: HttpRequest, episode_id: int, instrument: str, body: AnswersIn) -> Any:
    require_clinician(request)
    episode = access_episode(request, episode_id)
    stored = actions.do_record_response(request, episode, instrument, body.answers, activities=body.activities)
    return Status(201, stored)


@api.get("/episodes/{episode_id}/triage", response={200: dict[str, Any], **RECORD_ERRORS}, tags=["records"])
def get_triage(request: HttpRequest, episode_id: int) -> Any:
    """The episode's triage as the episode state computes it (assessed red flags no longer stop the pathway)."""
    require_clinician(request)
    return state_of(access_episode(request, episode_id)).triage.to_dict(reader_lang())


@api.get("/episodes/{episode_id}/state", response={200: dict[str, Any], **RECORD_ERRORS}, tags=["records"])
def get_state(request: HttpRequest, episode_id: int) -> Any:
    """The episode's one clinical state: screening, red flags with their life cycle, the pathway gate, the
    measurement moments, change from baseline and the decision (the same JSON as `rugpad evaluate`)."""
    require_clinician(request)
    return state_of(access_episode(request, episode_id)).to_dict(reader_lang())


JSON_BODY: Any = Body(...)  # type: ignore[type-arg]
"""A free-form JSON object body: the engine validates it and names the offending field itself."""


@api.post("/triage", response={200: dict[str, Any], **ERRORS}, tags=["engine"])
def post_triage(request: HttpRequest, case: dict[str, Any] = JSON_BODY) -> Any:
    """Runs the triage on a case in the CLI contract's format; stores nothing."""
    return engine.triage(case).to_dict()


@api.post("/score/{instrument}", response={200: dict[str, Any], **ERRORS}, tags=["engine"])
def post_score(request: HttpRequest, instrument: str, body: dict[str, Any] = JSON_BODY) -> Any:
    """Scores a questionnaire in the CLI contract's format (`{"answers": {...}}`); stores nothing."""
    answers = body.get("answers")
    if not isinstance(answers, dict):
        raise InvalidInput("answers", "must be an object of item numbers to answers")
    return engine.score(instrument, answers).to_dict()
