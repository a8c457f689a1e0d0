from django.urls import path

from rugpad.web.twofactor import patient_views, views

urlpatterns = [
    path("", views.setup, name="twofactor_setup"),
    path("code/", views.verify, name="twofactor_verify"),
    path("recovery-codes/", views.new_recovery_codes, name="twofactor_recovery_codes"),
    path("off/", views.turn_off, name="twofactor_off"),
    path("users/", views.colleagues, name="twofactor_colleagues"),
    path("users/<int:user_id>/reset/", views.reset, name="twofactor_reset"),
    path("patients/<int:patient_id>/reset/", patient_views.reset_patient, name="twofactor_patient_reset"),
]
