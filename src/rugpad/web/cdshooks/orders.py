"""order-select: the draft orders the clinician selected (`context.selections` into `context.draftOrders`), read as
codes and words for `OrderKind.match`. ServiceRequests and MedicationRequests are parsed with `fhir.resources`; a
medication named by reference is looked up among the contained resources or the Bundle's entries."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from fhir.resources.R4B.medication import Medication
from fhir.resources.R4B.medicationrequest import MedicationRequest
from fhir.resources.R4B.servicerequest import ServiceRequest

from rugpad.core.errors import InvalidInput
from rugpad.web.cdshooks.cards import Order
from rugpad.web.cdshooks.reading import parse_resource

_KINDS: dict[str, type[ServiceRequest] | type[MedicationRequest]] = {
    "ServiceRequest": ServiceRequest,
    "MedicationRequest": MedicationRequest,
}


def _concepts(concepts: Iterable[Any]) -> tuple[list[tuple[str, str]], list[str]]:
    codings: list[tuple[str, str]] = []
    texts: list[str] = []
    for concept in concepts:
        if concept is None:
            continue
        if concept.text:
            texts.append(str(concept.text))
        for coding in concept.coding or ():
            if coding.system and coding.code:
                codings.append((str(coding.system), str(coding.code)))
            if coding.display:
                texts.append(str(coding.display))
    return codings, texts


def _medication(request: MedicationRequest, resources: Mapping[str, dict[str, Any]], where: str) -> Any:
    if request.medicationCodeableConcept is not None:
        return request.medicationCodeableConcept
    reference = str(request.medicationReference.reference or "") if request.medicationReference else ""
    raw: object = None
    if reference.startswith("#"):
        raw = next((c for c in request.contained or () if c.id == reference[1:]), None)
        return raw.code if isinstance(raw, Medication) else None
    raw = resources.get(reference)
    return parse_resource(raw, Medication, f"{where}.medicationReference").code if raw is not None else None


def _order(reference: str, raw: dict[str, Any], resources: Mapping[str, dict[str, Any]], where: str) -> Order:
    kind = str(raw.get("resourceType"))
    resource: ServiceRequest | MedicationRequest = parse_resource(raw, _KINDS[kind], where)
    if isinstance(resource, ServiceRequest):
        codings, texts = _concepts([resource.code])
        categories, _words = _concepts(resource.category or ())
        sites, site_words = _concepts(resource.bodySite or ())
        texts += site_words
    else:
        codings, texts = _concepts([_medication(resource, resources, where)])
        categories, sites = [], []
    return Order(
        reference, kind, texts[0] if texts else "", tuple(codings), tuple(texts), tuple(categories), tuple(sites)
    )


def selected_orders(bundle: Mapping[str, Any], selections: list[str]) -> list[Order]:
    """The selected ServiceRequests and MedicationRequests of the draft orders (others are not rugpad's concern)."""
    if bundle.get("resourceType") != "Bundle" or not isinstance(bundle.get("entry", []), list):
        raise InvalidInput("context.draftOrders", "must be a Bundle with a list of entries")
    resources: dict[str, dict[str, Any]] = {}
    places: dict[str, str] = {}
    for index, entry in enumerate(bundle.get("entry") or []):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict):
            raise InvalidInput(f"context.draftOrders.entry[{index}].resource", "is required")
        names = [f"{resource.get('resourceType')}/{resource.get('id')}", str(entry.get("fullUrl") or "")]
        for name in names:
            if name and name not in resources:
                resources[name] = resource
                places[name] = f"context.draftOrders.entry[{index}].resource"
    orders = []
    for index, selection in enumerate(selections):
        raw = resources.get(selection)
        if raw is None:
            raise InvalidInput(f"context.selections[{index}]", f"{selection!r} is not in context.draftOrders")
        if raw.get("resourceType") in _KINDS:
            orders.append(_order(selection, raw, resources, places[selection]))
    return orders
