from django.apps import AppConfig


class TwoFactorConfig(AppConfig):
    name = "rugpad.web.twofactor"
    label = "twofactor"
    default_auto_field = "django.db.models.BigAutoField"
