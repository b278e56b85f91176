from collections.abc import Callable

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from appointments.models import Appointment
from appointments.services.workflow import (
    appointment_cancel,
    appointment_complete,
    appointment_confirm,
)
from core import clock
from core.errors import ServiceError


class WhenFilter(admin.SimpleListFilter):
    """Upcoming, today or past, by the clinic-local date (appointmentDate is a YYYY-MM-DD string)."""

    title = "when"
    parameter_name = "when"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("today", "Today"), ("upcoming", "Upcoming"), ("past", "Past")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Appointment]) -> QuerySet[Appointment]:
        today = clock.local_today().isoformat()
        match self.value():
            case "today":
                return queryset.filter(appointment_date=today)
            case "upcoming":
                return queryset.filter(appointment_date__gte=today)
            case "past":
                return queryset.filter(appointment_date__lt=today)
        return queryset


def _workflow_action(
    step: Callable[..., Appointment], description: str
) -> Callable[[admin.ModelAdmin, HttpRequest, QuerySet[Appointment]], None]:
    """An admin action that moves each selected appointment through the status workflow service."""

    def action(model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Appointment]) -> None:
        moved, refused = 0, []
        for appointment in queryset:
            try:
                step(appointment=appointment)
                moved += 1
            except ServiceError as exc:  # one refusal per appointment, reported with the others
                refused.append(f"{appointment.appointment_id}: {exc.message}")
        if moved:
            model_admin.message_user(request, f"{description}: {moved} appointment(s).", messages.SUCCESS)
        for line in refused:
            model_admin.message_user(request, line, messages.WARNING)

    action.__name__ = step.__name__
    action.allowed_permissions = ("change",)
    action.short_description = f"{description} the selected appointments"
    return action


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    list_display = [
        "appointment_id",
        "appointment_number",
        "patient_name",
        "patient_id",
        "doctor_name",
        "specialty",
        "appointment_type",
        "appointment_date",
        "time_slot",
        "clinic_name",
        "status",
        "payment_status",
        "consultation_fee",
        "has_prescription",
    ]
    list_filter = [
        "status",
        WhenFilter,
        "appointment_type",
        "payment_status",
        "has_prescription",
        "call_preference",
        "covered_by_insurance",
        "specialty",
    ]
    search_fields = [
        "appointment_id",
        "appointment_number",
        "patient_name",
        "patient_id",
        "doctor_name",
        "clinic_id",
        "clinic_name",
        "contact_number",
    ]
    ordering = ["-appointment_date", "-created_at"]
    show_full_result_count = False
    raw_id_fields = ["user", "doctor", "slot"]
    # The status moves only through the workflow (the actions below), never by editing the field.
    readonly_fields = [
        "status",
        "requested_at",
        "confirmed_at",
        "prescription_id",
        "has_prescription",
        "created_at",
        "updated_at",
    ]
    actions = [
        _workflow_action(appointment_confirm, "Confirm"),
        _workflow_action(appointment_complete, "Complete"),
        _workflow_action(appointment_cancel, "Cancel"),
    ]
    fieldsets = [
        (None, {"fields": ["appointment_id", "appointment_number", "status", "requested_at", "confirmed_at"]}),
        ("Patient", {"fields": ["user", "patient_name", "patient_id", "contact_number", "call_preference"]}),
        (
            "Doctor and place",
            {
                "fields": [
                    "doctor",
                    "doctor_name",
                    "specialty",
                    "slot",
                    "clinic_id",
                    "clinic_name",
                    "clinic_address",
                ]
            },
        ),
        ("When", {"fields": ["appointment_type", "appointment_date", "time_slot"]}),
        ("Payment", {"fields": ["consultation_fee", "payment_status", "amount_paid", "covered_by_insurance"]}),
        ("Prescription", {"fields": ["has_prescription", "prescription_id"]}),
        ("Timestamps", {"fields": ["created_at", "updated_at"]}),
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # booked through the member API (appointments/services/booking.py), which holds the time
