from __future__ import annotations

from django.urls import URLPattern, path

from rugpad.web.groups import participant_views, views

urlpatterns: list[URLPattern] = [
    path("", views.group_list, name="groups_list"),
    path("new/", views.group_new, name="groups_new"),
    path("<int:group_id>/", views.group_detail, name="groups_detail"),
    path("<int:group_id>/library/", views.group_library, name="groups_library"),
    path("<int:group_id>/exercises/add/", views.add_exercise, name="groups_add_exercise"),
    path("<int:group_id>/exercises/<int:exercise_pk>/dose/", views.edit_dose, name="groups_edit_dose"),
    path("<int:group_id>/exercises/<int:exercise_pk>/remove/", views.remove_exercise, name="groups_remove_exercise"),
    path("<int:group_id>/participants/invite/", views.invite, name="groups_invite"),
    path("<int:group_id>/participants/<int:participant_id>/resend/", views.resend, name="groups_resend"),
    path(
        "<int:group_id>/participants/<int:participant_id>/remove/",
        views.remove_participant,
        name="groups_remove_participant",
    ),
    path("join/<str:token>/", participant_views.join, name="groups_join"),
    path("me/", participant_views.me, name="groups_me"),
    path("me/reminders/", participant_views.reminders, name="groups_reminders"),
    path("me/session/", participant_views.session, name="groups_session"),
    path("me/session/log/", participant_views.session_log, name="groups_session_log"),
    path("me/leave/", participant_views.leave, name="groups_leave"),
    path("left/", participant_views.left, name="groups_left"),
]
