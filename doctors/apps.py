from django.apps import AppConfig


class DoctorsConfig(AppConfig):
    default_auto_field = "django_mongodb_backend.fields.ObjectIdAutoField"
    name = "doctors"
