"""The appointment status workflow, shared by the member API, the doctor API, the portal and the admin.

PENDING_CONFIRMATION -> CONFIRMED -> COMPLETED, and PENDING_CONFIRMATION or CONFIRMED -> CANCELLED.
Each move is one atomic update filtered on the current status, so two racing requests cannot both win.
"""

from django.utils import timezone

from appointments.models import Appointment, AppointmentStatus
from appointments.services.capacity import capacity_release

MSG_CANNOT_CONFIRM = "Only an appointment pending confirmation can be confirmed."
MSG_CANNOT_COMPLETE = "Only a confirmed appointment can be completed."
MSG_CANNOT_CANCEL = "Only a pending or confirmed appointment can be cancelled."

CANCELLABLE = (AppointmentStatus.PENDING_CONFIRMATION, AppointmentStatus.CONFIRMED)


class TransitionRefused(Exception):
    """The workflow does not allow this status change from the appointment's current status (409)."""


def _move(*, appointment: Appointment, allowed_from: tuple[str, ...], message: str, **changes: object) -> Appointment:
    changes["updated_at"] = timezone.now()
    moved = Appointment.objects.filter(pk=appointment.pk, status__in=allowed_from).update(**changes)
    if not moved:
        raise TransitionRefused(message)
    appointment.refresh_from_db()
    return appointment


def appointment_confirm(*, appointment: Appointment) -> Appointment:
    return _move(
        appointment=appointment,
        allowed_from=(AppointmentStatus.PENDING_CONFIRMATION,),
        message=MSG_CANNOT_CONFIRM,
        status=AppointmentStatus.CONFIRMED,
        confirmed_at=timezone.now(),
    )


def appointment_complete(*, appointment: Appointment) -> Appointment:
    return _move(
        appointment=appointment,
        allowed_from=(AppointmentStatus.CONFIRMED,),
        message=MSG_CANNOT_COMPLETE,
        status=AppointmentStatus.COMPLETED,
    )


def appointment_cancel(*, appointment: Appointment) -> Appointment:
    """Cancel, give the time back to other patients and close any open video room.

    Callers add their own rules (e.g. a member may not cancel once the time has begun).
    """
    from consultations.services import consultations_cancel_for_appointment  # consultations builds on us

    appointment = _move(
        appointment=appointment,
        allowed_from=CANCELLABLE,
        message=MSG_CANNOT_CANCEL,
        status=AppointmentStatus.CANCELLED,
    )
    capacity_release(
        doctor_id=appointment.doctor_id,
        appointment_date=appointment.appointment_date,
        time_slot=appointment.time_slot,
    )
    consultations_cancel_for_appointment(appointment=appointment)
    return appointment
