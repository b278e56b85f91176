"""Writes on a doctor's one-off changes (`doctor_schedule_exceptions`): time off and extra hours.

Check, then do: `time_off_check` and `extra_hours_check` state every rule and return the record unsaved,
or raise (400 keyed by model attribute, 409 for an overlap). The writes assume checked input. What happens
to the appointments a time off covers is decided downstream (appointments/services/time_off.py: doctors
never imports appointments); the decisions are docs/decisions/0035 and 0036.
"""

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from bson import ObjectId
from django.conf import settings
from django.core.exceptions import ValidationError

from core import clock
from core.errors import Conflict, Invalid
from core.validators import DAYS_OF_WEEK, minutes_12h, validate_date, validate_time_12h
from doctors.discovery.availability import doctor_availability_changed
from doctors.models import (
    CreatedBy,
    Doctor,
    DoctorSlot,
    ScheduleException,
    ScheduleExceptionKind,
)
from doctors.schedule.services import MSG_NOT_YOUR_CLINIC, schedule_lock, slot_check

MSG_REASON_REQUIRED = "Give a reason, e.g. Conference or Annual leave."
MSG_REASON_TOO_LONG = "A reason has at most {limit} characters."
MSG_DATE_PAST = "Choose today or a later date."
MSG_END_DATE_BEFORE_START = "The end date must be on or after the start date."
MSG_RANGE_TOO_LONG = "One time off covers at most {days} days; add another for the rest."
MSG_TIMES_BOTH = "Give both a start and an end time, or neither for whole days."
MSG_END_TIME_AFTER_START = "The end time must be after the start time."
MSG_EXTRA_DATE_TOO_FAR = "Extra hours can be added at most {days} days ahead."
MSG_EXTRA_HOURS_OVERLAP = "These hours overlap your extra hours {start}-{end} on {date}."
REASON_MAX_LENGTH = 500
DEFAULT_TIME_OFF_MAX_DAYS = 90
DEFAULT_HORIZON_DAYS = 90


class ExceptionInvalid(Invalid):
    """400: the time off or extra hours break a rule; `errors` is keyed by model attribute."""


class ExceptionConflict(Conflict):
    """409: the extra hours overlap other hours of the doctor on that date."""


def time_off_max_days() -> int:
    return int(getattr(settings, "TIME_OFF_MAX_DAYS", DEFAULT_TIME_OFF_MAX_DAYS))


