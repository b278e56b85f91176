"""One hook for every ModelAdmin of the site: staff adds, changes and deletes are written to the audit trail,
and so are staff reads of the records named in `AUDIT_ADMIN_READS` (an appointment's details).

`core.admin_site.OpdAdminSite.register` mixes `AuditedAdminMixin` into each registered admin (setting
`ADMIN_MODEL_MIXINS`), so no admin class has to remember it. It rides on Django's own `log_addition`,
`log_change` and `log_deletions`, which the admin calls exactly once per saved or deleted object (an admin
that skips its log entry for a refused save, returning None, writes no audit entry either). Admin actions
that change records through a service record their own entry (`audit_record`, one per record changed).
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest, HttpResponse

from audit.models import Action
from audit.services import audit_record

# Record kinds as the audit trail names them; others use the model's name.
TARGET_TYPES = {"doctorslot": "slot", "videoconsultation": "consultation"}
# The id people read, for records that have one; others use `_id`.
TARGET_ID_FIELDS = {
    "appointment": "appointment_id",
    "prescription": "prescription_id",
    "videoconsultation": "consultation_id",
    "doctor": "doctor_id",
    "clinic": "clinic_id",
    "user": "email",
}


def audit_target(obj: models.Model) -> tuple[str, str, str | None]:
    """(record type, record id, the member whose record it is) of a model instance."""
    name = obj._meta.model_name or ""
    target_type = TARGET_TYPES.get(name, name)
    readable = getattr(obj, TARGET_ID_FIELDS.get(name, "pk"), None)
    target_id = str(readable or obj.pk)
    if obj._meta.label == settings.AUTH_USER_MODEL:
        subject = str(obj.pk) if getattr(obj, "role", None) == "MEMBER" else None
    else:
        user_id = getattr(obj, "user_id", None)
        subject = str(user_id) if user_id else None
    return target_type, target_id, subject


def audit_admin(request: HttpRequest, action: str, obj: models.Model, **details: Any) -> None:
    target_type, target_id, subject = audit_target(obj)
    audit_record(
        request_or_actor=request,
        action=action,
        target_type=target_type,
        target_id=target_id,
        subject_id=subject,
        details=details,
    )


class AuditedAdminMixin:
    """Mixed into every registered ModelAdmin by the admin site (see the module docstring)."""

    model: type[models.Model]

    def log_addition(self, request: HttpRequest, obj: models.Model, message: Any) -> Any:
        entry = super().log_addition(request, obj, message)  # type: ignore[misc]
        audit_admin(request, Action.ADD, obj)
        return entry

    def log_change(self, request: HttpRequest, obj: models.Model, message: Any) -> Any:
        entry = super().log_change(request, obj, message)  # type: ignore[misc]
        if entry is not None:
            audit_admin(request, Action.CHANGE, obj, fields=_changed_fields(message))
        return entry

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        objects = list(queryset)
        for obj in objects:
            audit_admin(request, Action.DELETE, obj)
        return super().log_deletions(request, objects)  # type: ignore[misc]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
        if request.method == "GET" and response.status_code == 200 and self._audits_reads():
            original = (getattr(response, "context_data", None) or {}).get("original")
            if original is not None:
                audit_admin(request, Action.VIEW, original)
        return response

    def _audits_reads(self) -> bool:
        return self.model._meta.label_lower in settings.AUDIT_ADMIN_READS


def _changed_fields(message: Any) -> list[str]:
    """The names of the fields a change touched (Django's change message), never their values."""
    fields: list[str] = []
    for part in message if isinstance(message, list) else []:
        fields.extend(str(name) for name in part.get("changed", {}).get("fields", []))
    return fields
