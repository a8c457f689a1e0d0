from __future__ import annotations

from django.urls import URLPattern, path

from rugpad.web.aftercare import views

urlpatterns: list[URLPattern] = [
    path("", views.practice_list, name="aftercare_list"),
    path("episodes/<int:episode_id>/", views.episode_aftercare, name="aftercare_episode"),
    path("plans/<int:plan_id>/", views.plan_detail, name="aftercare_plan"),
    path("flags/<int:flag_id>/handle/", views.handle_flag, name="aftercare_handle_flag"),
    path("me/", views.my_aftercare, name="aftercare_mine"),
    path("me/checkins/<int:checkin_id>/", views.checkin, name="aftercare_checkin"),
    path("me/checkins/<int:checkin_id>/done/", views.checkin_done, name="aftercare_checkin_done"),
]
