from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "rugpad.web.portal"
    label = "portal"
