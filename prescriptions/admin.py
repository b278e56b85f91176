from django.contrib import admin

from prescriptions.models import Prescription


@admin.register(Prescription)
class PrescriptionAdmin(admin.ModelAdmin):
    list_display = [
        "prescription_id", "patient_name", "doctor_name", "file_name", "file_size", "upload_date", "is_active",
    ]
    list_filter = ["is_active", "upload_date"]
    search_fields = ["prescription_id", "patient_name", "doctor_name", "diagnosis", "file_name"]
    raw_id_fields = ["appointment", "doctor", "user"]
    readonly_fields = [
        "prescription_id", "appointment", "doctor", "doctor_name", "user", "patient_name", "file_name",
        "file_path", "file_size", "upload_date", "created_at", "updated_at",
    ]
