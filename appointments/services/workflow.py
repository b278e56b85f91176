"""The appointment status workflow, shared by the member API, the doctor API, the portal and the admin.

PENDING_CONFIRMATION -> CONFIRMED -> COMPLETED, and PENDING_CONFIRMATION or CONFIRMED -> CANCELLED.
Each move is one atomic update filtered on the current status, so two racing requests cannot both win.
Confirm and complete keep the appointment's place; cancel frees it in the same update (places.place_free).
`TRANSITIONS` is the one table of the allowed moves: the services below enforce it and the portal shows
its buttons from it (`appointment_actions`).
"""

from collections.abc import Callable
from dataclasses import dataclass

from appointments.models import Appointment, AppointmentStatus
from appointments.services.places import place_free
from core import clock
from core.errors import Conflict

MSG_CANNOT_CONFIRM = "Only an appointment pending confirmation can be confirmed."
MSG_CANNOT_COMPLETE = "Only a confirmed appointment can be completed."
MSG_CANNOT_CANCEL = "Only a pending or confirmed appointment can be cancelled."

CANCELLABLE = (AppointmentStatus.PENDING_CONFIRMATION, AppointmentStatus.CONFIRMED)


@dataclass(frozen=True)
class Transition:
    """One move of the workflow: from which statuses, to which, and the refusal's message."""

    allowed_from: tuple[str, ...]
    to: str
    refused: str


# Action name (the portal's button and URL) -> the move.
TRANSITIONS: dict[str, Transition] = {
    "confirm": Transition((AppointmentStatus.PENDING_CONFIRMATION,), AppointmentStatus.CONFIRMED, MSG_CANNOT_CONFIRM),
    "complete": Transition((AppointmentStatus.CONFIRMED,), AppointmentStatus.COMPLETED, MSG_CANNOT_COMPLETE),
    "cancel": Transition(CANCELLABLE, AppointmentStatus.CANCELLED, MSG_CANNOT_CANCEL),
}


class TransitionRefused(Conflict):
    """409: the workflow does not allow this status change from the appointment's current status."""


def appointment_actions(appointment: Appointment) -> tuple[str, ...]:
    """The moves the workflow allows from the appointment's status, in TRANSITIONS order."""
    return tuple(name for name, move in TRANSITIONS.items() if appointment.status in move.allowed_from)


# What other apps do when an appointment is cancelled (consultations closes its open video room). They
# register from their AppConfig.ready(): consultations builds on appointments, so appointments must not
# import consultations, and a callback list keeps the dependency pointing one way (no import circle).
OnCancel = Callable[..., object]  # called as callback(appointment=...)
_on_cancel: list[OnCancel] = []


def appointment_on_cancel_register(callback: OnCancel) -> None:
    """Call `callback(appointment=...)` after every cancellation. Registering the same callback twice is a no-op."""
    if callback not in _on_cancel:
        _on_cancel.append(callback)


def _move(*, appointment: Appointment, action: str, **changes: object) -> Appointment:
    move = TRANSITIONS[action]
    changes["updated_at"] = clock.now()
    moved = Appointment.objects.filter(pk=appointment.pk, status__in=move.allowed_from).update(
        status=move.to, **changes
    )
    if not moved:
        raise TransitionRefused(move.refused)
    appointment.refresh_from_db()
    return appointment


def appointment_confirm(*, appointment: Appointment) -> Appointment:
    return _move(appointment=appointment, action="confirm", confirmed_at=clock.now())


def appointment_complete(*, appointment: Appointment) -> Appointment:
    return _move(appointment=appointment, action="complete")


def appointment_cancel(*, appointment: Appointment) -> Appointment:
    """Cancel, give the time back to other patients and run the registered follow-ups (close the video room).

    Callers add their own rules (e.g. a member may not cancel once the time has begun).
    """
    move = TRANSITIONS["cancel"]
    # One update: CANCELLED and the place it held freed together (appointments/services/places.py).
    if not place_free(appointment=appointment, allowed_from=move.allowed_from, changes={"updatedAt": clock.now()}):
        raise TransitionRefused(move.refused)
    appointment.refresh_from_db()
    for callback in _on_cancel:
        callback(appointment=appointment)
    return appointment


# The service of each action, for callers that take the action by name (the portal's buttons).
TRANSITION_SERVICES: dict[str, Callable[..., Appointment]] = {
    "confirm": appointment_confirm,
    "complete": appointment_complete,
    "cancel": appointment_cancel,
}
