"""Staff see and correct appointments here; every change of who, when, where and status goes through the
services (admin actions), and a save writes only the fields changed, guarded by the values the form showed.

No whole-document save: a save racing a cancel (or a move) could otherwise write the old status or time back
(docs/booking.md, Workflow).
"""

import logging
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Field, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse

from appointments.models import Actor, Appointment, AppointmentType
from appointments.selectors import appointment_doctor_late, doctor_late_appointment_ids
from appointments.services.booking import appointment_reschedule
from appointments.services.workflow import (
    REASON_MAX_LENGTH,
    appointment_cancel,
    appointment_complete,
    appointment_confirm,
)
from audit.services import audit_record
from core import clock
from core.admin_base import AllOrNothingAdmin
from core.errors import ServiceError
from mongo.raw import collection

logger = logging.getLogger(__name__)

MSG_CHANGED_MEANWHILE = (
    "This appointment was changed by someone else while you edited it; nothing was saved. "
    "Reload it and make your change again."
)
MSG_MOVE_ONE = "Choose exactly one appointment to reschedule."
MSG_MOVED = "Rescheduled {appointment} to {date} {time}."

# What a save may change; everything else is read-only and changes through the actions (services).
EDITABLE_FIELDS = (
    "contact_number",
    "call_preference",
    "consultation_fee",
    "payment_status",
    "amount_paid",
    "covered_by_insurance",
)


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


class DoctorNoShowFilter(admin.SimpleListFilter):
    """ONLINE visits whose doctor had not opened the video room DOCTOR_NO_SHOW_MINUTES after the start
    (appointments.selectors.appointment_doctor_late), for operations to follow up: those of the last
    DOCTOR_NO_SHOW_LOOKBACK_DAYS days only, so the filter does not read the whole history."""

    title = "doctor did not show"
    parameter_name = "doctor_no_show"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        from django.conf import settings  # here: the admin's restructure (ops) owns the module's imports

        return [("yes", f"Doctor did not show (last {settings.DOCTOR_NO_SHOW_LOOKBACK_DAYS} days)")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Appointment]) -> QuerySet[Appointment]:
        if self.value() == "yes":
            return queryset.filter(pk__in=doctor_late_appointment_ids())
        return queryset


def _workflow_action(
    step: Callable[..., Appointment], description: str, permission: str = "change"
) -> Callable[[admin.ModelAdmin, HttpRequest, QuerySet[Appointment]], None]:
    """An admin action that moves each selected appointment through the status workflow service."""

    def action(model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Appointment]) -> None:
        moved, refused = 0, []
        for appointment in queryset:
            try:
                step(appointment=appointment, by=Actor.STAFF)
                moved += 1
                audit_appointment_action(
                    request, action=step.__name__.removeprefix("appointment_"), appointment=appointment
                )
            except ServiceError as exc:  # one refusal per appointment, reported with the others
                refused.append(f"{appointment.appointment_id}: {exc.message}")
        if moved:
            model_admin.message_user(request, f"{description}: {moved} appointment(s).", messages.SUCCESS)
        for line in refused:
            model_admin.message_user(request, line, messages.WARNING)

    action.__name__ = step.__name__
    action.allowed_permissions = (permission,)
    action.short_description = f"{description} the selected appointments"
    return action


class AppointmentMoveForm(forms.Form):
    """The intermediate page of the "Reschedule" action: the new date and time (same doctor); type and clinic
    stay the appointment's own unless given."""

    appointment_date = forms.CharField(label="New date (YYYY-MM-DD)", max_length=10)
    time_slot = forms.CharField(label="New time (hh:mm AM/PM)", max_length=8)
    appointment_type = forms.ChoiceField(
        label="Type", required=False, choices=[("", "Keep the type"), *AppointmentType.choices]
    )
    clinic_id = forms.CharField(label="Clinic ID (IN_CLINIC; blank keeps it)", max_length=32, required=False)


