from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "rugpad.web.practice"
    label = "practice"
    verbose_name = "Practice and accounts"

    def ready(self) -> None:
        from rugpad.web.practice.signals import password_changed
        from rugpad.web.practice.tokens import revoke_tokens_on_password_change

        password_changed.connect(revoke_tokens_on_password_change, dispatch_uid="practice.revoke_tokens")
