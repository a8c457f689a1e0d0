from django.urls import path

from rugpad.web.cdshooks import views

app_name = "cdshooks"

# Included at "cds-services" (no slash): discovery is /cds-services itself, as the CDS Hooks spec names it.
urlpatterns = [
    path("", views.discovery, name="discovery"),
    path("/rules/<str:rule_id>", views.explanation, name="explanation"),
    path("/<slug:service_id>", views.service_call, name="service"),
    path("/<slug:service_id>/feedback", views.feedback, name="feedback"),
]