@admin.action(description="Reschedule the selected appointment", permissions=["act"])
def move_appointment(
    model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Appointment]
) -> HttpResponse | None:
    """Ask for the new date and time, then move through the service (a free place there, one guarded update)."""
    appointments = list(queryset[:2])
    if len(appointments) != 1:
        model_admin.message_user(request, MSG_MOVE_ONE, messages.WARNING)
        return None
    appointment = appointments[0]
    form = AppointmentMoveForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        try:
            data = form.cleaned_data
            moved = appointment_reschedule(
                appointment=appointment,
                appointment_date=data["appointment_date"],
                time_slot=data["time_slot"],
                appointment_type=data["appointment_type"] or None,
                clinic_id=data["clinic_id"] or None,
                by=Actor.STAFF,
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            audit_appointment_action(
                request, action="reschedule", appointment=moved, date=moved.appointment_date, time=moved.time_slot
            )
            message = MSG_MOVED.format(
                appointment=moved.appointment_id, date=moved.appointment_date, time=moved.time_slot
            )
            model_admin.message_user(request, message, messages.SUCCESS)
            return None
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Reschedule {appointment.appointment_id}",
        "appointment": appointment,
        "form": form,
        "opts": model_admin.model._meta,
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/appointments/appointment/move.html", context)


# --- the phone desk: actions ADMIN and OPERATIONS take for a patient ------------------------------------------

# users/roles.py grants it to ADMIN and OPERATIONS; `has_act_permission` below reads it.
ACT_PERMISSION = "appointments.act_on_appointment"
MSG_CANCEL_REASON_REQUIRED = "Say why the appointment is cancelled; the patient sees the reason."
MSG_CANCELLED = "Cancelled {count} appointment(s)."


def audit_appointment_action(request: HttpRequest, *, action: str, appointment: Appointment, **details: object) -> None:
    """THE hook where every staff action on an appointment is recorded: confirm, complete, cancel, reschedule.

    One entry in the audit trail (audit.services.audit_record) per appointment changed. Never the
    cancellation reason (free text the patient reads): the details keep only non-medical facts (new date, time).
    """
    audit_record(
        request_or_actor=request,
        action=action,
        target_type="appointment",
        target_id=appointment.appointment_id,
        subject_id=appointment.user_id,
        details={key: str(value) for key, value in details.items() if key != "reason"},
    )


class DoctorFilter(admin.SimpleListFilter):
    """By doctor (the seed's {doctorId, appointmentDate} index); doctors listed in one query."""

    title = "doctor"
    parameter_name = "doctor"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        from doctors.models import Doctor

        rows = Doctor.objects.order_by("name").values_list("doctor_id", "name")
        return [(doctor_id, f"{name} ({doctor_id})") for doctor_id, name in rows]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Appointment]) -> QuerySet[Appointment]:
        return queryset.filter(doctor_id=self.value()) if self.value() else queryset


class ClinicFilter(admin.SimpleListFilter):
    title = "clinic"
    parameter_name = "clinic"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        from clinics.models import Clinic

        rows = Clinic.objects.order_by("city", "name").values_list("clinic_id", "name", "city")
        return [(clinic_id, f"{city}: {name}") for clinic_id, name, city in rows]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Appointment]) -> QuerySet[Appointment]:
        return queryset.filter(clinic_id=self.value()) if self.value() else queryset


