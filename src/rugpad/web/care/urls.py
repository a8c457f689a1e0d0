from django.urls import path

from rugpad.web.care import views

urlpatterns = [
    path("", views.home, name="home"),
    path("patients/", views.patient_list, name="patient_list"),
    path("alarms/", views.open_alarms, name="open_alarms"),
    path("patients/new/", views.patient_new, name="patient_new"),
    path("patients/<int:patient_id>/", views.patient_detail, name="patient_detail"),
    path("episodes/<int:episode_id>/", views.episode_detail, name="episode_detail"),
    path("episodes/<int:episode_id>/intake/", views.episode_intake, name="episode_intake"),
    path("episodes/<int:episode_id>/screening/", views.episode_screening, name="episode_screening"),
    path("episodes/<int:episode_id>/examination/", views.episode_examination, name="episode_examination"),
    path("episodes/<int:episode_id>/questionnaires/<slug:code>/", views.episode_instrument, name="episode_instrument"),
    path(
        "episodes/<int:episode_id>/questionnaires/<slug:code>/send/",
        views.episode_request_instrument,
        name="episode_request_instrument",
    ),
    path("episodes/<int:episode_id>/override/", views.episode_override, name="episode_override"),
    path("red-flags/<int:flag_id>/event/", views.red_flag_event, name="red_flag_event"),
    path("me/", views.patient_home, name="patient_home"),
    path("me/questionnaires/<int:response_id>/", views.patient_questionnaire, name="patient_questionnaire"),
]
