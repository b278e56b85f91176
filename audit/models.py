"""The audit trail: one append-only document per audited access (`audit_log`, docs/operations.md#audit-trail).

Entries are written only by `audit.services.audit_record` (one `insert_one`) and removed only by MongoDB's TTL
monitor after `AUDIT_RETENTION_DAYS` (at least a year). The model exists so the admin can list and filter them;
it refuses every save and delete, and its querysets refuse `update()` and `delete()`.
"""

from typing import Any, NoReturn

from django.db import models
from django_mongodb_backend.fields import ObjectIdAutoField

MSG_APPEND_ONLY = "Audit entries are append-only: they cannot be changed or deleted."


class AuditAppendOnly(Exception):
    """Raised by any attempt to change or delete an audit entry through the ORM."""


class Action(models.TextChoices):
    VIEW = "view", "Viewed"
    DOWNLOAD = "download", "Downloaded"
    ADD = "add", "Added"
    CHANGE = "change", "Changed"
    DELETE = "delete", "Deleted"
    CONFIRM = "confirm", "Confirmed"
    COMPLETE = "complete", "Completed"
    CANCEL = "cancel", "Cancelled"
    RESCHEDULE = "reschedule", "Rescheduled"
    MOVE = "move", "Moved"
    DEACTIVATE = "deactivate", "Deactivated"
    REACTIVATE = "reactivate", "Reactivated"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditAppendOnly(MSG_APPEND_ONLY)

    def delete(self) -> NoReturn:
        raise AuditAppendOnly(MSG_APPEND_ONLY)

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditAppendOnly(MSG_APPEND_ONLY)

    def update_or_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditAppendOnly(MSG_APPEND_ONLY)


class AuditEntry(models.Model):
    id = ObjectIdAutoField(primary_key=True)
    at = models.DateTimeField("when", db_index=False)
    actor_id = models.CharField("who (id)", max_length=64, db_column="actorId")
    actor = models.CharField("who", max_length=254)
    role = models.CharField(max_length=16)
    action = models.CharField(max_length=32)
    target_type = models.CharField("record type", max_length=32, db_column="targetType")
    target_id = models.CharField("record", max_length=64, db_column="targetId")
    subject_id = models.CharField(
        "member",
        max_length=64,
        null=True,
        blank=True,
        db_column="subjectId",
        help_text="The member whose record this is (their user id), when it is a member's record.",
    )
    ip_address = models.CharField("address", max_length=45, db_column="ipAddress")
    request_id = models.CharField("request id", max_length=64, blank=True, default="", db_column="requestId")
    details = models.JSONField(default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        db_table = "audit_log"
        ordering = ["-at"]
        verbose_name = "audit entry"
        verbose_name_plural = "audit trail"
        default_permissions = ("view",)
        indexes = [
            # A member's access log (GET /api/v1/me/access-log), newest first.
            models.Index(fields=["subject_id", "-at"], name="audit_subject_at"),
            # Everything that happened to one record (the admin's search).
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
            models.Index(fields=["actor_id", "-at"], name="audit_actor_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.role} {self.action} {self.target_type} {self.target_id}"

    def save(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditAppendOnly(MSG_APPEND_ONLY)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditAppendOnly(MSG_APPEND_ONLY)
