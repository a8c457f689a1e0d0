"""Signals of the practice app."""

from __future__ import annotations

from django.dispatch import Signal

password_changed = Signal()
"""Sent with `user=` after a user's new password is saved (by the password page, the admin, `changepassword` or
`set_unusable_password`), never for the hash upgrade Django does at login. Its receiver revokes the user's API
tokens (`practice.tokens`)."""
