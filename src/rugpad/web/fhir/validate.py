"""Every resource rugpad emits passes through `validated`: built as plain JSON, checked by the `fhir.resources` model
of its type (FHIR R4B models: the resource types rugpad serves have the same shape in R4 4.0.1)."""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B import get_fhir_model_class


def validated(resource: dict[str, Any]) -> dict[str, Any]:
    """The resource as `fhir.resources` serialises it after validation; a mistake in a build module raises here
    (pydantic's ValidationError naming the element) instead of reaching another system."""
    model = get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)
