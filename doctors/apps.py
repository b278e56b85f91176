from django.apps import AppConfig


class DoctorsConfig(AppConfig):
    default_auto_field = "django_mongodb_backend.fields.ObjectIdAutoField"
    name = "doctors"

    def ready(self) -> None:
        from doctors import schema  # noqa: F401 - registers the OpenAPI cookie-auth extension
