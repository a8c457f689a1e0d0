from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from rugpad.web.practice.models import Practice, User


@admin.register(User)
class RugpadUserAdmin(UserAdmin[User]):
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        (
            "rugpad",
            {"fields": ("practice", "role", "discipline", "register", "registration_number", "preferred_language")},
        ),
    )
    list_display = ("username", "first_name", "last_name", "practice", "role")
    list_filter = ("practice", "role")


admin.site.register(Practice)
