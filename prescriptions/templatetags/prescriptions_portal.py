"""`{% prescription_panel appointment %}`: the prescription card of a portal appointment page.

The page has already checked that the appointment is the signed-in doctor's; the tag adds one query.
"""

from typing import Any

from django import template

from appointments.models import Appointment
from prescriptions.files import max_upload_bytes, too_large_message
from prescriptions.forms import PrescriptionFileForm, PrescriptionUploadForm
from prescriptions.selectors import prescription_for_appointment
from prescriptions.services import PRESCRIBABLE_STATUSES

register = template.Library()


@register.inclusion_tag("prescriptions/portal/panel.html", takes_context=True)
def prescription_panel(context: template.Context, appointment: Appointment) -> dict[str, Any]:
    prescription = prescription_for_appointment(appointment=appointment)
    return {
        "appointment": appointment,
        "prescription": prescription,
        "can_upload": prescription is None and appointment.status in PRESCRIBABLE_STATUSES,
        "upload_form": PrescriptionUploadForm(auto_id="id_rx_%s"),
        "replace_form": PrescriptionFileForm(auto_id="id_rx_replace_%s"),
        "max_bytes": max_upload_bytes(),
        "too_large": too_large_message(),
        "csrf_token": context.get("csrf_token"),
        "request": context.get("request"),
    }
