from django.apps import AppConfig


class CostsConfig(AppConfig):
    name = "rugpad.web.costs"
    label = "costs"
