"""rugpad's canonical URLs: the code systems, extensions and definitions it publishes for what no standard code
names. Canonical URLs are identifiers, stable forever; they need not resolve."""

import datetime as dt

from rugpad.core.text import DEFAULT_LANG, Text

CANONICAL = "https://rugpad.org/fhir"
"""The base of every canonical URL rugpad defines."""


def code_system(name: str) -> str:
    """The canonical URL of one of rugpad's code systems, e.g. `code_system("instrument-score")`."""
    return f"{CANONICAL}/CodeSystem/{name}"


def extension(name: str) -> str:
    return f"{CANONICAL}/StructureDefinition/{name}"


def identifier_system(name: str) -> str:
    """The system of a rugpad identifier (e.g. the record's id inside one installation)."""
    return f"{CANONICAL}/sid/{name}"


TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
"""FHIR's standard extension for a translation of a string element (on `_<element>`): `lang` and `content`."""


def reference(resource_type: str, resource_id: object, display: str | None = None) -> dict[str, str]:
    """A relative reference (`Patient/12`), as every resource rugpad emits points at another."""
    ref = {"reference": f"{resource_type}/{resource_id}"}
    if display:
        ref["display"] = display
    return ref


def coding(system_name: str, code: str, display: str | None = None) -> dict[str, str]:
    """A coding in one of rugpad's code systems."""
    result = {"system": code_system(system_name), "code": code}
    if display:
        result["display"] = display
    return result


def translation(text: Text) -> dict[str, object]:
    """The `_element` beside a Dutch string, carrying the text's other languages (FHIR's translation extension)."""
    return {
        "extension": [
            {
                "url": TRANSLATION,
                "extension": [{"url": "lang", "valueCode": lang.value}, {"url": "content", "valueString": value}],
            }
            for lang, value in text.items()
            if lang is not DEFAULT_LANG
        ]
    }


def instant(value: dt.datetime) -> str:
    """A stored timestamp as FHIR's instant/dateTime (stored times are timezone-aware)."""
    return value.isoformat()
