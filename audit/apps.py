from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_ttl(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    from django.db import connections

    from audit.retention import audit_ttl_index_ensure

    audit_ttl_index_ensure(connections[using])


class AuditConfig(AppConfig):
    """The audit trail (`audit_log`): who saw or changed which record. Imports no other app of ours."""

    default_auto_field = "django_mongodb_backend.fields.ObjectIdAutoField"
    name = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        post_migrate.connect(_ensure_ttl, sender=self, dispatch_uid="audit_ttl_index")
