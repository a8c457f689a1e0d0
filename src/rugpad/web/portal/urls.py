from django.urls import path

from rugpad.web.portal import views

urlpatterns = [
    path("invite/<int:patient_id>/", views.invite, name="portal_invite"),
    path("welcome/<str:token>/", views.accept, name="portal_accept"),
    path("diary/", views.diary, name="portal_diary"),
    path("diary/queue/", views.diary_queue, name="portal_diary_queue"),
    path("diary/<int:entry_id>/", views.entry, name="portal_entry"),
    path("diary/<int:entry_id>/edit/", views.diary_edit, name="portal_diary_edit"),
    path("patients/<int:patient_id>/diary/", views.patient_diary, name="portal_patient_diary"),
    path("alerts/<int:alert_id>/acknowledge/", views.acknowledge, name="portal_acknowledge"),
    path("messages/", views.my_messages, name="portal_messages"),
    path("episodes/<int:episode_id>/messages/", views.thread, name="portal_thread"),
]
