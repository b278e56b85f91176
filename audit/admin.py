"""The audit trail in the admin: ADMIN reads and filters it; nobody (not even a superuser) adds, changes or
deletes an entry. Who may view is users/roles.py (ADMIN only)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from audit.models import AuditEntry
from core.admin_base import AllOrNothingAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(AllOrNothingAdmin):  # nothing saves here; the project's admin base all the same
    list_display = ["at", "actor", "role", "action", "target_type", "target_id", "ip_address", "request_id"]
    list_filter = ["role", "action", "target_type", "at"]
    search_fields = ["=target_id", "=actor", "=actor_id", "=subject_id", "=request_id", "=ip_address"]
    date_hierarchy = "at"
    show_full_result_count = False
    actions = None
    readonly_fields = [field.name for field in AuditEntry._meta.fields]
    fields = [field.name for field in AuditEntry._meta.fields if field.name != "id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
