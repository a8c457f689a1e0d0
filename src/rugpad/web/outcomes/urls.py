from django.urls import path

from rugpad.web.outcomes import views

urlpatterns = [
    path("episodes/<int:episode_id>/", views.evaluation, name="outcomes_evaluation"),
    path("episodes/<int:episode_id>/request-due/", views.request_due, name="outcomes_request_due"),
    path("episodes/<int:episode_id>/education/", views.assign_education, name="outcomes_assign_education"),
    path("episodes/<int:episode_id>/consent/", views.record_consent, name="outcomes_consent"),
    path("episodes/<int:episode_id>/reports/new/", views.new_report, name="outcomes_new_report"),
    path("episodes/<int:episode_id>/discharge/", views.discharge, name="outcomes_discharge"),
    path("reports/<int:report_id>/", views.report, name="outcomes_report"),
    path("reports/<int:report_id>/pdf/", views.report_pdf, name="outcomes_report_pdf"),
    path("practice/", views.practice_dashboard, name="outcomes_practice"),
    path("practice/export.csv", views.practice_dashboard_csv, name="outcomes_practice_csv"),
    path("me/", views.my_progress, name="outcomes_my_progress"),
    path("me/modules/<int:assignment_id>/", views.my_module, name="outcomes_my_module"),
]
