"""The services rugpad offers (CDS Hooks discovery)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from rugpad.web.cdshooks.prefetch import TEMPLATES


@dataclass(frozen=True, slots=True)
class Service:
    id: str
    hook: str


PATIENT_VIEW = Service("rugpad-back-neck-pain", "patient-view")
ORDER_SELECT = Service("rugpad-imaging-opioids", "order-select")
SERVICES: Mapping[str, Service] = {service.id: service for service in (PATIENT_VIEW, ORDER_SELECT)}


def _describe(service: Service) -> tuple[str, str]:
    if service is PATIENT_VIEW:
        return (
            _("rugpad: back and neck pain triage"),
            _(
                "For a patient with low back or neck pain: red flags with their urgency and the action, the "
                "stratified treatment profile with its recommendations, and what not to do (imaging, opioids) — "
                "each with its rule and source."
            ),
        )
    return (
        _("rugpad: imaging and opioids in back and neck pain"),
        _(
            "Warns when a selected imaging order of the spine or an opioid goes against a care-pathway rule for "
            "this back or neck pain patient; silent when a red flag justifies the order."
        ),
    )


def discovery_json() -> dict[str, object]:
    services = []
    for service in SERVICES.values():
        title, description = _describe(service)
        services.append(
            {
                "hook": service.hook,
                "id": service.id,
                "title": title,
                "description": description,
                "prefetch": dict(TEMPLATES),
                "usageRequirements": _(
                    "The patient's Conditions must name the low back or neck pain (SNOMED CT, ICD-10, ICPC or "
                    "rugpad's region codes); signs are read from Conditions, Observations and rugpad's screening, "
                    "alarm and STarT Back questionnaires. Calls need a JWT signed by a trusted issuer."
                ),
            }
        )
    return {"services": services}
