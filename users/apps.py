from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_ttl(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    from django.db import connections

    from users.two_factor import staff_otp_spent_ttl_ensure

    staff_otp_spent_ttl_ensure(connections[using])


class UsersConfig(AppConfig):
    default_auto_field = "django_mongodb_backend.fields.ObjectIdAutoField"
    name = "users"
    label = "users"
    verbose_name = "Users and staff"

    def ready(self) -> None:
        post_migrate.connect(_ensure_ttl, sender=self, dispatch_uid="users_otp_spent_ttl_index")
