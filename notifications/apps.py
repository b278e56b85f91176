from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_ttl(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    from django.db import connections

    from notifications.retention import notifications_ttl_index_ensure

    notifications_ttl_index_ensure(connections[using])


class NotificationsConfig(AppConfig):
    default_auto_field = "django_mongodb_backend.fields.ObjectIdAutoField"
    name = "notifications"

    def ready(self) -> None:
        post_migrate.connect(_ensure_ttl, sender=self, dispatch_uid="notifications_ttl_index")
        from appointments.events import appointment_event_subscribe
        from notifications.services import LISTENERS

        # Each appointment event writes its notifications in the request that caused it (the outbox); the
        # worker sends them. Appointments sits below us and cannot call us.
        for event, listener in LISTENERS.items():
            appointment_event_subscribe(event, listener)
