"""/fhir/ routes (see `views.py`). The bulk export's routes, when its module is present, come first: `$export`
would otherwise read as a resource type."""

import importlib
import importlib.util

from django.urls import URLPattern, URLResolver, path

from rugpad.web.fhir import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("metadata", views.metadata, name="fhir_metadata"),
    path("Patient/<str:patient_id>/$everything", views.everything, name="fhir_everything"),
    path("<str:resource_type>", views.type_endpoint, name="fhir_type"),
    path("<str:resource_type>/<str:resource_id>", views.read, name="fhir_read"),
]

if importlib.util.find_spec("rugpad.web.fhir.export") is not None:
    urlpatterns = list(getattr(importlib.import_module("rugpad.web.fhir.export"), "urlpatterns", [])) + urlpatterns
