from django.urls import path

from rugpad.web.jobs import views

urlpatterns = [
    path("me/reminders/", views.reminders, name="jobs_reminders"),
    path("me/reminders/push/", views.push_subscription, name="jobs_push_subscription"),
    path("jobs/reminders/", views.sent_reminders, name="jobs_sent_reminders"),
]
