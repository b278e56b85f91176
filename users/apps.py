from django.apps import AppConfig


class UsersConfig(AppConfig):
    default_auto_field = "django_mongodb_backend.fields.ObjectIdAutoField"
    name = "users"
    label = "users"
    verbose_name = "Users and staff"
