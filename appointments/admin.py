from django.contrib import admin

from appointments.models import Appointment


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    list_display = [
        "appointment_number", "patient_name", "doctor_name", "appointment_type", "appointment_date",
        "time_slot", "clinic_name", "status", "payment_status", "consultation_fee", "has_prescription",
    ]
    list_filter = ["status", "appointment_type", "payment_status", "has_prescription", "appointment_date"]
    search_fields = [
        "appointment_id", "appointment_number", "patient_name", "patient_id", "doctor_name", "clinic_name",
    ]
    raw_id_fields = ["user", "doctor", "slot"]
    readonly_fields = ["prescription_id", "has_prescription", "created_at", "updated_at"]
    date_hierarchy = None
