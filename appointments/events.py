"""What other apps hear when an appointment changes: booked, confirmed, completed, cancelled, rescheduled,
and when its video room opens or its prescription is uploaded.

The services of appointments emit an event after their write has succeeded; apps built on appointments
(consultations closes a cancelled visit's video room; notifications writes its outbox) subscribe from their
AppConfig.ready(). Appointments sits below them and must not import them: the listener list keeps every
dependency pointing one way (no import circle). Listeners run in the request, in the order they subscribed;
an exception in one propagates to the caller, as a failed write of the caller's own would.
"""

from collections.abc import Callable
from enum import StrEnum

from appointments.models import Appointment


class AppointmentEvent(StrEnum):
    BOOKED = "booked"
    CONFIRMED = "confirmed"
    COMPLETED = "completed"
    # details: reason (str); expired=True when the doctor did not confirm in time (expire_requests),
    # doctor_no_show=True when the member cancelled because the doctor did not open the video room.
    # The appointment carries cancelledBy / cancellationReason.
    CANCELLED = "cancelled"
    # details: from_date, from_time_slot, from_clinic_id, from_appointment_type (what it was moved from);
    # the appointment carries rescheduledFrom / rescheduledAt / rescheduledBy / rescheduleCount.
    RESCHEDULED = "rescheduled"
    # Emitted by the apps above appointments, after their own writes (notifications tells the member):
    VIDEO_OPENED = "video_opened"  # consultations: the doctor opened the room; details: opened_at
    PRESCRIPTION_READY = "prescription_ready"  # prescriptions: uploaded; details: uploaded_at


# listener(event=..., appointment=..., by=..., **details); `by` is an appointments.models.Actor value.
Listener = Callable[..., object]
_listeners: dict[AppointmentEvent, list[Listener]] = {event: [] for event in AppointmentEvent}


def appointment_event_subscribe(event: AppointmentEvent, listener: Listener) -> None:
    """Call `listener` after every `event`. Subscribing the same listener twice is a no-op."""
    if listener not in _listeners[event]:
        _listeners[event].append(listener)


def appointment_event_emit(event: AppointmentEvent, *, appointment: Appointment, by: str, **details: object) -> None:
    for listener in _listeners[event]:
        listener(event=event, appointment=appointment, by=by, **details)
