"""`{% consultation_panel appointment %}`: the video consultation box of the portal's appointment page."""

from typing import Any

from django import template

from appointments.models import Appointment, AppointmentStatus, AppointmentType
from appointments.services.workflow import visit_window_open, visit_window_text
from consultations.models import OPEN_STATUSES
from consultations.selectors import consultation_of_appointment
from consultations.services import consultation_can_start

register = template.Library()


@register.inclusion_tag("consultations/portal/panel.html", takes_context=True)
def consultation_panel(context: template.Context, appointment: Appointment) -> dict[str, Any]:
    online = appointment.appointment_type == AppointmentType.ONLINE
    consultation = consultation_of_appointment(appointment=appointment) if online else None
    is_open = consultation is not None and consultation.status in OPEN_STATUSES
    can_start = not is_open and consultation_can_start(appointment=appointment)
    # Confirmed but too early: say from when (the same window as consultation_start_check).
    early = online and not is_open and appointment.status == AppointmentStatus.CONFIRMED
    return {
        "appointment": appointment,
        "online": online,
        "consultation": consultation,
        "is_open": is_open,
        "can_start": can_start,
        "starts_from": visit_window_text(appointment) if early and not visit_window_open(appointment) else "",
        "csrf_token": context.get("csrf_token"),
    }
