"""QuestionnaireResponse: every completed questionnaire (`care.InstrumentResponse`), and the one type an outside
system may create (`POST /fhir/QuestionnaireResponse`).

Read: `questionnaire` = the instrument's canonical `url|version` (the version it was scored with), `status`
completed, `authored` = when it was completed, `author` = the patient when they filled it in themselves, else the
clinician by name; each answered item with its value (a choice as the option's Coding, a rating as an integer; a
PSK activity's name nested in its answer); the episode in the `episode-of-care` extension; the `identifier` it was
posted with, if any. Questionnaires sent and not yet answered are not responses and are not shown.

Create — how an outside app or a personal health environment submits answers:
- `subject`: `Patient/<id>`, a patient of the clinician's practice (else 404);
- the episode: the `episode-of-care` extension (`valueReference` EpisodeOfCare/<id>) names an open episode of that
  patient; without it the patient must have exactly one open episode (422 otherwise);
- `questionnaire`: rugpad's canonical of an instrument, optionally `|version` (it must be the current version);
- `status`: completed; `item`: `linkId` = item number, one answer each (`valueCoding.code`, `valueInteger`);
- `identifier` (system and value; optional): the idempotency key — a retried POST with the same identifier answers
  200 with the stored response instead of filing again (409 if the identifier belongs to another patient's).
The answers are filed by `fhir.actions.do_file_response`, the forms' own action: the engine scores them and refuses
a bad answer with the message the forms show (422 naming the item). The time filed is the time received; a
questionnaire the episode was waiting for from this instrument is completed by it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote, unquote

from django.db.models import QuerySet
from django.http import HttpRequest
from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from rugpad import engine
from rugpad.core.errors import InvalidInput
from rugpad.core.instruments import InstrumentDefinition
from rugpad.core.text import DEFAULT_LANG
from rugpad.web.care.access import access_patient, reach
from rugpad.web.care.models import EpisodeStatus, InstrumentResponse, ResponseStatus
from rugpad.web.fhir.actions import do_file_response
from rugpad.web.fhir.build.questionnaire import ACTIVITY, canonical_of, url_of
from rugpad.web.fhir.codes import CANONICAL, extension, instant, reference
from rugpad.web.fhir.outcome import FhirError
from rugpad.web.fhir.reads import record_id
from rugpad.web.fhir.registry import BuildContext, ResourceKind, register
from rugpad.web.fhir.validate import validated
from rugpad.web.practice.models import User

EPISODE = extension("episode-of-care")
"""The episode of care a response belongs to (valueReference EpisodeOfCare/<id>)."""


def records(user: User) -> QuerySet[InstrumentResponse]:
    return InstrumentResponse.objects.filter(
        reach(user, "episode__patient__"), status=ResponseStatus.COMPLETED
    ).select_related("episode__patient", "filled_by", "fhir_submission")


def _answer(definition: InstrumentDefinition, number: int, value: Any) -> dict[str, Any]:
    item = next(item for item in definition.items if item.number == number)
    option = next((option for option in item.options if option.value == value), None)
    if option is not None:
        return {"valueCoding": {"code": str(option.value), "display": option.label.get(DEFAULT_LANG)}}
    return {"valueInteger": int(value)}


def _items(response: InstrumentResponse, definition: InstrumentDefinition | None) -> list[dict[str, Any]]:
    items = []
    texts = {item.number: item.text.get(DEFAULT_LANG) for item in definition.items} if definition else {}
    for key, value in sorted(response.answers.items(), key=lambda pair: int(pair[0]) if pair[0].isdigit() else 0):
        if value is None:
            continue
        answer = _answer(definition, int(key), value) if definition else {"valueInteger": int(value)}
        activity = (response.activities or {}).get(key)
        if activity:
            answer["item"] = [{"linkId": f"{key}.{ACTIVITY}", "answer": [{"valueString": activity}]}]
        item: dict[str, Any] = {"linkId": key, "answer": [answer]}
        if int(key) in texts:
            item["text"] = texts[int(key)]
        items.append(item)
    return items


def response_resource(response: Any) -> dict[str, Any]:
    definitions = engine.instruments()
    definition = definitions.get(response.instrument)
    patient = response.episode.patient
    url = url_of(response.instrument)
    version = response.instrument_version
    filler = response.filled_by
    author: dict[str, str] | None = None
    if filler is not None:
        author = (
            reference("Patient", patient.pk)
            if filler.pk == patient.user_id
            else {"display": filler.get_full_name() or filler.username}
        )
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": str(response.pk),
        "meta": {"lastUpdated": instant(response.completed_at)},
        "extension": [{"url": EPISODE, "valueReference": reference("EpisodeOfCare", response.episode_id)}],
        "questionnaire": (
            canonical_of(definition)
            if definition and definition.version == version
            else f"{url}|{quote(version, safe='')}"
        ),
        "status": "completed",
        "subject": reference("Patient", patient.pk),
        "authored": instant(response.completed_at),
        "item": _items(response, definition),
    }
    submission = getattr(response, "fhir_submission", None)
    if submission is not None:
        resource["identifier"] = {"system": submission.system, "value": submission.value}
    if author is not None:
        resource["author"] = author
    if not resource["item"]:
        del resource["item"]
    return validated(resource)


def build(rows: Sequence[InstrumentResponse], ctx: BuildContext) -> list[dict[str, Any]]:
    return [response_resource(response) for response in rows]


# --- create --------------------------------------------------------------------------------------------------------


def _invalid(problem: str, expression: str, status: int = 422) -> FhirError:
    """A refusal naming the element (as a FHIRPath expression from the resource)."""
    return FhirError(
        status, "invalid" if status == 400 else "processing", problem, expression=f"QuestionnaireResponse.{expression}"
    )


def _instrument(canonical: str) -> InstrumentDefinition:
    url, _bar, version = canonical.partition("|")
    prefix = f"{CANONICAL}/Questionnaire/"
    code = url[len(prefix) :] if url.startswith(prefix) else url.removeprefix("Questionnaire/")
    if code not in engine.instruments():
        raise _invalid(
            f"questionnaire {canonical!r} is not one of rugpad's (see GET /fhir/Questionnaire).", "questionnaire"
        )
    definition = engine.instrument(code)
    if version and unquote(version) != definition.version:
        raise _invalid(
            f"questionnaire version {unquote(version)!r} is not the current {definition.version!r} of {code}.",
            "questionnaire",
        )
    return definition


def _value(definition: InstrumentDefinition, link_id: str, answer: dict[str, Any]) -> Any:
    where = f"item.where(linkId='{link_id}')"
    if "valueCoding" in answer:
        code = str(answer["valueCoding"].get("code", ""))
        if not code.lstrip("-").isdigit():
            raise _invalid(f"{definition.code}: item {link_id}: the answer's code must be an option's value.", where)
        return int(code)
    if "valueInteger" in answer:
        return answer["valueInteger"]
    if "valueDecimal" in answer and float(answer["valueDecimal"]).is_integer():
        return int(answer["valueDecimal"])
    raise _invalid(f"{definition.code}: item {link_id}: answer with valueCoding or valueInteger.", where)


def _answers(definition: InstrumentDefinition, items: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, str]]:
    numbers = {str(item.number) for item in definition.items}
    answers: dict[str, Any] = {}
    activities: dict[str, str] = {}
    for item in items:
        link_id = str(item.get("linkId", ""))
        where = f"item.where(linkId='{link_id}')"
        if link_id not in numbers:
            raise _invalid(f"{definition.code}: item {link_id}: {definition.code} has no such item.", where)
        if link_id in answers:
            raise _invalid(f"{definition.code}: item {link_id}: answered twice.", where)
        given = item.get("answer", [])
        if len(given) > 1:
            raise _invalid(f"{definition.code}: item {link_id}: give one answer.", where)
        if given:
            answers[link_id] = _value(definition, link_id, given[0])
            for child in [*given[0].get("item", []), *item.get("item", [])]:
                if child.get("linkId") == f"{link_id}.{ACTIVITY}" and child.get("answer"):
                    activities[link_id] = str(child["answer"][0].get("valueString", ""))
    return answers, activities


def _episode(request: HttpRequest, body: dict[str, Any], patient: Any) -> Any:
    named = [e for e in body.get("extension", []) if e.get("url") == EPISODE]
    open_episodes = patient.episodes.filter(status=EpisodeStatus.OPEN)
    if named:
        ref = str(named[0].get("valueReference", {}).get("reference", ""))
        episode_id = ref.removeprefix("EpisodeOfCare/")
        pk = record_id(episode_id)
        episode = open_episodes.filter(pk=pk).first() if pk is not None else None
        if episode is None:
            raise _invalid(f"{ref!r} is not an open episode of care of this patient.", f"extension('{EPISODE}')")
        return episode
    found = list(open_episodes.order_by("-started_on", "-pk")[:2])
    if len(found) != 1:
        problem = "has no open episode of care" if not found else "has several open episodes of care: name one"
        raise _invalid(f"The patient {problem} (extension {EPISODE}).", "subject")
    return found[0]


def _field_expression(error: InvalidInput) -> str:
    """The element an engine or action error names: `odi: item 4` → item 4, `activities.2` → item 2's activity."""
    _prefix, _sep, number = error.field.partition("item ")
    if number.isdigit():
        return f"item.where(linkId='{number}')"
    _prefix, _sep, number = error.field.partition("activities.")
    if number.isdigit():
        return f"item.where(linkId='{number}').answer.item.where(linkId='{number}.{ACTIVITY}')"
    return "item"


