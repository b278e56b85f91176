from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Pieces every app shares: the API's error handling, pagination, validators, the clock, the admin site."""

    default_auto_field = "django_mongodb_backend.fields.ObjectIdAutoField"
    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from mongo.embedded_forms import patch_embedded_model_widget
        from mongo.stored_types import patch_date_lists

        patch_embedded_model_widget()  # nested embedded forms crashed add pages after saving (mongo/embedded_forms.py)
        patch_date_lists()  # a stored date of the wrong type failed the admin's date hierarchy (mongo/stored_types.py)
