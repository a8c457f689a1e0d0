"""The service worker shows rugpad's own notification for a pushed reminder and opens the patient's home on a tap."""

from __future__ import annotations

from django.test import Client


def test_the_service_worker_handles_pushed_reminders(db: None) -> None:
    worker = Client().get("/sw.js").content.decode()
    assert 'addEventListener("push"' in worker and "showNotification" in worker
    assert 'addEventListener("notificationclick"' in worker and 'openWindow("/me/")' in worker
