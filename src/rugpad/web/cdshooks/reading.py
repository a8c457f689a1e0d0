"""The caller's FHIR data (prefetched or fetched) → the triage's case, one per region the patient has.

Resources are parsed with `fhir.resources` (R4B models, wire-compatible with R4) one at a time, so a large Bundle
costs only the resources rugpad reads. Codes are looked up in `engine.interop_codes()` (content, reviewable); the
case is the `rugpad triage` contract's JSON, and the engine decides everything clinical from it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse, QuestionnaireResponseItem
from fhir.resources.R4B.resource import Resource
from pydantic import ValidationError

from rugpad import engine
from rugpad.core.errors import InvalidInput
from rugpad.core.vocab import Region

PREFETCH_TYPES: Mapping[str, str] = {
    "patient": "Patient",
    "conditions": "Condition",
    "observations": "Observation",
    "questionnaireResponses": "QuestionnaireResponse",
}
"""The prefetch keys every service declares, with the resource type each holds (a Bundle of them, or one)."""

_MODELS: Mapping[str, type[Resource]] = {
    "Patient": Patient,
    "Condition": Condition,
    "Observation": Observation,
    "QuestionnaireResponse": QuestionnaireResponse,
}
_NOT_COUNTING = frozenset({"refuted", "entered-in-error"})
_ACTIVE = frozenset({"active", "recurrence", "relapse"})
_NO_RESULT = frozenset({"entered-in-error", "cancelled"})
MAX_AGE = 120

R = TypeVar("R", bound=Resource)


@dataclass
class PatientData:
    """The resources of one patient that rugpad reads."""

    patient: Patient | None = None
    conditions: list[Condition] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)
    responses: list[QuestionnaireResponse] = field(default_factory=list)


def parse_resource(raw: object, model: type[R], where: str) -> R:
    """One resource, validated; InvalidInput names where it is and what `fhir.resources` refused."""
    if not isinstance(raw, dict):
        raise InvalidInput(where, "must be a FHIR resource (a JSON object)")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        place = ".".join(str(part) for part in first["loc"])
        raise InvalidInput(f"{where}.{place}" if place else where, first["msg"]) from None


def resources_in(raw: object, resource_type: str, where: str) -> list[Any]:
    """The resources of `resource_type` in a prefetch value: one resource, a Bundle of them (other entries, such as
    a search's OperationOutcome, are passed over) or null (no data)."""
    if raw is None:
        return []
    if not isinstance(raw, dict):
        raise InvalidInput(where, "must be a FHIR resource or Bundle")
    model = _MODELS[resource_type]
    if raw.get("resourceType") == resource_type:
        return [parse_resource(raw, model, where)]
    if raw.get("resourceType") != "Bundle":
        raise InvalidInput(where, f"must be a {resource_type} or a Bundle, not {raw.get('resourceType')!r}")
    entries = raw.get("entry") or []
    if not isinstance(entries, list):
        raise InvalidInput(f"{where}.entry", "must be a list")
    found = []
    for index, entry in enumerate(entries):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if isinstance(resource, dict) and resource.get("resourceType") == resource_type:
            found.append(parse_resource(resource, model, f"{where}.entry[{index}].resource"))
    return found


def _of_patient(resources: list[Any], patient_id: str, where: str) -> list[Any]:
    """The resources, refused (InvalidInput) when one names another patient: advice on mixed-up data is worse than
    none. A subject given only by identifier, or none, is taken as the context's patient."""
    for index, resource in enumerate(resources):
        reference = str(resource.subject.reference or "") if resource.subject is not None else ""
        if reference and not (reference == f"Patient/{patient_id}" or reference.endswith(f"/Patient/{patient_id}")):
            raise InvalidInput(f"{where}[{index}].subject", f"{reference!r} is not the context's Patient/{patient_id}")
    return resources


def patient_data(prefetch: Mapping[str, object], patient_id: str) -> PatientData:
    """Every prefetch key parsed (each present: the caller has filled in what was missing), all of one patient."""
    patients = resources_in(prefetch["patient"], "Patient", "prefetch.patient")
    if patients and patients[0].id is not None and patients[0].id != patient_id:
        raise InvalidInput("prefetch.patient.id", f"{patients[0].id!r} is not the context's patientId {patient_id!r}")
    return PatientData(
        patient=patients[0] if patients else None,
        conditions=_of_patient(
            resources_in(prefetch["conditions"], "Condition", "prefetch.conditions"), patient_id, "prefetch.conditions"
        ),
        observations=_of_patient(
            resources_in(prefetch["observations"], "Observation", "prefetch.observations"),
            patient_id,
            "prefetch.observations",
        ),
        responses=_of_patient(
            resources_in(
                prefetch["questionnaireResponses"], "QuestionnaireResponse", "prefetch.questionnaireResponses"
            ),
            patient_id,
            "prefetch.questionnaireResponses",
        ),
    )


def _codings(concepts: Iterable[Any]) -> list[tuple[str, str]]:
    return [
        (str(coding.system), str(coding.code))
        for concept in concepts
        if concept is not None
        for coding in concept.coding or ()
        if coding.system and coding.code
    ]


def _status(concept: Any) -> str | None:
    codes = [code for _system, code in _codings([concept])]
    return codes[0] if codes else None


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


def _age(patient: Patient | None, today: dt.date) -> int | None:
    born = _date(patient.birthDate) if patient is not None else None
    if born is None or born > today:
        return None
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return age if age <= MAX_AGE else None


def _sex(patient: Patient | None) -> str | None:
    gender = patient.gender if patient is not None else None
    return gender if gender in ("female", "male", "other") else None


def regions_with_onset(data: PatientData) -> dict[Region, dt.date | None]:
    """The regions the patient's counting diagnoses name, each with its earliest known onset."""
    codes = engine.interop_codes()
    regions: dict[Region, dt.date | None] = {}
    for condition in data.conditions:
        if _status(condition.verificationStatus) in _NOT_COUNTING:
            continue
        clinical = _status(condition.clinicalStatus)
        if clinical is not None and clinical not in _ACTIVE:
            continue
        onset = _date(condition.onsetDateTime)
        for system, code in _codings([condition.code]):
            region = codes.region_of(system, code)
            if region is None:
                continue
            known = regions.get(region)
            regions[region] = onset if known is None or (onset is not None and onset < known) else known
    return regions


def _answer_value(item: QuestionnaireResponseItem) -> object:
    if not item.answer:
        return None
    answer = item.answer[0]
    if answer.valueInteger is not None:
        return answer.valueInteger
    if answer.valueBoolean is not None:
        return answer.valueBoolean
    if answer.valueCoding is not None and answer.valueCoding.code is not None:
        code = str(answer.valueCoding.code)
        return int(code) if code.isdigit() else code
    if answer.valueDecimal is not None:
        return answer.valueDecimal
    return None


def _items(items: Iterable[QuestionnaireResponseItem] | None) -> Iterable[QuestionnaireResponseItem]:
    for item in items or ():
        yield item
        yield from _items(item.item)


def signs_and_startback(data: PatientData) -> tuple[set[str], dict[str, object] | None]:
    """The screening signs the records show, and the answers of the latest STarT Back questionnaire (or None)."""
    codes = engine.interop_codes()
    known = frozenset(engine.rulebook().signs)
    alarm_signs = {question.id: question.signs for question in engine.alarm_questions()}
    signs: set[str] = set()
    for condition in data.conditions:
        if _status(condition.verificationStatus) not in _NOT_COUNTING:
            signs.update(s for s in (codes.sign_of(*c, known) for c in _codings([condition.code])) if s)
    for observation in data.observations:
        if observation.status in _NO_RESULT or observation.valueBoolean is False or observation.dataAbsentReason:
            continue
        value = observation.valueCodeableConcept
        if value is not None and not codes.absent_values.isdisjoint(_codings([value])):
            continue
        signs.update(s for s in (codes.sign_of(*c, known) for c in _codings([observation.code])) if s)
    startback: tuple[dt.datetime | dt.date, dict[str, object]] | None = None
    for response in data.responses:
        kind = codes.questionnaire_kind(str(response.questionnaire or ""))
        if kind is None or response.status not in ("completed", "amended"):
            continue
        answers = {str(item.linkId): _answer_value(item) for item in _items(response.item) if item.answer}
        if kind == "screening":
            signs.update(link for link, value in answers.items() if value is True and link in known)
        elif kind == "alarm":
            signs.update(s for link, value in answers.items() if value is True for s in alarm_signs.get(link, ()))
        else:
            authored = response.authored or dt.date.min
            if startback is None or _sortable(authored) >= _sortable(startback[0]):
                startback = (authored, {k: int(v) if isinstance(v, bool) else v for k, v in answers.items()})
    return signs, None if startback is None else startback[1]


def _sortable(moment: dt.datetime | dt.date) -> dt.datetime:
    if isinstance(moment, dt.datetime):
        return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return dt.datetime(moment.year, moment.month, moment.day, tzinfo=dt.UTC)


def cases(data: PatientData, today: dt.date) -> dict[Region, dict[str, object]]:
    """One `rugpad triage` case per region the patient's diagnoses name (none: not a back or neck patient)."""
    signs, startback = signs_and_startback(data)
    age, sex = _age(data.patient, today), _sex(data.patient)
    found: dict[Region, dict[str, object]] = {}
    for region, onset in regions_with_onset(data).items():
        case: dict[str, object] = {"region": str(region), "signs": sorted(signs)}
        if age is not None:
            case["age"] = age
        if sex is not None:
            case["sex"] = sex
        if onset is not None and onset <= today:
            case["duration_weeks"] = round((today - onset).days / 7, 1)
        if startback is not None:
            case["startback"] = startback
        found[region] = case
    return found
