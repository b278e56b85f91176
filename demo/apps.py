from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data: `manage.py load_demo_data` and `manage.py demo_banner` (docs/development.md)."""

    default_auto_field = "django_mongodb_backend.fields.ObjectIdAutoField"
    name = "demo"
    verbose_name = "Demo data"
