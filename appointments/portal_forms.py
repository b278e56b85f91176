"""Portal filter form of the appointment list. Input shape only; the selectors apply it."""

from django import forms

from appointments.doctor_selectors import Scope
from appointments.models import AppointmentStatus


class AppointmentFilterForm(forms.Form):
    date = forms.DateField(
        label="Date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any status"), *AppointmentStatus.choices])
    scope = forms.ChoiceField(label="Show", required=False, choices=Scope.CHOICES, initial=Scope.UPCOMING)
