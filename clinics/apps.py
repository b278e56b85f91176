from django.apps import AppConfig


class ClinicsConfig(AppConfig):
    default_auto_field = "django_mongodb_backend.fields.ObjectIdAutoField"
    name = "clinics"
