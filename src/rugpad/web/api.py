"""The JSON API (django-ninja; OpenAPI schema at /api/openapi.json).

Authentication: the browser session (with CSRF) or a bearer token. The record routes are for clinicians, like the
clinician's pages (patients read their own record in the portal), and they load records through the same `access_*`
helpers, so the API can never show more than the pages do, and every read is audited.
`POST /api/triage` and `POST /api/score/{instrument}` take and answer the CLI contract's JSON.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Body, NinjaAPI, Schema
from ninja.security import APIKeyCookie, HttpBearer, django_auth
from pydantic import Field

from rugpad import engine
from rugpad.core.errors import InvalidInput
from rugpad.web.care import actions
from rugpad.web.care.access import access_episode, access_patient, patients_visible_to, require_clinician
from rugpad.web.care.clinical import state_of
from rugpad.web.i18n import reader_lang
from rugpad.web.practice.tokens import user_for_token


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is None:
            return None
        request.user = user
        return user


auth: list[APIKeyCookie | HttpBearer] = [django_auth, TokenAuth()]
api = NinjaAPI(title="rugpad API", version="1", auth=auth, urls_namespace="api")


@api.exception_handler(InvalidInput)
def _invalid_input(request: HttpRequest, error: InvalidInput) -> Any:
    return api.create_response(request, {"detail": str(error), "field": error.field}, status=422)


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


@api.get("/patients", response=list[PatientOut], tags=["records"])
def list_patients(request: HttpRequest) -> Any:
    require_clinician(request)
    return list(patients_visible_to(request.user))  # type: ignore[arg-type]


@api.get("/patients/{patient_id}", response=PatientOut, tags=["records"])
def get_patient(request: HttpRequest, patient_id: int) -> Any:
    require_clinician(request)
    return access_patient(request, patient_id)


@api.get("/patients/{patient_id}/episodes", response=list[EpisodeOut], tags=["records"])
def list_episodes(request: HttpRequest, patient_id: int) -> Any:
    require_clinician(request)
    return list(access_patient(request, patient_id).episodes.all())


@api.get("/episodes/{episode_id}", response=EpisodeOut, tags=["records"])
def get_episode(request: HttpRequest, episode_id: int) -> Any:
    require_clinician(request)
    return access_episode(request, episode_id)


@api.get("/episodes/{episode_id}/responses", response=list[ResponseOut], tags=["records"])
def list_responses(request: HttpRequest, episode_id: int) -> Any:
    require_clinician(request)
    return list(access_episode(request, episode_id).responses.all())


@api.post("/episodes/{episode_id}/responses/{instrument}", response={201: ResponseOut}, tags=["records"])
def add_response(request: HttpRequest, episode_id: int, instrument: str, body: AnswersIn) -> Any:
    require_clinician(request)
    episode = access_episode(request, episode_id)
    return 201, actions.do_record_response(request, episode, instrument, body.answers, activities=body.activities)


@api.get("/episodes/{episode_id}/triage", tags=["records"])
def get_triage(request: HttpRequest, episode_id: int) -> Any:
    """The episode's triage as the episode state computes it (assessed red flags no longer stop the pathway)."""
    require_clinician(request)
    return state_of(access_episode(request, episode_id)).triage.to_dict(reader_lang())


@api.get("/episodes/{episode_id}/state", tags=["records"])
def get_state(request: HttpRequest, episode_id: int) -> Any:
    """The episode's one clinical state: screening, red flags with their life cycle, the pathway gate, the
    measurement moments, change from baseline and the decision (the same JSON as `rugpad evaluate`)."""
    require_clinician(request)
    return state_of(access_episode(request, episode_id)).to_dict(reader_lang())


JSON_BODY: Any = Body(...)  # type: ignore[type-arg]
"""A free-form JSON object body: the engine validates it and names the offending field itself."""


@api.post("/triage", tags=["engine"])
def post_triage(request: HttpRequest, case: dict[str, Any] = JSON_BODY) -> Any:
    """Runs the triage on a case in the CLI contract's format; stores nothing."""
    return engine.triage(case).to_dict()


@api.post("/score/{instrument}", tags=["engine"])
def post_score(request: HttpRequest, instrument: str, body: dict[str, Any] = JSON_BODY) -> Any:
    """Scores a questionnaire in the CLI contract's format (`{"answers": {...}}`); stores nothing."""
    answers = body.get("answers")
    if not isinstance(answers, dict):
        raise InvalidInput("answers", "must be an object of item numbers to answers")
    return engine.score(instrument, answers).to_dict()