def _raise_if(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ExceptionInvalid(next(iter(errors.values()))[0], errors=errors)


def _date_error(value: str) -> str | None:
    try:
        validate_date(value)
    except ValidationError as exc:
        return exc.messages[0]
    return None if value >= clock.local_today().isoformat() else MSG_DATE_PAST


def _reason_error(reason: str, *, required: bool) -> str | None:
    if required and not reason:
        return MSG_REASON_REQUIRED
    if len(reason) > REASON_MAX_LENGTH:
        return MSG_REASON_TOO_LONG.format(limit=REASON_MAX_LENGTH)
    return None


def _dates_errors(start_date: str, end_date: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, value in (("start_date", start_date), ("end_date", end_date)):
        if problem := _date_error(value):
            errors[name] = [problem]
    if not errors:
        first, last = date.fromisoformat(start_date), date.fromisoformat(end_date)
        if last < first:
            errors["end_date"] = [MSG_END_DATE_BEFORE_START]
        elif (last - first).days + 1 > time_off_max_days():
            errors["end_date"] = [MSG_RANGE_TOO_LONG.format(days=time_off_max_days())]
    return errors


def _times_errors(start_time: str | None, end_time: str | None) -> dict[str, list[str]]:
    if not start_time and not end_time:
        return {}
    if not (start_time and end_time):
        return {"start_time" if not start_time else "end_time": [MSG_TIMES_BOTH]}
    errors: dict[str, list[str]] = {}
    for name, value in (("start_time", start_time), ("end_time", end_time)):
        try:
            validate_time_12h(value)
        except ValidationError as exc:
            errors[name] = exc.messages
    if not errors and minutes_12h(end_time) <= minutes_12h(start_time):
        errors["end_time"] = [MSG_END_TIME_AFTER_START]
    return errors


def time_off_check(
    *,
    doctor: Doctor,
    start_date: str,
    end_date: str,
    reason: str,
    start_time: str | None = None,
    end_time: str | None = None,
    clinic_id: str | None = None,
) -> ScheduleException:
    """Every rule of a new time off, all reported at once (ExceptionInvalid, 400); the record, unsaved.

    Dates YYYY-MM-DD from today on, end >= start, at most TIME_OFF_MAX_DAYS days; both times (12-hour,
    end after start) or neither; a clinic of the doctor's or none (everywhere); a reason of 1..500 characters.
    """
    reason = (reason or "").strip()
    errors = _dates_errors(start_date, end_date)
    errors.update(_times_errors(start_time or None, end_time or None))
    if clinic_id and doctor.clinic(clinic_id) is None:
        errors["clinic_id"] = [MSG_NOT_YOUR_CLINIC]
    if problem := _reason_error(reason, required=True):
        errors["reason"] = [problem]
    _raise_if(errors)
    return ScheduleException(
        doctor=doctor,
        kind=ScheduleExceptionKind.TIME_OFF,
        start_date=start_date,
        end_date=end_date,
        start_time=start_time or None,
        end_time=end_time or None,
        clinic_id=clinic_id or None,
        reason=reason,
    )


def time_off_insert(
    *,
    time_off: ScheduleException,
    created_by_role: CreatedBy,
    created_by_id: str,
    decision: str | None,
    kept_ids: Sequence[ObjectId] = (),
    cancelled_ids: Sequence[ObjectId] = (),
) -> ScheduleException:
    """Store a checked time off (`time_off_check`) with who recorded it and what was decided for the live
    appointments it covered: one insert. From then on availability and booking refuse its times."""
    time_off.created_by_role = created_by_role
    time_off.created_by_id = created_by_id
    time_off.affected_decision = decision
    time_off.kept_appointment_ids = list(kept_ids)
    time_off.cancelled_appointment_ids = list(cancelled_ids)
    time_off.save(force_insert=True)
    return time_off


def extra_hours_close(*, extra: ScheduleException) -> None:
    """Stop offering extra hours that are being removed (one update): from here availability skips them and
    a booking that took a place in them undoes itself (appointments/services/booking.py)."""
    ScheduleException.objects.filter(pk=extra.pk).update(closing_at=clock.now())
    doctor_availability_changed([extra.doctor_id])


def extra_hours_reopen(*, extra: ScheduleException) -> None:
    """Offer closed extra hours again (their removal was refused)."""
    ScheduleException.objects.filter(pk=extra.pk).update(closing_at=None)
    doctor_availability_changed([extra.doctor_id])


def schedule_exception_delete(*, exception: ScheduleException) -> None:
    """Remove a time off or extra hours (the caller has checked it is the doctor's and may go)."""
    ScheduleException.objects.filter(pk=exception.pk).delete()


# --- extra hours --------------------------------------------------------------------------------------------


def _horizon_days() -> int:
    return int(getattr(settings, "BOOKING_HORIZON_DAYS", DEFAULT_HORIZON_DAYS))


def _extra_date_errors(day: str) -> dict[str, list[str]]:
    if problem := _date_error(day):
        return {"date": [problem]}
    if date.fromisoformat(day) > clock.local_today() + timedelta(days=_horizon_days()):
        return {"date": [MSG_EXTRA_DATE_TOO_FAR.format(days=_horizon_days())]}
    return {}


def _as_slot(extra: ScheduleException) -> DoctorSlot:
    """The extra hours as the weekly slot of their weekday they stand for (unsaved): the slot's rules apply."""
    fields: dict[str, Any] = {
        "doctor_id": extra.doctor_id,  # the id, not the object: no query per extra hours
        "clinic_id": extra.clinic_id,
        "day_of_week": DAYS_OF_WEEK[date.fromisoformat(extra.start_date).weekday()],
        "start_time": extra.start_time,
        "end_time": extra.end_time,
        "slot_duration": extra.slot_duration,
        "max_patients": extra.max_patients,
        "consultation_fee": extra.consultation_fee,
        "consultation_type": extra.consultation_type,
        "is_active": True,
    }
    return DoctorSlot(**fields)


def extra_hours_as_slot(extra: ScheduleException) -> DoctorSlot:
    """What availability cuts into times: the extra hours as a slot, carrying the extra hours' `_id`."""
    slot = _as_slot(extra)
    slot.pk = extra.pk
    slot.from_extra_hours = True
    return slot


def _raise_if_overlapping_extra(extra: ScheduleException) -> None:
    other = (
        ScheduleException.objects.filter(
            doctor_id=extra.doctor_id,
            kind=ScheduleExceptionKind.EXTRA_HOURS,
            end_date=extra.start_date,
            start_date=extra.start_date,
            start_time__lt=extra.end_time,
            end_time__gt=extra.start_time,
        )
        .order_by("start_time")
        .first()
    )
    if other is not None:
        raise ExceptionConflict(
            MSG_EXTRA_HOURS_OVERLAP.format(start=other.start_time, end=other.end_time, date=other.start_date)
        )


def extra_hours_check(
    *,
    doctor: Doctor,
    date: str,
    clinic_id: str,
    start_time: str,
    end_time: str,
    consultation_fee: float,
    consultation_type: str,
    slot_duration: int = 30,
    max_patients: int = 1,
    reason: str = "",
) -> ScheduleException:
    """Every rule of new extra hours; the record, unsaved. The date from today to the booking horizon; the
    rest is the weekly slot's rules (doctors/schedule/services.py: formats, a clinic of the doctor's, fee,
    duration, no overlap with an active weekly slot of that weekday: SlotInvalid 400 / SlotConflict 409) and
    no overlap with other extra hours that date (ExceptionConflict, 409)."""
    reason = (reason or "").strip()
    errors = _extra_date_errors(date)
    if problem := _reason_error(reason, required=False):
        errors["reason"] = [problem]
    _raise_if(errors)
    extra = ScheduleException(
        doctor=doctor,
        kind=ScheduleExceptionKind.EXTRA_HOURS,
        start_date=date,
        end_date=date,
        clinic_id=clinic_id,
        start_time=start_time,
        end_time=end_time,
        slot_duration=slot_duration,
        max_patients=max_patients,
        consultation_fee=consultation_fee,
        consultation_type=consultation_type,
        reason=reason,
    )
    slot_check(slot=_as_slot(extra), doctor=doctor, weekly=False)
    _raise_if_overlapping_extra(extra)
    return extra


def extra_hours_insert(
    *, extra: ScheduleException, created_by_role: CreatedBy, created_by_id: str
) -> ScheduleException:
    """Store checked extra hours, re-checking the overlaps under the doctor's schedule lock for that weekday
    (the one weekly slot writes take), so two requests cannot both pass them."""
    slot = _as_slot(extra)
    with schedule_lock(doctor_id=extra.doctor_id, day=slot.day_of_week):
        slot_check(slot=slot, doctor=extra.doctor, weekly=False)
        _raise_if_overlapping_extra(extra)
        extra.created_by_role = created_by_role
        extra.created_by_id = created_by_id
        extra.save(force_insert=True)
    return extra
