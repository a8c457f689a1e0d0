from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "rugpad.web.groups"
    label = "groups"
