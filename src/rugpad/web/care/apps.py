from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "rugpad.web.care"
    label = "care"
    verbose_name = "Patient records"
