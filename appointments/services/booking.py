"""A member books a time, and cancels their own appointment.

No overbooking (docs/decisions/0019-place-numbers.md): every rule is checked first (400), the time must be
one availability offers (the same selector, so the same slot and the same `maxPatients`), then
`places.place_take` inserts the appointment holding a numbered place: one insert, a whole booking or none.
"""

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, NoReturn

from bson import ObjectId
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.utils import timezone

from appointments.events import AppointmentEvent, appointment_event_emit
from appointments.models import (
    MSG_IN_CLINIC_NEEDS_CLINIC,
    MSG_ONLINE_NEEDS_CALL_PREFERENCE,
    MSG_ONLINE_NEEDS_CONTACT,
    OMITTED_WHEN_NULL,
    Actor,
    Appointment,
    AppointmentStatus,
    AppointmentType,
    PaymentStatus,
    RescheduledFrom,
)
from appointments.selectors import (
    BookableTime,
    appointment_doctor_late,
    appointment_starts_at,
    booking_date_error,
    booking_notice_error,
    slot_offered,
    time_off_covering,
    time_off_message,
)

# The booking's 409s live with the rule that raises them (places.py); re-exported for booking's callers.
from appointments.services.places import MSG_ALREADY_BOOKED as MSG_ALREADY_BOOKED
from appointments.services.places import MSG_MOVE_CHANGED as MSG_MOVE_CHANGED
from appointments.services.places import MSG_MOVE_SAME_TIME as MSG_MOVE_SAME_TIME
from appointments.services.places import MSG_SLOT_FULL as MSG_SLOT_FULL
from appointments.services.places import MoveRefused as MoveRefused
from appointments.services.places import SlotTaken as SlotTaken
from appointments.services.places import place_free, place_move, place_take
from appointments.services.workflow import CANCELLABLE, MSG_CANNOT_CANCEL, TransitionRefused, appointment_cancel
from clinics.models import Clinic
from core import clock
from core.errors import Conflict, Invalid
from core.sequences import next_sequence
from core.validators import validate_date, validate_time_12h
from doctors.models import Doctor, ScheduleException
from doctors.schedule.notice import (
    current_minute,
    duration_text,
    member_change_deadline,
    notice_rules,
)
from doctors.schedule.selectors import schedule_exceptions

MSG_UNKNOWN_DOCTOR = "No active doctor with this doctorId."
MSG_DOCTOR_NOT_ONLINE = "This doctor does not consult online."
MSG_DOCTOR_NOT_IN_CLINIC = "This doctor does not see patients in the clinic."
MSG_NOT_DOCTORS_CLINIC = "This doctor does not practise at this clinic."
MSG_TIME_NOT_OFFERED = "This doctor has no {type} time at {time} on {date}{at_clinic}."
MSG_CONTACT_NUMBER = "Enter a valid phone number, e.g. +919876543210."
MSG_RESCHEDULE_UNDONE_REMOVED_HOURS = (
    "The doctor removed these hours while this appointment was being moved, and its original time was no "
    "longer available, so the appointment was cancelled. Please book another time."
)
MSG_REASON_MOVED_INTO_REMOVED_HOURS = "Moved while the doctor was removing these extra hours."
MSG_UNDONE_EXTRA_HOURS = "Booked while the doctor was removing these extra hours."
MSG_EXTRA_HOURS_REMOVED = "The doctor has just removed these hours. Please choose another time."
MSG_UNDONE_TIME_OFF = "Booked while the doctor's time off was being saved; the time off covers it."
MSG_MEMBER_CHANGE_CUTOFF = "Appointments can be cancelled or moved up to {cutoff} before their time."
MSG_MEMBER_CHANGE_STARTED = "This appointment's time has passed; it can no longer be {change}."
MEMBER_CANCEL = "cancelled"
MEMBER_RESCHEDULE = "rescheduled"
MSG_CANNOT_CANCEL_STARTED = MSG_MEMBER_CHANGE_STARTED.format(change=MEMBER_CANCEL)
MSG_CANNOT_RESCHEDULE = "Only a pending or confirmed appointment can be rescheduled."
MSG_DOCTOR_DID_NOT_JOIN = "The doctor did not join the video call."
MSG_RESCHEDULE_UNDONE_CANCELLED = (
    "The doctor's time off was saved while this appointment was being moved, and it covers the new time. "
    "The original time was no longer available, so the appointment was cancelled. Please book another time."
)
MSG_REASON_MOVED_INTO_TIME_OFF = (
    "Moved while the doctor's time off was being saved; the time off covers the new time and the original "
    "time was no longer available."
)

