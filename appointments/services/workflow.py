"""The appointment status workflow, shared by the member API, the doctor API, the portal and the admin.

PENDING_CONFIRMATION -> CONFIRMED -> COMPLETED, and PENDING_CONFIRMATION or CONFIRMED -> CANCELLED.
Each move is one atomic update filtered on the current status, so two racing requests cannot both win.
Confirm and complete keep the appointment's place; cancel frees it in the same update (places.place_free).
`TRANSITIONS` is the one table of the allowed moves: the services below enforce it and the portal shows
its buttons from it (`appointment_actions`).
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from appointments.events import AppointmentEvent, appointment_event_emit
from appointments.models import Actor, Appointment, AppointmentStatus
from appointments.services.places import place_free
from core import clock
from core.errors import Conflict, Invalid

MSG_CANNOT_CONFIRM = "Only an appointment pending confirmation can be confirmed."
MSG_CONFIRM_MOVED = "This request was moved to another time meanwhile. Check its new time, then confirm it."
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


MSG_REASON_TOO_LONG = "A cancellation reason has at most {limit} characters."
REASON_MAX_LENGTH = 500


class ReasonInvalid(Invalid):
    """400: the cancellation reason is too long."""


def _move(
    *, appointment: Appointment, action: str, guard: Mapping[str, Any] | None = None, **changes: object
) -> Appointment:
    """One guarded update: the transition's states, and the `guard` values (by field name) as read."""
    move = TRANSITIONS[action]
    changes["updated_at"] = clock.now()
    moved = Appointment.objects.filter(pk=appointment.pk, status__in=move.allowed_from, **(guard or {})).update(
        status=move.to, **changes
    )
    if not moved:
        raise TransitionRefused(move.refused)
    appointment.refresh_from_db()
    return appointment


def appointment_confirm(*, appointment: Appointment, by: str) -> Appointment:
    """PENDING_CONFIRMATION -> CONFIRMED; `by` is who confirmed (models.Actor). Guarded by the date, time and
    reschedule count read: a request moved meanwhile is not confirmed at a time the confirmer did not see
    (TransitionRefused, MSG_CONFIRM_MOVED)."""
    read = (appointment.appointment_date, appointment.time_slot, appointment.reschedule_count)
    try:
        _move(
            appointment=appointment,
            action="confirm",
            guard={"appointment_date": read[0], "time_slot": read[1], "reschedule_count": read[2]},
            confirmed_at=clock.now(),
        )
    except TransitionRefused:
        appointment.refresh_from_db()
        moved = (appointment.appointment_date, appointment.time_slot, appointment.reschedule_count) != read
        if moved and appointment.status == AppointmentStatus.PENDING_CONFIRMATION:
            raise TransitionRefused(MSG_CONFIRM_MOVED) from None
        raise
    appointment_event_emit(AppointmentEvent.CONFIRMED, appointment=appointment, by=by)
    return appointment


def appointment_complete(*, appointment: Appointment, by: str) -> Appointment:
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
    appointment_event_emit(AppointmentEvent.COMPLETED, appointment=appointment, by=by)
    return appointment


def appointment_cancel(
    *,
    appointment: Appointment,
    by: str,
    reason: str = "",
    allowed_from: Iterable[str] = CANCELLABLE,
    expected: Mapping[str, Any] | None = None,
    **details: object,
) -> Appointment:
    """Cancel, recording who (`by`, a models.Actor value) and why, give the time back to other patients and
    tell the subscribers (consultations closes the video room; appointments/events.py), with `details`.

    Callers add their own rules (e.g. a member may not cancel once the time has begun); a caller that decided
    on the appointment's state narrows `allowed_from` and names the values it read in `expected` (by column),
    so the update refuses (TransitionRefused) if they changed meanwhile.
    """
    reason = reason.strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise ReasonInvalid(MSG_REASON_TOO_LONG.format(limit=REASON_MAX_LENGTH))
    move = TRANSITIONS["cancel"]
    now = clock.now()
    # One update: CANCELLED, who and why, and the place it held freed together (appointments/services/places.py).
    changes = {"updatedAt": now, "cancelledAt": now, "cancelledBy": by, "cancellationReason": reason or None}
    if not place_free(appointment=appointment, allowed_from=allowed_from, changes=changes, expected=expected):
        raise TransitionRefused(move.refused)
    appointment.refresh_from_db()
    appointment_event_emit(AppointmentEvent.CANCELLED, appointment=appointment, by=by, reason=reason, **details)
    return appointment


def appointment_video_opened(*, appointment: Appointment) -> bool:
    """Record that the doctor opened this ONLINE appointment's video room (`videoOpenedAt`, first time only),
    so it is no "doctor did not show" (docs/decisions/0041-doctor-no-show.md). Consultations calls it when a
    room opens (it sits above us). One update guarded by the date and time the room was opened for: a visit
    moved meanwhile stays unopened at its new time. True when this call wrote it."""
    done = Appointment.objects.filter(
        pk=appointment.pk,
        appointment_date=appointment.appointment_date,
        time_slot=appointment.time_slot,
        video_opened_at__isnull=True,
    ).update(video_opened_at=clock.now())
    return bool(done)


MSG_REQUEST_EXPIRED = "The doctor did not confirm this request in time."


def requests_expire(*, appointments: Iterable[Appointment]) -> int:
    """Cancel each request (from `appointments.selectors.requests_expired`) by the SYSTEM with
    MSG_REQUEST_EXPIRED, emitting CANCELLED with `expired=True`. Each cancel is guarded by what made it expire:
    still PENDING_CONFIRMATION, at the date, time and request time read, so a request confirmed or moved
    meanwhile is left alone, and a second run at the same moment cancels nothing twice. Returns how many."""
    cancelled = 0
    for appointment in appointments:
        try:
            appointment_cancel(
                appointment=appointment,
                by=Actor.SYSTEM,
                reason=MSG_REQUEST_EXPIRED,
                allowed_from=(AppointmentStatus.PENDING_CONFIRMATION,),
                expected={
                    "appointmentDate": appointment.appointment_date,
                    "timeSlot": appointment.time_slot,
                    "requestedAt": appointment.requested_at,
                },
                expired=True,
            )
        except TransitionRefused:
            continue  # confirmed, moved or cancelled meanwhile (another run, the doctor, the member)
        cancelled += 1
    return cancelled


# The service of each action, for callers that take the action by name (the portal's buttons).
TRANSITION_SERVICES: dict[str, Callable[..., Appointment]] = {
    "confirm": appointment_confirm,
    "complete": appointment_complete,
    "cancel": appointment_cancel,
}
