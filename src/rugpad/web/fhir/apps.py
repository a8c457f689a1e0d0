"""FHIR R4 REST API at /fhir/: rugpad's records as standard resources, built from the engine's state."""

import importlib
import pkgutil

from django.apps import AppConfig


class FhirConfig(AppConfig):
    name = "rugpad.web.fhir"
    label = "fhir"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Every module of `fhir.build` registers its resource type when imported: import them all, so a new type is
        # one new module and the views, $everything and the CapabilityStatement find it without a list to keep.
        from rugpad.web.fhir import build

        for module in pkgutil.iter_modules(build.__path__):
            importlib.import_module(f"{build.__name__}.{module.name}")