class DateRangeFilter(admin.ListFilter):
    """Appointments from one date to another, inclusive (`?date_from=YYYY-MM-DD&date_to=YYYY-MM-DD`; either
    may be left out). A date that is not one gives the admin's "invalid filter" page."""

    title = "date range"
    template = "admin/appointments/date_range_filter.html"
    parameters = ("date_from", "date_to")

    def __init__(
        self, request: HttpRequest, params: dict[str, Any], model: type, model_admin: admin.ModelAdmin
    ) -> None:
        super().__init__(request, params, model, model_admin)
        self.values: dict[str, str] = {}
        for name in self.parameters:
            if name in params:
                value = params.pop(name)
                value = value[-1] if isinstance(value, list) else value
                try:
                    self.values[name] = date.fromisoformat(value).isoformat()
                except ValueError as exc:
                    raise IncorrectLookupParameters(f"{name}: not a date") from exc

    def has_output(self) -> bool:
        return True

    def expected_parameters(self) -> list[str | None]:
        return list(self.parameters)

    def choices(self, changelist: Any) -> Iterator[Mapping[str, object]]:
        yield {
            "selected": not self.values,
            "query_string": changelist.get_query_string(remove=list(self.parameters)),
            "display": "Any date",
            "values": self.values,
            "others": changelist.get_filters_params(),
        }

    def queryset(self, request: HttpRequest, queryset: QuerySet[Appointment]) -> QuerySet[Appointment]:
        if "date_from" in self.values:
            queryset = queryset.filter(appointment_date__gte=self.values["date_from"])
        if "date_to" in self.values:
            queryset = queryset.filter(appointment_date__lte=self.values["date_to"])
        return queryset


class AppointmentCancelForm(forms.Form):
    reason = forms.CharField(
        label="Reason (the patient sees it)",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": MSG_CANCEL_REASON_REQUIRED},
    )


@admin.action(description="Cancel the selected appointments, with a reason", permissions=["act"])
def cancel_appointments(
    model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Appointment]
) -> HttpResponse | None:
    """Ask for the reason once, then cancel each through the workflow service (by staff)."""
    appointments = list(queryset)
    form = AppointmentCancelForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        cancelled, refused = 0, []
        for appointment in appointments:
            try:
                appointment_cancel(appointment=appointment, by=Actor.STAFF, reason=form.cleaned_data["reason"])
            except ServiceError as exc:  # one refusal per appointment, reported with the others
                refused.append(f"{appointment.appointment_id}: {exc.message}")
                continue
            cancelled += 1
            audit_appointment_action(
                request, action="cancel", appointment=appointment, reason=form.cleaned_data["reason"]
            )
        if cancelled:
            model_admin.message_user(request, MSG_CANCELLED.format(count=cancelled), messages.SUCCESS)
        for line in refused:
            model_admin.message_user(request, line, messages.WARNING)
        return None
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Cancel appointments",
        "appointments": appointments,
        "form": form,
        "opts": model_admin.model._meta,
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/appointments/appointment/cancel.html", context)


