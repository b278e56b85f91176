"""Staff see every prescription (seed access control), download its file, and deactivate or reactivate it.

Everything on the page is read-only: the file and its medical content are the doctor's. Staff do not add
prescriptions (doctors upload them) and do not delete them (that would orphan the file and the appointment's
link): deactivating hides one from the patient.
"""

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from audit.admin_hooks import audit_admin
from core.admin_base import AllOrNothingAdmin
from prescriptions.downloads import prescription_file_response
from prescriptions.models import Prescription
from prescriptions.services import prescription_deactivate, prescription_reactivate


def _audited(request: HttpRequest, action: str, prescription: Prescription, changed: bool) -> bool:
    """One audit entry for a prescription an action really changed."""
    if changed:
        audit_admin(request, action, prescription)
    return changed


@admin.register(Prescription)
class PrescriptionAdmin(AllOrNothingAdmin):
    list_display = [
        "prescription_id",
        "patient_name",
        "doctor_name",
        "file_name",
        "file_size",
        "upload_date",
        "is_active",
    ]
    list_filter = ["is_active", "upload_date"]
    search_fields = ["prescription_id", "patient_name", "doctor_name", "diagnosis", "file_name"]
    raw_id_fields = ["appointment", "doctor", "user"]
    readonly_fields = [
        "prescription_id",
        "appointment",
        "doctor",
        "doctor_name",
        "user",
        "patient_name",
        "file_name",
        "file_download",
        "file_path",
        "file_size",
        "upload_date",
        "diagnosis",
        "notes",
        "is_active",
        "created_at",
        "updated_at",
    ]
    fields = readonly_fields
    actions = ["deactivate", "reactivate"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Prescription | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Prescription, form: Any, change: bool) -> None:
        """Nothing on the page is editable, so nothing is saved: re-saving the whole document could put back
        a `filePath` that a doctor replaced meanwhile. Changes go through the actions (services)."""

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        extra_context = {
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self) -> list[URLPattern]:
        # Before the admin's own "<path:object_id>/" catch-all.
        file_url = path("<path:object_id>/file/", self.file_view, name="prescriptions_prescription_file")
        return [file_url, *super().get_urls()]

    def file_view(self, request: HttpRequest, object_id: str) -> FileResponse:
        """The file, for active staff with the view permission; 404 for everyone else (no login redirect)."""
        user = request.user
        if not (user.is_active and user.is_staff):
            raise Http404
        prescription = self.get_object(request, unquote(object_id))
        if prescription is None or not self.has_view_permission(request, prescription):
            raise Http404
        return prescription_file_response(prescription, request=request)

    @admin.display(description="file")
    def file_download(self, prescription: Prescription) -> str:
        if prescription.pk is None:
            return "-"
        url = reverse("admin:prescriptions_prescription_file", args=[prescription.pk])
        return format_html('<a href="{}">Download {}</a>', url, prescription.file_name)

    @admin.action(description="Deactivate selected prescriptions (hide them from the patient)", permissions=["change"])
    def deactivate(self, request: HttpRequest, queryset: QuerySet[Prescription]) -> None:
        changed = sum(_audited(request, "deactivate", p, prescription_deactivate(prescription=p)) for p in queryset)
        self.message_user(request, f"{changed} prescription(s) deactivated.", messages.SUCCESS)

    @admin.action(description="Reactivate selected prescriptions", permissions=["change"])
    def reactivate(self, request: HttpRequest, queryset: QuerySet[Prescription]) -> None:
        changed = sum(_audited(request, "reactivate", p, prescription_reactivate(prescription=p)) for p in queryset)
        self.message_user(request, f"{changed} prescription(s) reactivated.", messages.SUCCESS)
