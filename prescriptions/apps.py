from django.apps import AppConfig


class PrescriptionsConfig(AppConfig):
    default_auto_field = "django_mongodb_backend.fields.ObjectIdAutoField"
    name = "prescriptions"
