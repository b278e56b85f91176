from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    default_auto_field = "django_mongodb_backend.fields.ObjectIdAutoField"
    name = "consultations"
