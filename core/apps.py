from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Pieces every app shares: the API's error handling, pagination, validators, the clock, the admin site."""

    default_auto_field = "django_mongodb_backend.fields.ObjectIdAutoField"
    name = "core"
    verbose_name = "Core"