CONTACT_NUMBER = re.compile(r"^\+?[0-9][0-9 -]{5,18}[0-9]$")
APPOINTMENT_ID_PREFIX = "APT-"
ID_ATTEMPTS = 3


class RescheduleCancelled(Conflict):
    """409: a reschedule landed inside a time off saved meanwhile and could not go back to its place, so the
    appointment was cancelled (by the system, or by the time off itself)."""


class BookingInvalid(Invalid):
    """400: the booking request breaks a rule; `errors` is keyed by the API's JSON field names."""

    @classmethod
    def from_errors(cls, errors: dict[str, str]) -> "BookingInvalid":
        return cls(next(iter(errors.values())), errors={field: [message] for field, message in errors.items()})


def _when_errors(*, appointment_date: str, time_slot: str, doctor: Doctor | None = None) -> dict[str, str]:
    """The date's and the time's formats, and the date inside the (doctor's) booking window."""
    errors: dict[str, str] = {}
    for field, value, validator in (
        ("appointmentDate", appointment_date, validate_date),
        ("timeSlot", time_slot, validate_time_12h),
    ):
        try:
            validator(value)
        except ValidationError as exc:
            errors[field] = exc.messages[0]
    if "appointmentDate" not in errors and (
        problem := booking_date_error(date.fromisoformat(appointment_date), doctor)
    ):
        errors["appointmentDate"] = problem
    return errors


