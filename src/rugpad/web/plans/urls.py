from django.urls import path

from rugpad.web.plans import views

urlpatterns = [
    path("episodes/<int:episode_id>/", views.editor, name="plans_episode"),
    path("episodes/<int:episode_id>/generate/", views.generate, name="plans_generate"),
    path("episodes/<int:episode_id>/library/", views.library, name="plans_library"),
    path("episodes/<int:episode_id>/exercises/add/", views.add_exercise, name="plans_add_exercise"),
    path("episodes/<int:episode_id>/items/add/", views.add_text, name="plans_add_text"),
    path("episodes/<int:episode_id>/items/<int:item_id>/remove/", views.remove_item, name="plans_remove_item"),
    path("episodes/<int:episode_id>/items/<int:item_id>/dose/", views.edit_dose, name="plans_edit_dose"),
    path("episodes/<int:episode_id>/schedule/", views.edit_meta, name="plans_edit_meta"),
    path("episodes/<int:episode_id>/versions/", views.versions, name="plans_versions"),
    path("episodes/<int:episode_id>/versions/<int:number>/", views.version_detail, name="plans_version"),
    path("episodes/<int:episode_id>/entries/", views.entries, name="plans_entries"),
    path("episodes/<int:episode_id>/programme.pdf", views.episode_pdf, name="plans_episode_pdf"),
    path("episodes/<int:episode_id>/programme.ics", views.episode_ics, name="plans_episode_ics"),
    path("settings/", views.plan_settings, name="plans_settings"),
    path("me/", views.my_exercises, name="plans_my_exercises"),
    path("me/reading/<int:assignment_id>/", views.my_reading, name="plans_my_reading"),
    path("me/programme.pdf", views.my_pdf, name="plans_my_pdf"),
    path("me/programme.ics", views.my_ics, name="plans_my_ics"),
    path("session/", views.session, name="plans_session"),
    path("session/log/", views.session_log, name="plans_session_log"),
]
