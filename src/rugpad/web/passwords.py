"""Choosing a password on a form that makes an account (a patient's or a colleague's invitation)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from rugpad.web.practice.models import User


def check_chosen_password(form: forms.Form, data: dict[str, Any], person: User) -> None:
    """The two typed passwords (`password1`, `password2`) agree and pass Django's validators for `person`, an unsaved
    user carrying the names and address the similarity check compares; each problem goes to the field it concerns."""
    first, second = data.get("password1"), data.get("password2")
    if first and second and first != second:
        form.add_error("password2", _("The two passwords are not the same."))
    elif first:
        try:
            password_validation.validate_password(first, person)
        except forms.ValidationError as error:
            form.add_error("password1", error)
