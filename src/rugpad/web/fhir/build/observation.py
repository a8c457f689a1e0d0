"""Observation: the score of every scored questionnaire (`care.InstrumentResponse` with a score), id = the
response's id, `derivedFrom` its QuestionnaireResponse.

- `code`: rugpad's `instrument-score` code system, code = the instrument. No LOINC code: the content's sources
  confirm none for rugpad's instruments (guideline facts §3.9), and rugpad does not invent codes.
- `valueQuantity`: the score as stored at scoring, in percent for a score the instrument scales to 100 (ODI), else
  UCUM's `{score}`; `interpretation`: its band (rugpad's `<instrument>-band` code system), when the instrument has
  bands; the instrument's other results (STarT Back's total, psychosocial subscale and risk; NDI's percent) as
  components, as the scoring stored them.
- The change from baseline, read from the engine's episode state (`EpisodeState.changes`), is shown on the
  observation of the follow-up it was computed from (the episode's newest scored response of that instrument):
  components `baseline`, `change` (points), `change-percent` and `clinically-important-change` (true/false; absent
  when the state cannot say, e.g. no MCID is known), with the MCID's source in the component's text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet

from rugpad import engine
from rugpad.core.episode import EpisodeState
from rugpad.core.instruments import InstrumentDefinition, ScoringRule
from rugpad.core.vocab import Lang
from rugpad.web.care.access import reach
from rugpad.web.care.models import InstrumentResponse, ResponseStatus
from rugpad.web.fhir.codes import coding, instant, reference
from rugpad.web.fhir.registry import BuildContext, ResourceKind, register
from rugpad.web.fhir.validate import validated
from rugpad.web.practice.models import User

UCUM = "http://unitsofmeasure.org"
STANDARD_KEYS = frozenset({"instrument", "score", "missing", "band", "band_label"})
SURVEY = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "survey",
            "display": "Survey",
        }
    ]
}


def records(user: User) -> QuerySet[InstrumentResponse]:
    return InstrumentResponse.objects.filter(
        reach(user, "episode__patient__"), status=ResponseStatus.COMPLETED, score__isnull=False
    ).select_related("episode__patient")


def _quantity(value: float, percent: bool) -> dict[str, Any]:
    if percent:
        return {"value": value, "unit": "%", "system": UCUM, "code": "%"}
    return {"value": value, "unit": "score", "system": UCUM, "code": "{score}"}


def _percent(definition: InstrumentDefinition | None) -> bool:
    return bool(
        definition
        and definition.scoring.rule is ScoringRule.SUM_WITH_DENOMINATOR_REDUCTION
        and definition.scoring.scale_max == 100
    )


def _component(code: str, display: str, value: dict[str, Any], text: str | None = None) -> dict[str, Any]:
    concept: dict[str, Any] = {"coding": [coding("instrument-score", code, display)]}
    if text:
        concept["text"] = text
    return {"code": concept, **value}


def _results(response: Any) -> list[dict[str, Any]]:
    code = response.instrument
    components = []
    for key, value in sorted(response.result.items()):  # jsonb keeps no key order
        if key in STANDARD_KEYS or value is None:
            continue
        name = f"{code}-{key}"
        if isinstance(value, bool):
            components.append(_component(name, f"{code} {key}", {"valueBoolean": value}))
        elif isinstance(value, int | float):
            components.append(_component(name, f"{code} {key}", {"valueQuantity": _quantity(value, key == "percent")}))
        elif isinstance(value, str):
            components.append(
                _component(name, f"{code} {key}", {"valueCodeableConcept": {"coding": [coding(name, value)]}})
            )
    return components


def _changes(response: Any, state: EpisodeState, percent: bool, lang: str) -> list[dict[str, Any]]:
    change = next((c for c in state.changes if c.instrument == response.instrument), None)
    if change is None or change.follow_up is None:
        return []
    code = response.instrument
    source = f"{change.source_id} ({change.evidence})"
    parts = []
    if change.baseline is not None:
        parts.append(
            _component(f"{code}-baseline", "Baseline score", {"valueQuantity": _quantity(change.baseline, percent)})
        )
    if change.points is not None:
        parts.append(
            _component(f"{code}-change", "Change from baseline", {"valueQuantity": _quantity(change.points, percent)})
        )
    if change.percent is not None:
        parts.append(
            _component(
                f"{code}-change-percent",
                "Change from baseline, percent of baseline",
                {"valueQuantity": _quantity(change.percent, True)},
            )
        )
    if change.clinically_important is not None:
        parts.append(
            _component(
                f"{code}-clinically-important-change",
                "Clinically important change",
                {"valueBoolean": change.clinically_important},
                f"{change.reason.get(lang)} [{source}]",
            )
        )
    return parts


def observation(response: Any, state: EpisodeState, follow_up: bool, lang: str) -> dict[str, Any]:
    definition = engine.instruments().get(response.instrument)
    percent = _percent(definition)
    name = definition.name.get(Lang.EN) if definition else response.instrument
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": str(response.pk),
        "meta": {"lastUpdated": instant(response.completed_at)},
        "status": "final",
        "category": [SURVEY],
        "code": {"coding": [coding("instrument-score", response.instrument, f"{name} score")]},
        "subject": reference("Patient", response.episode.patient_id),
        "effectiveDateTime": instant(response.completed_at),
        "valueQuantity": _quantity(response.score, percent),
        "derivedFrom": [reference("QuestionnaireResponse", response.pk)],
    }
    band = response.result.get("band")
    if band and definition is not None:
        label = next((b.label for b in definition.bands if b.key == band), None)
        concept: dict[str, Any] = {
            "coding": [coding(f"{response.instrument}-band", band, label.get(Lang.EN) if label else None)]
        }
        if label is not None:
            concept["text"] = label.get(lang)
        resource["interpretation"] = [concept]
    components = _results(response) + (_changes(response, state, percent, lang) if follow_up else [])
    if components:
        resource["component"] = components
    return validated(resource)


def _follow_ups(rows: Sequence[InstrumentResponse]) -> set[int]:
    """Of the page's episodes, the newest scored response per instrument (one query): the follow-up the state's
    change was computed from."""
    newest: dict[tuple[int, str], tuple[Any, int]] = {}
    for episode_id, instrument, at, pk in InstrumentResponse.objects.filter(
        episode__in={row.episode_id for row in rows}, status=ResponseStatus.COMPLETED, score__isnull=False
    ).values_list("episode_id", "instrument", "completed_at", "pk"):
        key = (episode_id, instrument)
        if key not in newest or (at, pk) > newest[key]:
            newest[key] = (at, pk)
    return {pk for _at, pk in newest.values()}


def build(rows: Sequence[InstrumentResponse], ctx: BuildContext) -> list[dict[str, Any]]:
    states = ctx.states([row.episode for row in rows])
    follow_ups = _follow_ups(rows)
    return [observation(row, states[row.episode_id], row.pk in follow_ups, ctx.lang) for row in rows]


KIND = register(
    ResourceKind(
        type="Observation",
        records=records,
        patient_field="episode__patient_id",
        date_field="completed_at",
        updated_field="completed_at",
        build=build,
    )
)
