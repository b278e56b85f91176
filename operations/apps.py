from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """The operations dashboard: figures across the network, read from every app (so it sits right of them all)."""

    default_auto_field = "django_mongodb_backend.fields.ObjectIdAutoField"
    name = "operations"
    verbose_name = "Operations"
