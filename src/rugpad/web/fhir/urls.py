"""/fhir/ routes (see `views.py`). The bulk export's routes and `Binary` come first: `$export` and `Binary` would
otherwise read as resource types of the generic search and read routes."""

from django.urls import URLPattern, URLResolver, path

from rugpad.web.fhir import export, views

urlpatterns: list[URLPattern | URLResolver] = [
    *export.urlpatterns,
    path("metadata", views.metadata, name="fhir_metadata"),
    path("Patient/<str:patient_id>/$everything", views.everything, name="fhir_everything"),
    path("<str:resource_type>", views.type_endpoint, name="fhir_type"),
    path("<str:resource_type>/<str:resource_id>", views.read, name="fhir_read"),
]
