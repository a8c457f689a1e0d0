from django.apps import AppConfig


class CdsHooksConfig(AppConfig):
    name = "rugpad.web.cdshooks"
    label = "cdshooks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from rugpad.web.cdshooks.auth import issuers

        issuers()  # a malformed RUGPAD_CDS_ISSUERS stops the start with the reason, not the first hook call
