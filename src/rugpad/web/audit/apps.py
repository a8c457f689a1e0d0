from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "rugpad.web.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        from rugpad.web.audit import signals  # noqa: F401  (connects the login/logout receivers)
