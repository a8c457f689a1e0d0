"""The audit log (NEN 7510 / NEN 7513 style): who did what to which record, when and from where.

Append-only, at three levels: the model and its queryset refuse to change or delete an event; below the ORM,
database triggers refuse `UPDATE` and `DELETE` (migration 0005, which explains the one exception: `flush`, the
wiping of the whole database); and every event carries a hash chain (`chain.py`), so an event changed, removed or
forged by somebody who bypasses both is found by `rugpad audit verify`.

Events keep the actor's name and the patient's id as plain values, so the trail survives when a record is later
removed. An account with events cannot be deleted (deactivate it): its id is part of the chained content.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rugpad.web.audit import chain


class AuditAction(models.TextChoices):
    VIEW = "view", _("viewed")
    CREATE = "create", _("created")
    UPDATE = "update", _("changed")
    EXPORT = "export", _("exported")
    LOGIN = "login", _("logged in")
    LOGIN_FAILED = "login_failed", _("failed login")
    LOGOUT = "logout", _("logged out")
    LIST = "list", _("listed")
    ASSIGN = "assign", _("assigned")
    PASSWORD_CHANGE = "password_change", _("changed password")


class AppendOnlyError(RuntimeError):
    """Raised on any attempt to change or delete an audit event."""


class AuditEventQuerySet(models.QuerySet):  # type: ignore[type-arg]
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit events cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events cannot be deleted")

    def bulk_create(self, *args: Any, **kwargs: Any) -> list[AuditEvent]:
        raise AppendOnlyError("audit events are written one at a time (each links to the one before)")


class AuditEvent(models.Model):
    at = models.DateTimeField(_("when"), default=timezone.now, editable=False, db_index=True)
    """Set before the event is chained (an `auto_now_add` value would only be known after the hash)."""
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    actor_name = models.CharField(_("who"), max_length=150)
    actor_role = models.CharField(max_length=20, blank=True)
    practice = models.ForeignKey("practice.Practice", on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(_("what"), max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(_("record"), max_length=50)
    object_id = models.CharField(max_length=40, blank=True)
    patient_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    summary = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(_("from"), null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    chain_hash = models.CharField(max_length=64, blank=True, editable=False)
    """SHA-256 over the previous event's `chain_hash` and this event's content (`chain.link`)."""

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("audit events cannot be changed")
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        address = self._meta.get_field("ip_address")
        assert isinstance(address, models.GenericIPAddressField)
        self.ip_address = address.get_prep_value(self.ip_address)  # hashed as it will be stored (IPv6 normalised)
        with transaction.atomic(using=using):
            # Read the head and write the new link in one transaction, with other writers held off until it ends;
            # the time is taken once the lock is held, so the log's times follow its order.
            chain.lock_head(transaction.get_connection(using))
            self.at = timezone.now()
            head = AuditEvent.objects.using(using).order_by("-id").values_list("chain_hash", flat=True).first()
            self.chain_hash = chain.link(head if head is not None else chain.GENESIS, self)
            super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events cannot be deleted")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_type} {self.object_id}"
