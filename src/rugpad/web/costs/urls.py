from django.urls import path

from rugpad.web.costs import views

urlpatterns = [
    path("costs/tariffs/", views.tariffs, name="costs_tariffs"),
    path("costs/tariffs/settings/", views.cost_settings, name="costs_settings"),
    path("costs/me/policy/", views.my_policy, name="costs_my_policy"),
    path("costs/patients/<int:patient_id>/policy/", views.patient_policy, name="costs_patient_policy"),
    path("costs/episodes/<int:episode_id>/sessions/", views.planned_sessions, name="costs_planned_sessions"),
    path("costs/episodes/<int:episode_id>/estimate/", views.estimate_card, name="costs_estimate_card"),
    path("tarieven/<int:practice_id>/", views.price_list, name="costs_price_list"),
]
