"""Staff (ADMIN and OPERATIONS) record a doctor's time off and extra hours here, through the same services as
the doctor API and the portal (appointments/services/time_off.py). A record is added or removed, never edited.

When time off covers booked appointments, the form lists them and staff must choose to keep or cancel them
(the field is required only then); cancelled ones are cancelled by STAFF with the time off's reason.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect

from appointments.models import Actor
from appointments.services.time_off import (
    Actorship,
    extra_hours_add,
    extra_hours_delete,
    time_off_add,
    time_off_affected,
    time_off_delete,
)
from core.admin_base import AllOrNothingAdmin
from core.errors import ServiceError
from core.portal_errors import form_add_service_error
from doctors.models import Doctor, ScheduleException, ScheduleExceptionKind
from doctors.schedule.exceptions import extra_hours_check, time_off_check

MSG_CHOOSE = "{count} booked appointment(s) fall inside: {listed}. Choose to keep or cancel them."
MSG_NEEDS_FIELD = "Extra hours need this."
_REFUSED = "_schedule_exception_refused"  # set on the request when the service refused the save
TIME_OFF_FIELDS = ("start_date", "end_date", "start_time", "end_time", "clinic_id", "reason")
EXTRA_FIELDS = (
    "clinic_id",
    "start_time",
    "end_time",
    "slot_duration",
    "max_patients",
    "consultation_fee",
    "consultation_type",
    "reason",
)
FIELD_NAMES = {"date": "start_date", "affectedAppointments": "affected_appointments"}


class ScheduleExceptionAddForm(forms.ModelForm):
    """The services' own checks, with their messages, as form errors; the write is in save_model."""

    affected_appointments = forms.ChoiceField(
        label="Booked appointments inside",
        choices=[("", "---------"), ("keep", "Keep them"), ("cancel", "Cancel them")],
        required=False,
        help_text="Required only when booked appointments fall inside the time off; they are listed then.",
    )

    class Meta:
        model = ScheduleException
        fields = [
            "doctor",
            "kind",
            "start_date",
            "end_date",
            "start_time",
            "end_time",
            "clinic_id",
            "reason",
            "slot_duration",
            "max_patients",
            "consultation_fee",
            "consultation_type",
        ]
        help_texts = {
            "start_date": "YYYY-MM-DD. Extra hours: their date (the end date is ignored).",
            "start_time": "Time off: 12-hour, e.g. 02:00 PM (empty for whole days). Extra hours: 24-hour, e.g. 17:00.",
            "clinic_id": "Time off: empty for everywhere. Extra hours: required.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "end_date" in self.fields:
            self.fields["end_date"].required = False  # extra hours have one date
        if "doctor" in self.fields:
            self.fields["doctor"].queryset = Doctor.objects.filter(is_active=True).order_by("doctor_id")  # type: ignore[attr-defined]

    def _time_off(self, doctor: Doctor, data: dict[str, Any]) -> None:
        fields: dict[str, Any] = {name: data.get(name) or None for name in TIME_OFF_FIELDS}
        time_off = time_off_check(doctor=doctor, **fields)
        affected = time_off_affected(time_off=time_off)
        if affected and not data.get("affected_appointments"):
            listed = "; ".join(f"{a.appointment_date} {a.time_slot} {a.appointment_number}" for a in affected)
            self.add_error("affected_appointments", MSG_CHOOSE.format(count=len(affected), listed=listed))

    def _extra_hours(self, doctor: Doctor, data: dict[str, Any]) -> None:
        fields: dict[str, Any] = {name: data.get(name) for name in EXTRA_FIELDS if data.get(name) not in (None, "")}
        extra_hours_check(doctor=doctor, date=data.get("start_date") or "", **fields)

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("kind") == ScheduleExceptionKind.EXTRA_HOURS or not data.get("end_date"):
            data["end_date"] = data.get("start_date")
        doctor = data.get("doctor")
        if doctor is None or self.errors:
            return data
        try:
            if data.get("kind") == ScheduleExceptionKind.EXTRA_HOURS:
                self._extra_hours(doctor, data)
            else:
                self._time_off(doctor, data)
        except ServiceError as exc:
            form_add_service_error(self, exc, field_names=FIELD_NAMES)
        except TypeError:  # a field extra hours need is missing
            for name in ("clinic_id", "start_time", "end_time", "consultation_fee", "consultation_type"):
                if not data.get(name) and data.get(name) != 0:
                    self.add_error(name, MSG_NEEDS_FIELD)
        return data


@admin.register(ScheduleException)
class ScheduleExceptionAdmin(AllOrNothingAdmin):
    form = ScheduleExceptionAddForm
    autocomplete_fields = ["doctor"]  # a search box, not a list of every doctor
    list_display = [
        "doctor_id",
        "kind",
        "start_date",
        "end_date",
        "start_time",
        "end_time",
        "clinic_id",
        "reason",
        "affected_decision",
        "created_by_role",
        "created_by_id",
        "created_at",
    ]
    list_filter = ["kind", "created_by_role"]
    search_fields = ["doctor__doctor_id", "reason"]
    ordering = ["-start_date"]
    show_full_result_count = False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # added or removed, never edited: the services decide what a record does to bookings

    def save_model(self, request: HttpRequest, obj: ScheduleException, form: Any, change: bool) -> None:
        """Through the services. A refusal at the save (the form's check passed, then a booking or other hours
        landed meanwhile) is shown as an error on the add page again, with nothing saved (no 500)."""
        try:
            self._save(request, obj, form)
        except ServiceError as exc:
            setattr(request, _REFUSED, True)
            self.message_user(request, exc.message, messages.ERROR)

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        return None if getattr(request, _REFUSED, False) else super().log_addition(request, obj, message)

    def response_add(self, request: HttpRequest, obj: ScheduleException, post_url_continue: str | None = None) -> Any:
        if getattr(request, _REFUSED, False):
            return HttpResponseRedirect(request.path)
        return super().response_add(request, obj, post_url_continue)

    def _save(self, request: HttpRequest, obj: ScheduleException, form: Any) -> None:
        data = form.cleaned_data
        by = Actorship(actor=Actor.STAFF, id=str(request.user.pk))
        if data["kind"] == ScheduleExceptionKind.EXTRA_HOURS:
            fields = {name: data[name] for name in EXTRA_FIELDS if data.get(name) not in (None, "")}
            saved = extra_hours_add(doctor=data["doctor"], by=by, date=data["start_date"], **fields)
        else:
            time_off_fields: dict[str, Any] = {name: data.get(name) or None for name in TIME_OFF_FIELDS}
            saved = time_off_add(
                doctor=data["doctor"], by=by, affected=data.get("affected_appointments") or None, **time_off_fields
            )
        obj.pk = saved.pk
        obj._state.adding = False

    def delete_model(self, request: HttpRequest, obj: ScheduleException) -> None:
        try:
            self._remove(obj)
        except ServiceError as exc:
            messages.error(request, exc.message)

    def undo_add(self, obj: ScheduleException) -> None:
        """An add that failed after its write is removed through the services (core/admin_base.py); appointments
        its time off cancelled stay cancelled."""
        self._remove(ScheduleException.objects.get(pk=obj.pk))

    def _remove(self, obj: ScheduleException) -> None:
        if obj.kind == ScheduleExceptionKind.EXTRA_HOURS:
            extra_hours_delete(extra=obj)
        else:
            time_off_delete(time_off=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ScheduleException]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)
