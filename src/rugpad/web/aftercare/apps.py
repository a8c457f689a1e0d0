from django.apps import AppConfig


class AftercareConfig(AppConfig):
    name = "rugpad.web.aftercare"
    label = "aftercare"
