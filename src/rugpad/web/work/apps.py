from django.apps import AppConfig


class WorkConfig(AppConfig):
    name = "rugpad.web.work"
    label = "work"
