"""The appointment status workflow, shared by the member API, the doctor API, the portal and the admin.

PENDING_CONFIRMATION -> CONFIRMED -> COMPLETED, and PENDING_CONFIRMATION or CONFIRMED -> CANCELLED.
Each move is one atomic update filtered on the current status, so two racing requests cannot both win.
Confirm and complete keep the appointment's place; cancel frees it in the same update (places.place_free).
`TRANSITIONS` is the one table of the allowed moves: the services below enforce it and the portal shows
its buttons from it (`appointment_actions`).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from appointments.models import Appointment, AppointmentStatus
from appointments.services.places import place_free
from core import clock
from core.errors import Conflict

MSG_CANNOT_CONFIRM = "Only an appointment pending confirmation can be confirmed."
MSG_CANNOT_COMPLETE = "Only a confirmed appointment can be completed."
MSG_CANNOT_CANCEL = "Only a pending or confirmed appointment can be cancelled."
MSG_COMPLETE_TOO_EARLY = "This visit can be completed from {opens}."

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
    """The moves the workflow allows now, in TRANSITIONS order: by status, and "complete" only once the
    visit's window has opened (`appointment_complete_check`)."""
    allowed = (name for name, move in TRANSITIONS.items() if appointment.status in move.allowed_from)
    return tuple(name for name in allowed if name != "complete" or visit_window_open(appointment))


# --- the visit's time window (docs/booking.md#time-windows) ---------------------------------------------


def visit_window_opens_at(appointment: Appointment) -> datetime:
    """When the visit can be completed and its video call started: VISIT_EARLY_MINUTES before its start."""
    from appointments.selectors import appointment_starts_at  # selectors imports this module (CANCELLABLE)

    starts = appointment_starts_at(appointment_date=appointment.appointment_date, time_slot=appointment.time_slot)
    return starts - timedelta(minutes=settings.VISIT_EARLY_MINUTES)


def visit_window_open(appointment: Appointment) -> bool:
    return clock.now() >= visit_window_opens_at(appointment)


def visit_window_text(appointment: Appointment) -> str:
    """The window's opening for a message, clinic-local: "09:45 AM on 2026-11-26"."""
    return f"{timezone.localtime(visit_window_opens_at(appointment)):%I:%M %p on %Y-%m-%d}"


def appointment_complete_check(*, appointment: Appointment) -> None:
    """Can the appointment be completed now: CONFIRMED, and its window open. Else TransitionRefused."""
    if appointment.status not in TRANSITIONS["complete"].allowed_from:
        raise TransitionRefused(MSG_CANNOT_COMPLETE)
    if not visit_window_open(appointment):
        raise TransitionRefused(MSG_COMPLETE_TOO_EARLY.format(opens=visit_window_text(appointment)))


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
    """CONFIRMED -> COMPLETED, only from the visit's window on. The update is guarded by the date and time
    the window was checked on, so a visit moved later meanwhile is checked again (and refused)."""
    appointment_complete_check(appointment=appointment)
    moved = Appointment.objects.filter(
        pk=appointment.pk,
        status__in=TRANSITIONS["complete"].allowed_from,
        appointment_date=appointment.appointment_date,
        time_slot=appointment.time_slot,
    ).update(status=AppointmentStatus.COMPLETED, updated_at=clock.now())
    appointment.refresh_from_db()
    if not moved:
        appointment_complete_check(appointment=appointment)  # the reason, from the state that refused it
        raise TransitionRefused(MSG_CANNOT_COMPLETE)  # moved within its window meanwhile: the doctor retries
    return appointment


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
