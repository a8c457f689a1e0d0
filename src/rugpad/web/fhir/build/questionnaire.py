"""Questionnaire: every instrument rugpad scores (`engine.instruments()`), SDC-style, id = the instrument's code.

- `url` is rugpad's canonical (`https://rugpad.org/fhir/Questionnaire/<code>`), `version` the instrument's version;
  a QuestionnaireResponse points at `url|version` (the version percent-encoded: some have spaces).
- Texts are Dutch (`language` nl) with the English translation in FHIR's translation extension on the element's
  `_text` / `_display` / `_title` / `_description` / `_copyright`.
- Items: `linkId` = the item's number, as the scoring reads it. An item with options is a `choice`, each
  `answerOption` a Coding whose code is the scored value, with that value again as `ordinalValue` (FHIR's extension
  for an answer's score); a rating scale is an `integer` with `minValue`/`maxValue` and its anchors as a `display`
  child item. Optional items (the 4th and 5th PSK activity) are not `required`. The PSK's own activity names are a
  `string` child item `<n>.activity`.
- `copyright`: the licence holder and terms; the `citation` extension: the reference and source id; `provenance`
  extensions: per part (wording, scoring, bands, licence…) its source and evidence marker (`unverified` parts are
  said so).
"""

from __future__ import annotations

import functools
import re
from typing import Any
from urllib.parse import quote

from rugpad import engine
from rugpad.core.instruments import InstrumentDefinition, Item
from rugpad.core.text import DEFAULT_LANG, Text
from rugpad.core.vocab import Lang
from rugpad.web.fhir.codes import CANONICAL, coding, extension, translation
from rugpad.web.fhir.registry import ContentKind, register_content
from rugpad.web.fhir.validate import validated

ORDINAL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
CITATION = extension("citation")
PROVENANCE = extension("provenance")
ACTIVITY = "activity"
"""The suffix of the PSK's activity item (`1.activity`)."""


def url_of(code: str) -> str:
    return f"{CANONICAL}/Questionnaire/{code}"


def canonical_of(definition: InstrumentDefinition) -> str:
    """`url|version`, as a QuestionnaireResponse names the questionnaire it answers."""
    return f"{url_of(definition.code)}|{quote(definition.version, safe='')}"


_ACTIVITY = engine.phrase("fhir.activity")


def _anchor(value: object, label: Text) -> Text:
    """An anchor of a numeric scale in every language: "0 = no pain"."""
    return label.map(lambda words: f"{value} = {words}")


def _text(key: str, text: Text) -> dict[str, Any]:
    return {key: text.get(DEFAULT_LANG), f"_{key}": translation(text)}


def _item(definition: InstrumentDefinition, item: Item) -> dict[str, Any]:
    resource: dict[str, Any] = {"linkId": str(item.number), **_text("text", item.text), "required": not item.optional}
    children: list[dict[str, Any]] = []
    if item.options:
        resource["type"] = "choice"
        resource["answerOption"] = [
            {
                "extension": [{"url": ORDINAL, "valueDecimal": option.value}],
                "valueCoding": {"code": str(option.value), **_text("display", option.label)},
            }
            for option in item.options
        ]
    else:
        resource["type"] = "integer"
        resource["extension"] = [
            {"url": MIN_VALUE, "valueInteger": item.minimum},
            {"url": MAX_VALUE, "valueInteger": item.maximum},
        ]
        if item.anchors:
            anchors = Text.join(" · ", (_anchor(a.value, a.label) for a in item.anchors))
            children.append({"linkId": f"{item.number}.anchors", "type": "display", **_text("text", anchors)})
    if definition.code == "psk":
        children.append(
            {
                "linkId": f"{item.number}.{ACTIVITY}",
                "type": "string",
                **_text("text", _ACTIVITY.format(number=item.number)),
                "required": False,
                "maxLength": 120,
            }
        )
    if children:
        resource["item"] = children
    return resource


def questionnaire(definition: InstrumentDefinition) -> dict[str, Any]:
    licence = definition.licence
    return validated(
        {
            "resourceType": "Questionnaire",
            "id": definition.code,
            "language": "nl",
            "extension": [
                {"url": CITATION, "valueString": f"{definition.reference} [source {definition.source_id}]"},
                *(
                    {
                        "url": PROVENANCE,
                        "extension": [
                            {"url": "part", "valueCode": str(part.part)},
                            {"url": "source", "valueString": part.source_id},
                            {"url": "evidence", "valueCode": str(part.evidence)},
                        ],
                    }
                    for part in definition.provenance
                ),
            ],
            "url": url_of(definition.code),
            "version": definition.version,
            "name": re.sub(r"[^A-Za-z0-9]", "", definition.short_name) or definition.code.upper(),
            **_text("title", definition.name),
            "status": "active",
            "subjectType": ["Patient"],
            "publisher": "rugpad",
            **_text(
                "description",
                Text.join(" ", (definition.instructions, definition.recall_period)),
            ),
            **_text("copyright", licence.terms.map(lambda terms: f"{licence.holder}. {terms}")),
            "code": [coding("instrument", definition.code, definition.name.get(Lang.EN))],
            "item": [_item(definition, item) for item in definition.items],
        }
    )


@functools.cache
def questionnaires() -> dict[str, dict[str, Any]]:
    """Every instrument as a Questionnaire by code (built once: content does not change while the server runs)."""
    return {code: questionnaire(definition) for code, definition in sorted(engine.instruments().items())}


KIND = register_content(ContentKind(type="Questionnaire", resources=questionnaires))
