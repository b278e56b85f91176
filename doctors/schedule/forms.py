"""Portal form of a weekly slot. It only shapes input: the rules live in doctors/schedule/services.py."""

from typing import Any

from django import forms

from core.validators import DAYS_OF_WEEK
from doctors.models import ConsultationType, Doctor, DoctorSlot
from doctors.schedule.services import SLOT_FIELDS


class SlotForm(forms.Form):
    """Add or edit a weekly slot. Field names are the model's, so the service's errors land on them."""

    clinic_id = forms.ChoiceField(label="Clinic")
    consultation_type = forms.ChoiceField(label="Consultation type", choices=ConsultationType.choices)
    day_of_week = forms.ChoiceField(label="Day", choices=[(day, day) for day in DAYS_OF_WEEK])
    start_time = forms.CharField(
        label="Starts",
        max_length=5,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text="24-hour HH:MM",
    )
    end_time = forms.CharField(
        label="Ends",
        max_length=5,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text="24-hour HH:MM",
    )
    slot_duration = forms.IntegerField(
        label="Minutes per patient",
        initial=30,
        min_value=5,
        max_value=480,
    )
    max_patients = forms.IntegerField(label="Patients per time", initial=1, min_value=1, max_value=100)
    consultation_fee = forms.FloatField(label="Fee (₹)", min_value=0)
    is_active = forms.BooleanField(
        label="Open for booking",
        required=False,
        initial=True,
        help_text="Inactive slots stay on your schedule but take no new bookings.",
    )

    def __init__(self, *args: Any, doctor: Doctor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        clinics = doctor.clinics or []
        self.fields["clinic_id"].choices = [
            (entry.clinic_id, f"{entry.name}, {entry.city or entry.address}") for entry in clinics
        ]
        if clinics and "consultation_fee" not in self.initial:
            self.fields["consultation_fee"].initial = _plain_number(clinics[0].consultation_fee)


def _plain_number(value: float | int | None) -> float | int | None:
    """1000 rather than 1000.0 in an input; None (a stored fee the app could not read) stays empty."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def slot_initial(slot: DoctorSlot) -> dict[str, Any]:
    initial = {name: getattr(slot, name) for name in SLOT_FIELDS}
    initial["consultation_fee"] = _plain_number(slot.consultation_fee)
    return initial
