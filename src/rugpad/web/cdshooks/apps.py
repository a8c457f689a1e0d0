from django.apps import AppConfig


class CdsHooksConfig(AppConfig):
    name = "rugpad.web.cdshooks"
    label = "cdshooks"
    default_auto_field = "django.db.models.BigAutoField"
