from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "rugpad.web.practice"
    label = "practice"
    verbose_name = "Practice and accounts"
