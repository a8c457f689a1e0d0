from django.urls import path

from rugpad.web.cdshooks import views

app_name = "cdshooks"

# Included at "cds-services/"; discovery, /cds-services itself as the CDS Hooks spec names it, is in web/urls.py.
urlpatterns = [
    path("rules/<str:rule_id>", views.explanation, name="explanation"),
    path("<slug:service_id>", views.service_call, name="service"),
    path("<slug:service_id>/feedback", views.feedback, name="feedback"),
]
