"""Time off and extra hours, with what happens to the appointments a time off covers: the one place the doctor
API, the portal and the admin record them (docs/decisions/0035-schedule-exceptions.md, 0036).

The record's own rules and writes are doctors' (doctors/schedule/exceptions.py); cancelling needs the
appointments, so the orchestration lives here, downstream.

Adding time off, in this order:
1. check it (400) and read the live (PENDING_CONFIRMATION, CONFIRMED) appointments it covers;
2. none, or a decision for each of them (`affected` keep/cancel for all, or `choices` one by one): else
   refuse with TimeOffAffects (409) listing them, and save nothing;
3. insert the time off FIRST, with the ids kept and the ids to cancel: from here availability and booking
   refuse its times;
4. read the covered appointments again and cancel every one not kept (`appointment_cancel`, one guarded
   update each, by the doctor or staff with the time off's reason; one booked meanwhile, which the doctor
   never saw, by the system). A crash between 3 and 4 leaves a time off whose work is unfinished: the same
   request again finds the stored record and finishes it, and `manage.py audit_integrity --repair` does too.
A booking racing step 3 re-reads the time off after taking its place and undoes itself
(booking.time_off_recheck); whichever write comes first, one of the two re-reads sees the other.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from bson import ObjectId

from appointments.models import Actor, Appointment
from appointments.selectors import LIVE, time_off_covering
from appointments.services.workflow import TransitionRefused, appointment_cancel
from core.errors import Conflict, Invalid
from core.validators import minutes_12h
from doctors.models import AffectedDecision, CreatedBy, Doctor, ScheduleException, ScheduleExceptionKind
from doctors.schedule.exceptions import (
    extra_hours_check,
    extra_hours_close,
    extra_hours_insert,
    extra_hours_reopen,
    schedule_exception_delete,
    time_off_check,
    time_off_insert,
)
from doctors.schedule.services import schedule_lock

MSG_AFFECTED = (
    "{count} booked appointment(s) fall inside this time off. Choose to keep them or cancel them"
    ' ("affectedAppointments": "keep" or "cancel"); nothing was saved.'
)
MSG_BAD_DECISION = 'Choose "keep" or "cancel".'
MSG_EXTRA_HOURS_HAVE_APPOINTMENTS = (
    "These extra hours have upcoming appointments. Cancel those appointments first, or keep the hours."
)
TIME_OFF_LOCK = "time-off"  # the schedule lock's key beside the weekdays' (doctors/schedule/services.py)
KEEP, CANCEL = AffectedDecision.KEEP.value, AffectedDecision.CANCEL.value
DECISIONS = (KEEP, CANCEL)


def affected_summary(appointment: Appointment) -> dict[str, Any]:
    """How a covered appointment is listed in the refusal (the seed's names; no medical content)."""
    return {
        "_id": str(appointment.pk),
        "appointmentId": appointment.appointment_id,
        "appointmentNumber": appointment.appointment_number,
        "patientName": appointment.patient_name,
        "appointmentType": appointment.appointment_type,
        "clinicId": appointment.clinic_id,
        "appointmentDate": appointment.appointment_date,
        "timeSlot": appointment.time_slot,
        "status": appointment.status,
    }


class TimeOffAffects(Conflict):
    """409: live appointments fall inside the time off and no decision was given; nothing saved.
    `appointments` lists them (and the API answers them under "appointments")."""

    def __init__(self, appointments: list[Appointment]) -> None:
        self.appointments = appointments
        super().__init__(
            MSG_AFFECTED.format(count=len(appointments)),
            data={"appointments": [affected_summary(a) for a in appointments]},
        )


class DecisionInvalid(Invalid):
    """400: `affectedAppointments` (or a choice for one appointment) is neither keep nor cancel."""


def _days(time_off: ScheduleException) -> list[str]:
    first, last = date.fromisoformat(time_off.start_date), date.fromisoformat(time_off.end_date)
    return [(first + timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]


def time_off_affected(*, time_off: ScheduleException) -> list[Appointment]:
    """The live appointments the time off covers, by date and time. One query on {doctorId, appointmentDate}
    (the days listed; the status compared here: index-friendly shape, mongo/README.md)."""
    rows = Appointment.objects.filter(doctor_id=time_off.doctor_id, appointment_date__in=_days(time_off))
    covered = [
        a
        for a in rows
        if a.status in LIVE
        and time_off_covering(
            [time_off],
            day=date.fromisoformat(a.appointment_date),
            time_slot=a.time_slot,
            appointment_type=a.appointment_type,
            clinic_id=a.clinic_id,
        )
    ]
    return sorted(covered, key=lambda a: (a.appointment_date, _minute(a.time_slot), a.appointment_id))


def _minute(time_slot: str) -> int:
    try:
        return minutes_12h(time_slot)
    except ValueError:
        return 0


def _split(
    found: list[Appointment], *, affected: str | None, choices: Mapping[str, str] | None
) -> tuple[str | None, list[ObjectId], list[ObjectId]]:
    """(decision, kept ids, ids to cancel) for the appointments found, or TimeOffAffects when one lacks a
    decision (none given, or one booked since the list the choices were made on)."""
    if not found:
        return None, [], []
    if affected is not None:
        if affected not in DECISIONS:
            raise DecisionInvalid(MSG_BAD_DECISION, errors={"affectedAppointments": [MSG_BAD_DECISION]})
        ids = [a.pk for a in found]
        return (affected, ids, []) if affected == KEEP else (affected, [], ids)
    if not choices or any(str(a.pk) not in choices for a in found):
        raise TimeOffAffects(found)
    if any(choices[str(a.pk)] not in DECISIONS for a in found):
        raise DecisionInvalid(MSG_BAD_DECISION, errors={"affectedAppointments": [MSG_BAD_DECISION]})
    kept = [a.pk for a in found if choices[str(a.pk)] == KEEP]
    cancelled = [a.pk for a in found if choices[str(a.pk)] == CANCEL]
    return AffectedDecision.EACH.value, kept, cancelled


def _same_time_off(time_off: ScheduleException) -> ScheduleException | None:
    """A stored time off identical to this one (a request repeated, e.g. after a crash), or None."""
    return ScheduleException.objects.filter(
        doctor_id=time_off.doctor_id,
        kind=ScheduleExceptionKind.TIME_OFF,
        end_date=time_off.end_date,
        start_date=time_off.start_date,
        start_time=time_off.start_time,
        end_time=time_off.end_time,
        clinic_id=time_off.clinic_id,
        reason=time_off.reason,
    ).first()


@dataclass(frozen=True)
class Actorship:
    """Who records the change: the actor appointments record on a cancel, and the id stored on the record."""

    actor: str  # Actor.DOCTOR or Actor.STAFF
    id: str


def time_off_add(
    *,
    doctor: Doctor,
    by: Actorship,
    start_date: str,
    end_date: str,
    reason: str,
    start_time: str | None = None,
    end_time: str | None = None,
    clinic_id: str | None = None,
    affected: str | None = None,
    choices: Mapping[str, str] | None = None,
) -> ScheduleException:
    """Record time off (the write order is this module's docstring). Raises ExceptionInvalid (400),
    DecisionInvalid (400) or TimeOffAffects (409, nothing saved). Returns the stored record, its
    covered appointments kept or cancelled as decided."""
    time_off = time_off_check(
        doctor=doctor,
        start_date=start_date,
        end_date=end_date,
        reason=reason,
        start_time=start_time,
        end_time=end_time,
        clinic_id=clinic_id,
    )
    # Under the doctor's time-off lock, so a double submit finds the first one's record instead of adding its twin.
    with schedule_lock(doctor_id=doctor.doctor_id, day=TIME_OFF_LOCK):
        stored = _same_time_off(time_off)
        if stored is None:
            found = time_off_affected(time_off=time_off)
            decision, kept, cancelled = _split(found, affected=affected, choices=choices)
            stored = time_off_insert(
                time_off=time_off,
                created_by_role=CreatedBy(by.actor),
                created_by_id=by.id,
                decision=decision,
                kept_ids=kept,
                cancelled_ids=cancelled,
            )
    stored.doctor = doctor
    time_off_finish(time_off=stored, by=by.actor)
    return stored


def time_off_finish(*, time_off: ScheduleException, by: str) -> list[Appointment]:
    """Cancel every live appointment the stored time off covers that it does not keep: those chosen by `by`,
    any other (booked while it was being saved, or left by a crash) by the system. Idempotent: a cancel is
    one guarded update, and one already done is skipped. Each cancel is guarded by the date, time and
    reschedule count read: one moved out of the time off meanwhile is left alone (one moved to another time
    inside it is undone by its own re-check: booking._reschedule_time_off_recheck). Returns those cancelled now."""
    kept = set(time_off.kept_appointment_ids or [])
    chosen = set(time_off.cancelled_appointment_ids or [])
    done: list[Appointment] = []
    for appointment in time_off_affected(time_off=time_off):
        if appointment.pk in kept:
            continue
        actor = by if appointment.pk in chosen else Actor.SYSTEM
        try:
            done.append(
                appointment_cancel(
                    appointment=appointment,
                    by=actor,
                    reason=time_off.reason,
                    expected={
                        "appointmentDate": appointment.appointment_date,
                        "timeSlot": appointment.time_slot,
                        "rescheduleCount": appointment.reschedule_count,
                    },
                )
            )
        except TransitionRefused:
            continue  # cancelled, completed or moved meanwhile: nothing left to do for it here
    return done


def time_off_delete(*, time_off: ScheduleException) -> None:
    """Remove a time off: its times are offered again. Appointments it cancelled stay cancelled."""
    schedule_exception_delete(exception=time_off)


def extra_hours_add(*, doctor: Doctor, by: Actorship, **fields: Any) -> ScheduleException:
    """Add one-off hours on a date (doctors/schedule/exceptions.py: extra_hours_check has the rules)."""
    extra = extra_hours_check(doctor=doctor, **fields)
    return extra_hours_insert(extra=extra, created_by_role=CreatedBy(by.actor), created_by_id=by.id)


def extra_hours_delete(*, extra: ScheduleException) -> None:
    """Remove extra hours; refused (409) while they hold live appointments, as a weekly slot's removal is.

    Close them first (no longer offered), then look for appointments, then delete: a booking racing this takes
    its place and then re-reads them (booking.extra_hours_recheck), so one of the two sees the other
    (docs/decisions/0069-extra-hours-removal-closes-first.md). A crash after closing leaves them closed, not
    offered: removing them again finishes."""
    extra_hours_close(extra=extra)
    if Appointment.objects.filter(doctor_id=extra.doctor_id, slot_id=extra.pk, status__in=LIVE).exists():
        extra_hours_reopen(extra=extra)
        raise Conflict(MSG_EXTRA_HOURS_HAVE_APPOINTMENTS)
    schedule_exception_delete(exception=extra)