def create(request: HttpRequest, body: dict[str, Any], ctx: BuildContext) -> tuple[InstrumentResponse, bool]:
    try:
        get_fhir_model_class("QuestionnaireResponse").model_validate(body)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise _invalid(f"Not a valid QuestionnaireResponse: {where}: {first['msg']}", where, 400) from None
    if body.get("status") != "completed":
        raise _invalid("Only a completed QuestionnaireResponse is filed (status: completed).", "status")
    subject = str(body.get("subject", {}).get("reference", ""))
    patient_id = record_id(subject.removeprefix("Patient/")) if subject.startswith("Patient/") else None
    if patient_id is None:
        raise _invalid("subject must be a Patient reference (Patient/<id>).", "subject")
    patient = access_patient(request, patient_id)  # 404 outside the clinician's reach
    definition = _instrument(str(body.get("questionnaire", "")))
    episode = _episode(request, body, patient)
    answers, activities = _answers(definition, body.get("item", []))
    given = body.get("identifier") or {}
    identifier = (str(given.get("system", "")), str(given["value"])) if given.get("value") else None
    try:
        response, created = do_file_response(request, episode, definition.code, answers, activities, identifier)
    except InvalidInput as error:
        raise _invalid(str(error), _field_expression(error)) from None
    if response.episode.patient_id != patient.pk:
        raise FhirError(
            409,
            "duplicate",
            "This identifier was used for another patient's response.",
            expression="QuestionnaireResponse.identifier",
        )
    return response, created


KIND = register(
    ResourceKind(
        type="QuestionnaireResponse",
        records=records,
        patient_field="episode__patient_id",
        date_field="completed_at",
        updated_field="completed_at",
        build=build,
        create=create,
    )
)
