"""Portal filter form of the appointment list. Input shape only; the selectors apply it."""

from typing import Any

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


class RescheduleForm(forms.Form):
    """The portal's reschedule: a new date and one of its free times (the page lists the date's availability).
    Input shape only; the rules (and their messages) are appointment_reschedule's."""

    date = forms.DateField(label="New date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    time_slot = forms.CharField(label="New time", max_length=8, widget=forms.Select())

    def __init__(self, *args: Any, times: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "Choose a time" if times else "No free time on this date"), *((t, t) for t in times)]
        self.fields["time_slot"].widget.choices = choices