def _guarded_values(form: forms.ModelForm, obj: Appointment, names: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(filter, $set) by column for the changed `names`: each field's value as the form showed it (its hidden
    initial) in the filter, the new value in the $set."""
    opts = Appointment._meta
    shown: dict[str, Any] = {}
    new: dict[str, Any] = {}
    for name in names:
        field, model_field = form.fields[name], opts.get_field(name)
        if not isinstance(model_field, Field):  # EDITABLE_FIELDS are plain columns
            continue
        raw = field.hidden_widget().value_from_datadict(form.data, form.files, form.add_initial_prefix(name))
        try:
            before = field.to_python(raw)
        except ValidationError:
            before = form.initial.get(name)
        if before in ("", None) and model_field.null:
            before = None
        column = str(model_field.column)
        shown[column] = model_field.get_db_prep_save(model_field.to_python(before), connection)
        new[column] = model_field.get_db_prep_save(getattr(obj, model_field.attname), connection)
    return shown, new


@admin.register(Appointment)
class AppointmentAdmin(AllOrNothingAdmin):
    # Fits a 1366 px screen with the filters beside it (tests/appointments/test_admin_browser.py).
    list_display = [
        "appointment_id",
        "appointment_date",
        "time_slot",
        "status",
        "appointment_type",
        "patient_name",
        "doctor_name",
        "clinic_name",
        "doctor_late",
    ]
    list_filter = [
        "status",
        "appointment_type",
        DateRangeFilter,
        WhenFilter,
        DoctorNoShowFilter,
        DoctorFilter,
        ClinicFilter,
        "cancelled_by",
        "payment_status",
        "has_prescription",
        "call_preference",
        "covered_by_insurance",
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
    # Who, when, where and the status change only through the services (the actions below), never by
    # editing a field; a save writes only EDITABLE_FIELDS (save_model).
    readonly_fields = [
        "appointment_id",
        "appointment_number",
        "status",
        "requested_at",
        "confirmed_at",
        "user",
        "patient_name",
        "patient_id",
        "doctor",
        "doctor_name",
        "specialty",
        "slot",
        "clinic_id",
        "clinic_name",
        "clinic_address",
        "appointment_type",
        "appointment_date",
        "time_slot",
        "place_number",
        "prescription_id",
        "has_prescription",
        "rescheduled_from",
        "rescheduled_at",
        "rescheduled_by",
        "reschedule_count",
        "video_opened_at",
        "created_at",
        "updated_at",
    ]
    actions = [
        _workflow_action(appointment_confirm, "Confirm", permission="act"),
        cancel_appointments,
        _workflow_action(appointment_complete, "Complete"),
        move_appointment,
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
        ("When", {"fields": ["appointment_type", "appointment_date", "time_slot", "place_number"]}),
        (
            "Rescheduled and video",
            {"fields": ["rescheduled_from", "rescheduled_at", "rescheduled_by", "reschedule_count", "video_opened_at"]},
        ),
        ("Payment", {"fields": ["consultation_fee", "payment_status", "amount_paid", "covered_by_insurance"]}),
        ("Prescription", {"fields": ["has_prescription", "prescription_id"]}),
        ("Timestamps", {"fields": ["created_at", "updated_at"]}),
    ]

    def has_act_permission(self, request: HttpRequest) -> bool:
        """The phone desk's actions (confirm, cancel with a reason): ADMIN and OPERATIONS (users/roles.py)."""
        return request.user.has_perm(ACT_PERMISSION)  # type: ignore[union-attr]  # admin views: a signed-in user

    @admin.display(description="doctor did not show", boolean=True)
    def doctor_late(self, obj: Appointment) -> bool:
        return appointment_doctor_late(obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # booked through the member API (appointments/services/booking.py), which holds the time

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        for name in EDITABLE_FIELDS:
            if name in form.base_fields:
                # The value shown goes back with the POST: the save's guard compares against it.
                form.base_fields[name].show_hidden_initial = True
        return form

    def save_model(self, request: HttpRequest, obj: Appointment, form: Any, change: bool) -> None:
        """One update_one of the changed fields only, filtered on the values the form showed for them: a
        change made meanwhile (by another admin, say) refuses the save with nothing written. A cancel or a
        move racing this save cannot be undone by it: status, date and time are never in its $set."""
        changed = [name for name in form.changed_data if name in EDITABLE_FIELDS]
        if not changed:
            return
        shown, new = _guarded_values(form, obj, changed)
        done = collection(Appointment._meta.db_table).update_one(
            {"_id": obj.pk, **shown}, {"$set": {**new, "updatedAt": clock.now()}}
        )
        if not done.matched_count:
            request._appointment_save_refused = True  # type: ignore[attr-defined]  # read by response_change

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        if getattr(request, "_appointment_save_refused", False):
            return None  # nothing was written: no log entry, and so no audit entry (audit/admin_hooks.py)
        return super().log_change(request, obj, message)

    def response_change(self, request: HttpRequest, obj: Appointment) -> HttpResponse:
        if getattr(request, "_appointment_save_refused", False):
            self.message_user(request, MSG_CHANGED_MEANWHILE, messages.ERROR)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)


from appointments import time_off_admin as time_off_admin  # noqa: E402  (registers ScheduleExceptionAdmin)
