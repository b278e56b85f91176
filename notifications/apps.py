from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    default_auto_field = "django_mongodb_backend.fields.ObjectIdAutoField"
    name = "notifications"

    def ready(self) -> None:
        from appointments.events import appointment_event_subscribe
        from notifications.services import LISTENERS

        # Each appointment event writes its notifications in the request that caused it (the outbox); the
        # worker sends them. Appointments sits below us and cannot call us.
        for event, listener in LISTENERS.items():
            appointment_event_subscribe(event, listener)
