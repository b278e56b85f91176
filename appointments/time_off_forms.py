"""Portal forms for time off and extra hours. They only shape input: the rules are in
doctors/schedule/exceptions.py and appointments/services/time_off.py. Field names are the model's, so the
services' errors land on them."""

from datetime import time
from typing import Any, cast

from django import forms

from appointments.models import Appointment
from core.validators import time_12h
from doctors.models import Doctor
from doctors.schedule.forms import SlotForm

EACH, KEEP, CANCEL = "each", "keep", "cancel"
ALL_CHOICES = [(EACH, "Choose for each appointment"), (KEEP, "Keep them all"), (CANCEL, "Cancel them all")]
ONE_CHOICES = [(KEEP, "Keep"), (CANCEL, "Cancel")]


def _as_12h(value: time | None) -> str | None:
    return time_12h(value.hour * 60 + value.minute) if value else None


class TimeOffForm(forms.Form):
    start_date = forms.CharField(label="From", max_length=10, widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.CharField(label="To (inclusive)", max_length=10, widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(
        label="From time",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="Leave both times empty for whole days.",
    )
    end_time = forms.TimeField(
        label="Until",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="Times that start before this are covered.",
    )
    clinic_id = forms.ChoiceField(label="Where", required=False)
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": "e.g. Conference, Annual leave"}),
        help_text="Patients whose visits you cancel are told this reason.",
    )

    def __init__(self, *args: Any, doctor: Doctor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["clinic_id"]).choices = [("", "All clinics and online")] + [
            (entry.clinic_id, f"{entry.name} (in-clinic visits only)") for entry in doctor.clinics or []
        ]

    def service_fields(self) -> dict[str, Any]:
        """The cleaned data as time_off_add takes it (times in the seed's 12-hour form)."""
        data = self.cleaned_data
        return {
            "start_date": data["start_date"],
            "end_date": data["end_date"],
            "start_time": _as_12h(data.get("start_time")),
            "end_time": _as_12h(data.get("end_time")),
            "clinic_id": data.get("clinic_id") or None,
            "reason": data["reason"],
        }


class AffectedForm(forms.Form):
    """Step two: what to do with the live appointments the time off covers, for all or one by one."""

    affected = forms.ChoiceField(
        label="The booked appointments", choices=ALL_CHOICES, initial=EACH, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, appointments: list[Appointment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.appointments = appointments
        for appointment in appointments:
            self.fields[self.name_of(appointment)] = forms.ChoiceField(
                label=f"{appointment.appointment_date} {appointment.time_slot} {appointment.patient_name}",
                choices=ONE_CHOICES,
                initial=KEEP,
                required=False,
                widget=forms.RadioSelect,
            )

    @staticmethod
    def name_of(appointment: Appointment) -> str:
        return f"choice_{appointment.pk}"

    def rows(self) -> list[tuple[Appointment, forms.BoundField]]:
        return [(appointment, self[self.name_of(appointment)]) for appointment in self.appointments]


def decision_from_post(data: Any) -> dict[str, Any]:
    """What step two posted, before the list is known again: keep/cancel for all, or one choice per id."""
    affected = data.get("affected")
    if affected in (KEEP, CANCEL):
        return {"affected": affected}
    if affected == EACH:
        prefix = "choice_"
        return {"choices": {key[len(prefix) :]: value for key, value in data.items() if key.startswith(prefix)}}
    return {}


class ExtraHoursForm(SlotForm):
    """One-off hours on a date: the weekly slot's form, with a date instead of a weekday."""

    date = forms.CharField(label="Date", max_length=10, widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="Note", max_length=500, required=False)

    field_order = [
        "date",
        "clinic_id",
        "start_time",
        "end_time",
        "consultation_type",
        "consultation_fee",
        "slot_duration",
        "max_patients",
        "reason",
    ]

    def __init__(self, *args: Any, doctor: Doctor, **kwargs: Any) -> None:
        super().__init__(*args, doctor=doctor, **kwargs)
        del self.fields["day_of_week"]
        del self.fields["is_active"]
