from __future__ import annotations

from django.urls import URLPattern, path

from rugpad.web.work import views

urlpatterns: list[URLPattern] = [
    path("me/", views.my_work, name="work_me"),
    path("me/check/", views.my_check, name="work_my_check"),
    path("me/breaks/", views.my_breaks, name="work_my_breaks"),
    path("episodes/<int:episode_id>/", views.episode_work, name="work_episode"),
    path("episodes/<int:episode_id>/check/", views.episode_check, name="work_episode_check"),
    path("episodes/<int:episode_id>/breaks/", views.episode_breaks, name="work_episode_breaks"),
    path("episodes/<int:episode_id>/consent/", views.consent, name="work_consent"),
    path("episodes/<int:episode_id>/reports/new/", views.new_report, name="work_new_report"),
    path("checks/<int:check_id>/review/", views.review, name="work_review"),
    path("reports/<int:report_id>/", views.report, name="work_report"),
    path("reports/<int:report_id>/pdf/", views.report_pdf, name="work_report_pdf"),
]
