from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "rugpad.web.outcomes"
    label = "outcomes"
