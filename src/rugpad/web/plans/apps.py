from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "rugpad.web.plans"
    label = "plans"