def _online_errors(*, doctor: Doctor | None, contact_number: str | None, call_preference: str | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if doctor is not None and not doctor.available_online:
        errors["appointmentType"] = MSG_DOCTOR_NOT_ONLINE
    if not contact_number:
        errors["contactNumber"] = MSG_ONLINE_NEEDS_CONTACT
    if not call_preference:
        errors["callPreference"] = MSG_ONLINE_NEEDS_CALL_PREFERENCE
    return errors


def _in_clinic_errors(*, doctor: Doctor | None, clinic_id: str | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if doctor is not None and not doctor.available_offline:
        errors["appointmentType"] = MSG_DOCTOR_NOT_IN_CLINIC
    if not clinic_id:
        errors["clinicId"] = MSG_IN_CLINIC_NEEDS_CLINIC
    elif doctor is not None and doctor.clinic(clinic_id) is None:
        errors["clinicId"] = MSG_NOT_DOCTORS_CLINIC
    return errors


def _check_request(
    *,
    doctor: Doctor | None,
    appointment_type: str,
    appointment_date: str,
    time_slot: str,
    clinic_id: str | None,
    contact_number: str | None,
    call_preference: str | None,
    min_notice: bool = True,
) -> Doctor:
    """Every 400 rule that needs no schedule (the minimum notice too, unless `min_notice` is off: staff and
    doctors moving a visit are held to the future only); all failures reported at once. Returns the (known)
    doctor."""
    errors = _when_errors(appointment_date=appointment_date, time_slot=time_slot, doctor=doctor)
    if doctor is None:
        errors["doctorId"] = MSG_UNKNOWN_DOCTOR
    elif (
        min_notice
        and not errors
        and (notice := booking_notice_error(doctor=doctor, appointment_date=appointment_date, time_slot=time_slot))
    ):
        errors["timeSlot"] = notice
    if appointment_type == AppointmentType.ONLINE:
        errors.update(_online_errors(doctor=doctor, contact_number=contact_number, call_preference=call_preference))
    else:
        errors.update(_in_clinic_errors(doctor=doctor, clinic_id=clinic_id))
    if contact_number and not CONTACT_NUMBER.match(contact_number):
        errors["contactNumber"] = MSG_CONTACT_NUMBER
    if errors or doctor is None:  # an unknown doctor is always among the errors
        raise BookingInvalid.from_errors(errors)
    return doctor


def _offered_time(
    *,
    doctor: Doctor,
    appointment_type: str,
    day: date,
    time_slot: str,
    clinic_id: str | None,
    min_notice: bool = True,
) -> BookableTime:
    """The time as availability offers it (its slot, fee and `maxPatients`), or a 400 saying there is none."""
    offered = slot_offered(
        doctor=doctor,
        day=day,
        time_slot=time_slot,
        consultation_type=appointment_type,
        clinic_id=clinic_id,
        min_notice=min_notice,
    )
    if offered is not None:
        return offered
    _raise_if_time_off(
        doctor=doctor, day=day, time_slot=time_slot, appointment_type=appointment_type, clinic_id=clinic_id
    )
    at_clinic = f" at {clinic_id}" if clinic_id else ""
    raise BookingInvalid.from_errors(
        {
            "timeSlot": MSG_TIME_NOT_OFFERED.format(
                type=appointment_type, time=time_slot, date=day.isoformat(), at_clinic=at_clinic
            )
        }
    )


def _raise_if_time_off(
    *,
    doctor: Doctor,
    day: date,
    time_slot: str,
    appointment_type: str,
    clinic_id: str | None,
    exceptions: list[ScheduleException] | None = None,
) -> None:
    """Refuse (BookingInvalid, 400) a time inside the doctor's time off, naming it. Reads the day's
    exceptions unless given."""
    if exceptions is None:
        exceptions = schedule_exceptions(doctor_ids=[doctor.doctor_id], start=day, end=day)
    covering = time_off_covering(
        exceptions, day=day, time_slot=time_slot, appointment_type=appointment_type, clinic_id=clinic_id
    )
    if covering is not None:
        field, message = time_off_message(doctor=doctor, time_off=covering, day=day)
        raise BookingInvalid.from_errors({field: message})


def time_off_recheck(*, appointment: Appointment) -> None:
    """After a place was taken: undo it if a time off covering it was saved meanwhile.

    Availability was checked before the insert; a time off saved between that check and the insert would
    otherwise leave a new booking inside it. Its service writes the time off first and reads the appointments
    after, so whichever order the writes take, this re-read or the time off's own sees the other
    (docs/decisions/0036-time-off-write-order.md). The undone place is freed by the system (one guarded
    update) and the refusal names the time off. One query.

    A time off that read this booking before it was saved and keeps it (`keptAppointmentIds`) leaves it alone:
    undoing it would cancel an appointment the doctor chose to keep.
    """
    day = date.fromisoformat(appointment.appointment_date)
    exceptions = schedule_exceptions(doctor_ids=[appointment.doctor_id], start=day, end=day)
    covering = _time_off_against_appointment(exceptions, appointment, day=day)
    if covering is None:
        return
    _undo_by_system(appointment, reason=MSG_UNDONE_TIME_OFF)
    field, message = time_off_message(doctor=appointment.doctor, time_off=covering, day=day)
    raise BookingInvalid.from_errors({field: message})


def _undo_by_system(appointment: Appointment, *, reason: str) -> None:
    """Free the place a racing booking just took, as a cancel by the system with `reason` (one guarded update)."""
    now = clock.now()
    place_free(
        appointment=appointment,
        allowed_from=CANCELLABLE,
        changes={"updatedAt": now, "cancelledAt": now, "cancelledBy": Actor.SYSTEM.value, "cancellationReason": reason},
    )


def extra_hours_recheck(*, appointment: Appointment, extra_id: ObjectId) -> None:
    """After a place was taken on the extra hours `extra_id`: undo it (freed by the system, one guarded
    update) and refuse (409) if they were closed for removal or removed meanwhile. Their removal closes them
    first and looks for appointments after, so whichever write comes first, this re-read or the removal's sees
    the other (docs/decisions/0069-extra-hours-removal-closes-first.md). One query."""
    offered = ScheduleException.objects.filter(pk=extra_id, closing_at=None).exists()
    if offered:
        return
    _undo_by_system(appointment, reason=MSG_UNDONE_EXTRA_HOURS)
    raise Conflict(MSG_EXTRA_HOURS_REMOVED)


def _clinic_name_and_address(doctor: Doctor, clinic_id: str) -> tuple[str, str]:
    entry = doctor.clinic(clinic_id)
    if entry is not None and entry.name and entry.address:
        return entry.name, entry.address
    clinic = Clinic.objects.get(clinic_id=clinic_id)
    return clinic.name, clinic.address


def appointment_number_for(day: date) -> str:
    """`APT` + booking date + that day's sequence, e.g. APT20250928001.

    See docs/decisions/0016-seed-silence-6-identifiers.md.
    """
    stamp = day.strftime("%Y%m%d")
    return f"APT{stamp}{next_sequence(f'appointmentNumber:{stamp}'):03d}"


def _new_appointment_id() -> str:
    return APPOINTMENT_ID_PREFIX + secrets.token_hex(8).upper()


def _insert(*, capacity: int, **fields: Any) -> Appointment:
    """Take a place with a fresh random appointmentId; a (vanishingly rare) duplicate id just draws again."""
    for attempt in range(ID_ATTEMPTS):
        try:
            return place_take(
                appointment=Appointment(appointment_id=_new_appointment_id(), **fields), capacity=capacity
            )
        except IntegrityError:
            if attempt == ID_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def appointment_book(
    *,
    user: Any,
    doctor_id: str,
    appointment_type: str,
    appointment_date: str,
    time_slot: str,
    clinic_id: str | None = None,
    contact_number: str | None = None,
    call_preference: str | None = None,
) -> Appointment:
    """Book one place at a time the doctor's availability offers.

    Raises BookingInvalid (400, keyed by the API's JSON field names) for anything the request gets wrong
    and SlotTaken (409) when the time is full or the member already holds it (places.place_take).
    """
    online = appointment_type == AppointmentType.ONLINE
    doctor = _check_request(
        doctor=Doctor.objects.filter(doctor_id=doctor_id, is_active=True).first(),
        appointment_type=appointment_type,
        appointment_date=appointment_date,
        time_slot=time_slot,
        clinic_id=clinic_id,
        contact_number=contact_number,
        call_preference=call_preference,
    )
    day = date.fromisoformat(appointment_date)
    offered = _offered_time(
        doctor=doctor, appointment_type=appointment_type, day=day, time_slot=time_slot, clinic_id=clinic_id
    )
    appointment = _insert(
        capacity=offered.max_patients,
        **_appointment_fields(
            user=user,
            doctor=doctor,
            offered=offered,
            appointment_type=appointment_type,
            appointment_date=appointment_date,
            time_slot=time_slot,
            clinic_id=None if online else clinic_id,
            contact_number=contact_number,
            call_preference=call_preference if online else None,
        ),
    )
    time_off_recheck(appointment=appointment)
    if offered.from_extra_hours:
        extra_hours_recheck(appointment=appointment, extra_id=offered.slot_id)
    appointment_event_emit(AppointmentEvent.BOOKED, appointment=appointment, by=Actor.MEMBER)
    return appointment


def _appointment_fields(
    *,
    user: Any,
    doctor: Doctor,
    offered: BookableTime,
    appointment_type: str,
    appointment_date: str,
    time_slot: str,
    clinic_id: str | None,
    contact_number: str | None,
    call_preference: str | None,
) -> dict[str, Any]:
    """The document's fields: denormalised names, fee (§4), status and payment (§5)."""
    now = clock.now()
    confirmed = _books_confirmed(doctor)
    clinic_name, clinic_address = _clinic_name_and_address(doctor, clinic_id) if clinic_id else (None, None)
    fee = offered.consultation_fee
    return {
        "appointment_number": appointment_number_for(timezone.localtime(now).date()),
        "user": user,
        "patient_name": user.name,
        "patient_id": user.member_id,
        "doctor": doctor,
        "slot_id": offered.slot_id,
        "doctor_name": doctor.name,
        "specialty": doctor.specialty,
        "clinic_id": clinic_id,
        "clinic_name": clinic_name,
        "clinic_address": clinic_address,
        "appointment_type": appointment_type,
        "appointment_date": appointment_date,
        "time_slot": time_slot,
        "consultation_fee": fee,
        "status": AppointmentStatus.CONFIRMED if confirmed else AppointmentStatus.PENDING_CONFIRMATION,
        "requested_at": now,
        "confirmed_at": now if confirmed else None,
        "payment_status": PaymentStatus.FREE if fee == 0 else PaymentStatus.PENDING,
        "amount_paid": 0,
        "contact_number": contact_number or None,
        "call_preference": call_preference or None,
    }


# --- what a member may still change, and cancelling -------------------------------------------------------


def appointment_member_change_check(*, appointment: Appointment, change: str = MEMBER_CANCEL) -> None:
    """May the member still cancel or reschedule (`change`) their appointment: PENDING_CONFIRMATION or
    CONFIRMED, not begun, and the current minute at or before the doctor's cut-off (`memberChangeCutoffMinutes`,
    else MEMBER_CHANGE_CUTOFF_MINUTES) before its start. The ONE rule for both. Raises TransitionRefused (409)
    naming the reason or the limit. "At the limit" is allowed: with a 2-hour cut-off a 10:00 AM visit can be
    changed until 08:00:59 (docs/booking.md#notice-rules)."""
    if appointment.status not in CANCELLABLE:
        raise TransitionRefused(MSG_CANNOT_CANCEL if change == MEMBER_CANCEL else MSG_CANNOT_RESCHEDULE)
    try:
        starts_at = appointment_starts_at(
            appointment_date=appointment.appointment_date, time_slot=appointment.time_slot
        )
    except ValueError:
        starts_at = None  # a legacy time we cannot read: fall back to the date alone
    if (starts_at is not None and starts_at <= clock.now()) or (
        starts_at is None and appointment.appointment_date < clock.local_today().isoformat()
    ):
        raise TransitionRefused(MSG_MEMBER_CHANGE_STARTED.format(change=change))
    if starts_at is None:
        return
    rules = notice_rules(appointment.doctor)
    if current_minute() > member_change_deadline(rules, starts_at):
        raise TransitionRefused(MSG_MEMBER_CHANGE_CUTOFF.format(cutoff=duration_text(rules.change_cutoff_minutes)))


def appointment_cancel_by_member(*, appointment: Appointment, reason: str = "") -> Appointment:
    """The member cancels their own PENDING_CONFIRMATION or CONFIRMED appointment before its time, or at once
    (whatever the time) when the doctor did not open an ONLINE visit's video room: the reason recorded is then
    MSG_DOCTOR_DID_NOT_JOIN (docs/booking.md#a-doctor-who-does-not-show).

    Raises TransitionRefused (409) otherwise. The caller has already checked the appointment is theirs.
    """
    if appointment_doctor_late(appointment):
        return _cancel_doctor_late(appointment)
    appointment_member_change_check(appointment=appointment, change=MEMBER_CANCEL)
    return appointment_cancel(appointment=appointment, by=Actor.MEMBER, reason=reason)


def _cancel_doctor_late(appointment: Appointment) -> Appointment:
    """Cancel, guarded by what made the doctor late: still CONFIRMED at that time, the room still unopened."""
    try:
        return appointment_cancel(
            appointment=appointment,
            by=Actor.MEMBER,
            reason=MSG_DOCTOR_DID_NOT_JOIN,
            allowed_from=(AppointmentStatus.CONFIRMED,),
            expected={
                "appointmentDate": appointment.appointment_date,
                "timeSlot": appointment.time_slot,
                "videoOpenedAt": None,
            },
            doctor_no_show=True,
        )
    except TransitionRefused:
        appointment.refresh_from_db()  # the doctor opened the room, or it changed: the usual rule decides
        appointment_member_change_check(appointment=appointment, change=MEMBER_CANCEL)
        raise


# --- reschedule (docs/decisions/0039-reschedule-in-one-update.md) ------------------------------------------


def _books_confirmed(doctor: Doctor) -> bool:
    """Whether this doctor's bookings are CONFIRMED at once (else PENDING_CONFIRMATION until confirmed)."""
    return bool(doctor.allow_direct_booking and not doctor.requires_confirmation)


def _rescheduled_status(*, appointment: Appointment, doctor: Doctor, by: str) -> dict[str, Any]:
    """Status fields of the move: a CONFIRMED appointment its MEMBER moves goes back to PENDING_CONFIRMATION
    when the doctor confirms bookings; a request still pending after a move is a new request (its expiry
    counts from now)."""
    now = clock.now()
    back_to_pending = (
        appointment.status == AppointmentStatus.CONFIRMED and by == Actor.MEMBER and not _books_confirmed(doctor)
    )
    if back_to_pending:
        return {"status": AppointmentStatus.PENDING_CONFIRMATION.value, "requestedAt": now, "confirmedAt": None}
    if appointment.status == AppointmentStatus.PENDING_CONFIRMATION:
        return {"requestedAt": now}
    return {}


def _rescheduled_fee(*, appointment: Appointment, offered: BookableTime) -> tuple[dict[str, Any], dict[str, Any]]:
    """(changes, expected) for the fee: it follows the new time's offer while nothing is paid (guarded by the
    payment read); once paid it stays what was paid for."""
    if appointment.payment_status == PaymentStatus.PAID or appointment.amount_paid:
        return {}, {}
    fee = offered.consultation_fee
    changes = {"consultationFee": fee, "paymentStatus": PaymentStatus.FREE if fee == 0 else PaymentStatus.PENDING}
    return changes, {"paymentStatus": appointment.payment_status, "amountPaid": appointment.amount_paid}


def appointment_reschedule(
    *,
    appointment: Appointment,
    appointment_date: str,
    time_slot: str,
    clinic_id: str | None = None,
    appointment_type: str | None = None,
    contact_number: str | None = None,
    call_preference: str | None = None,
    by: str,
) -> Appointment:
    """Move a PENDING_CONFIRMATION or CONFIRMED appointment to another time of its doctor (and another type or
    clinic), keeping its `_id`, `appointmentId` and `appointmentNumber`. `by` is a models.Actor value: a
    MEMBER only while `appointment_member_change_check` allows.

    The same rules and messages as booking (400, BookingInvalid); type, clinic, contact number and call
    preference default to the appointment's own. Then ONE guarded update (places.place_move) takes the new
    place and frees the old one, recording `rescheduledFrom/At/By` and `rescheduleCount`: SlotTaken (409) when
    the new time is full, MoveRefused (409) when the appointment changed meanwhile; either way nothing is
    written and the appointment keeps its place.
    """
    if appointment.status not in CANCELLABLE:
        raise TransitionRefused(MSG_CANNOT_RESCHEDULE)
    if by == Actor.MEMBER:
        appointment_member_change_check(appointment=appointment, change=MEMBER_RESCHEDULE)
    new_type = appointment_type or appointment.appointment_type
    online = new_type == AppointmentType.ONLINE
    if not online and clinic_id is None and appointment.appointment_type == AppointmentType.IN_CLINIC:
        clinic_id = appointment.clinic_id
    contact_number = contact_number or appointment.contact_number
    call_preference = call_preference or appointment.call_preference
    where = (appointment_date, time_slot, new_type, None if online else clinic_id)
    if where == (
        appointment.appointment_date,
        appointment.time_slot,
        appointment.appointment_type,
        appointment.clinic_id,
    ):
        raise MoveRefused(MSG_MOVE_SAME_TIME)
    doctor = _check_request(
        doctor=Doctor.objects.filter(doctor_id=appointment.doctor_id, is_active=True).first(),
        appointment_type=new_type,
        appointment_date=appointment_date,
        time_slot=time_slot,
        clinic_id=clinic_id,
        contact_number=contact_number,
        call_preference=call_preference,
        min_notice=by == Actor.MEMBER,
    )
    new_clinic = None if online else clinic_id
    offered = _offered_time(
        doctor=doctor,
        appointment_type=new_type,
        day=date.fromisoformat(appointment_date),
        time_slot=time_slot,
        clinic_id=new_clinic,
        min_notice=by == Actor.MEMBER,  # staff and doctors are held to the future only
    )
    fee_changes, fee_expected = _rescheduled_fee(appointment=appointment, offered=offered)
    clinic_name, clinic_address = _clinic_name_and_address(doctor, new_clinic) if new_clinic else (None, None)
    origin = RescheduledFrom(
        appointment_date=appointment.appointment_date,
        time_slot=appointment.time_slot,
        clinic_id=appointment.clinic_id,
        appointment_type=appointment.appointment_type,
    )
    changes = {
        "slotId": offered.slot_id,
        "appointmentType": new_type,
        "clinicId": new_clinic,
        "clinicName": clinic_name,
        "clinicAddress": clinic_address,
        "contactNumber": contact_number,
        "callPreference": call_preference if online else None,
        **fee_changes,
        **_rescheduled_status(appointment=appointment, doctor=doctor, by=by),
        "rescheduledFrom": _embedded(origin),
        "rescheduledAt": clock.now(),
        "rescheduledBy": by,
        "rescheduleCount": (appointment.reschedule_count or 0) + 1,
    }
    undo = _Undo.of(appointment, columns=[*changes, "videoOpenedAt"])
    place_move(
        appointment=appointment,
        allowed_from=(appointment.status,),
        appointment_date=appointment_date,
        time_slot=time_slot,
        capacity=offered.max_patients,
        changes=changes,
        removals=("videoOpenedAt",),
        expected={
            "appointmentType": appointment.appointment_type,
            "clinicId": appointment.clinic_id,
            "rescheduleCount": appointment.reschedule_count,
            **fee_expected,
        },
    )
    appointment.refresh_from_db()
    _reschedule_time_off_recheck(moved=appointment, undo=undo)
    if offered.from_extra_hours:
        _reschedule_extra_hours_recheck(moved=appointment, undo=undo, extra_id=offered.slot_id)
    appointment_event_emit(
        AppointmentEvent.RESCHEDULED,
        appointment=appointment,
        by=by,
        from_date=origin.appointment_date,
        from_time_slot=origin.time_slot,
        from_clinic_id=origin.clinic_id,
        from_appointment_type=origin.appointment_type,
    )
    return appointment


# --- a reschedule racing a time off (docs/decisions/0037-reschedule-racing-time-off.md) -------------------


@dataclass(frozen=True)
class _Undo:
    """How to put a moved appointment back as it was: its old date, time and place number, and its old values
    of the columns the move wrote (`values` to set, `absent` to unset: our fields stored only once set)."""

    appointment_date: str
    time_slot: str
    appointment_type: str
    clinic_id: str | None
    place_number: int | None
    values: dict[str, Any]
    absent: tuple[str, ...]

    @classmethod
    def of(cls, appointment: Appointment, *, columns: Iterable[str]) -> "_Undo":
        fields = {str(field.column): field for field in Appointment._meta.concrete_fields}
        values: dict[str, Any] = {}
        absent: list[str] = []
        for column in columns:
            field = fields[column]
            value = field.get_db_prep_save(getattr(appointment, field.attname), connection=connection)
            if value is None and field.attname in OMITTED_WHEN_NULL:
                absent.append(column)
            else:
                values[column] = value
        return cls(
            appointment_date=appointment.appointment_date,
            time_slot=appointment.time_slot,
            appointment_type=appointment.appointment_type,
            clinic_id=appointment.clinic_id,
            place_number=appointment.place_number,
            values=values,
            absent=tuple(absent),
        )


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return None  # a legacy date we cannot read


def _time_off_against_appointment(
    exceptions: list[ScheduleException], appointment: Appointment, *, day: date | None
) -> ScheduleException | None:
    """`_time_off_against` for the appointment's own time, type and clinic on `day`."""
    return _time_off_against(
        exceptions,
        appointment_id=appointment.pk,
        day=day,
        time_slot=appointment.time_slot,
        appointment_type=appointment.appointment_type,
        clinic_id=appointment.clinic_id,
    )


def _time_off_against(
    exceptions: list[ScheduleException],
    *,
    appointment_id: Any,
    day: date | None,
    time_slot: str,
    appointment_type: str,
    clinic_id: str | None,
) -> ScheduleException | None:
    """The first time off among `exceptions` covering this time that does not keep the appointment, or None:
    the audit's invariant (appointments/integrity.py, `appointments.time_off`)."""
    if day is None:
        return None
    not_keeping = [e for e in exceptions if appointment_id not in (e.kept_appointment_ids or [])]
    return time_off_covering(
        not_keeping, day=day, time_slot=time_slot, appointment_type=appointment_type, clinic_id=clinic_id
    )


def _reschedule_time_off_recheck(*, moved: Appointment, undo: _Undo) -> None:
    """After the move: undo it if a time off saved meanwhile covers the new time (and does not keep it).

    The same pattern as a booking's `time_off_recheck` (docs/decisions/0036): the time off writes itself
    first and reads the appointments after, the move writes first and reads the time off after, so one of the
    two re-reads sees the other. The undo moves it back to exactly the place it left (`_move_back`), unless
    that place was taken meanwhile, or its old time is now inside a time off that does not keep it, or it had
    no place number (written by the existing system): then it is cancelled by the system. One query (the
    time off of both dates) when nothing is covered.
    """
    new_day, old_day = _day(moved.appointment_date), _day(undo.appointment_date)
    if new_day is None:
        return  # not a date booking's checks let through: nothing to re-check
    days = [new_day] if old_day is None else [new_day, old_day]
    exceptions = schedule_exceptions(doctor_ids=[moved.doctor_id], start=min(days), end=max(days))
    covering = _time_off_against_appointment(exceptions, moved, day=new_day)
    if covering is None:
        return
    field, message = time_off_message(doctor=moved.doctor, time_off=covering, day=new_day)
    old_time_off = _time_off_against(
        exceptions,
        appointment_id=moved.pk,
        day=old_day,
        time_slot=undo.time_slot,
        appointment_type=undo.appointment_type,
        clinic_id=undo.clinic_id,
    )
    if old_time_off is None and undo.place_number is not None and _move_back(moved=moved, undo=undo):
        raise BookingInvalid.from_errors({field: message})
    _cancel_inside_time_off(moved)


def _move_back(*, moved: Appointment, undo: _Undo) -> bool:
    """Put the moved appointment back as it was, in the place it left: ONE update (places.place_move) guarded
    by the move it undoes (still live, at the new time, with the move's `rescheduleCount`). True when it is back
    and no time off saved since the first re-read covers its old time (one more query); False when its place
    was taken meanwhile (nothing written) or such a time off covers it (it is back, the caller cancels it)."""
    try:
        place_move(
            appointment=moved,
            allowed_from=CANCELLABLE,
            appointment_date=undo.appointment_date,
            time_slot=undo.time_slot,
            capacity=undo.place_number or 0,
            place_number=undo.place_number,
            changes=undo.values,
            removals=undo.absent,
            expected={"rescheduleCount": moved.reschedule_count},
        )
    except SlotTaken:
        return False
    except MoveRefused:
        _raise_changed_meanwhile(moved)
    moved.refresh_from_db()
    day = _day(moved.appointment_date)
    exceptions = schedule_exceptions(doctor_ids=[moved.doctor_id], start=day, end=day) if day else []
    return _time_off_against_appointment(exceptions, moved, day=day) is None


def _reschedule_extra_hours_recheck(*, moved: Appointment, undo: _Undo, extra_id: ObjectId) -> None:
    """After a move onto extra hours: if they were closed for removal meanwhile (the removal closes first and
    looks for appointments after: docs/decisions/0069), put the appointment back where it was (409
    MSG_EXTRA_HOURS_REMOVED), or, when that place is gone, cancel it by the system (RescheduleCancelled). One
    query when they are still offered."""
    if ScheduleException.objects.filter(pk=extra_id, closing_at=None).exists():
        return
    if undo.place_number is not None and _move_back(moved=moved, undo=undo):
        raise Conflict(MSG_EXTRA_HOURS_REMOVED)
    moved.refresh_from_db()
    _cancel_inside_time_off(
        moved, reason=MSG_REASON_MOVED_INTO_REMOVED_HOURS, message=MSG_RESCHEDULE_UNDONE_REMOVED_HOURS
    )


def _cancel_inside_time_off(
    appointment: Appointment,
    *,
    reason: str = MSG_REASON_MOVED_INTO_TIME_OFF,
    message: str = MSG_RESCHEDULE_UNDONE_CANCELLED,
) -> NoReturn:
    """Cancel the appointment where it stands, by the system, guarded by where it stands and its
    `rescheduleCount`; tell the caller (RescheduleCancelled, 409)."""
    try:
        appointment_cancel(
            appointment=appointment,
            by=Actor.SYSTEM,
            reason=reason,
            expected={
                "appointmentDate": appointment.appointment_date,
                "timeSlot": appointment.time_slot,
                "rescheduleCount": appointment.reschedule_count,
            },
        )
    except TransitionRefused:
        _raise_changed_meanwhile(appointment)
    raise RescheduleCancelled(message)


def _raise_changed_meanwhile(appointment: Appointment) -> NoReturn:
    """The undo's guard failed: cancelled meanwhile (the time off's own cancels did it) is RescheduleCancelled;
    anything else (moved again, completed) is MoveRefused, and whoever changed it answers for it."""
    appointment.refresh_from_db()
    if appointment.status == AppointmentStatus.CANCELLED:
        raise RescheduleCancelled(MSG_RESCHEDULE_UNDONE_CANCELLED)
    raise MoveRefused(MSG_MOVE_CHANGED)


def _embedded(origin: RescheduledFrom) -> dict[str, Any]:
    """The embedded document as the model field stores it: its fields by column."""
    return {str(field.column): getattr(origin, field.attname) for field in RescheduledFrom._meta.concrete_fields}
