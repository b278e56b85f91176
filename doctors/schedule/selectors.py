"""Reads of a doctor's schedule: weekly slots, and the one-off time off and extra hours."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from bson import ObjectId
from django.db.models import Case, IntegerField, QuerySet, Value, When

from core import clock
from core.errors import NotFound
from core.validators import DAYS_OF_WEEK, is_date, is_time_24h, minutes_of_day, whole_number
from doctors.models import (
    MAX_PATIENTS,
    MAX_SLOT_DURATION,
    MIN_PATIENTS,
    MIN_SLOT_DURATION,
    ConsultationType,
    Doctor,
    DoctorSlot,
    ScheduleException,
    ScheduleExceptionKind,
)

# Monday=0 .. Sunday=6: day names do not sort in week order.
DAY_ORDER = Case(
    *[When(day_of_week=day, then=Value(index)) for index, day in enumerate(DAYS_OF_WEEK)],
    default=Value(7),
    output_field=IntegerField(),
)


def slot_document_usable(document: dict[str, Any]) -> bool:
    """Whether a weekly slot as stored can be cut into bookable times: active (`true`, not a truthy look-alike),
    a weekday, string ids, a known consultation type, valid 24-hour times in order, and a whole slotDuration and
    maxPatients inside the model's limits. Availability, booking and search read slots through this one rule,
    so a slot written by hand or by another system is skipped by all of them alike, never half-read (a day and
    a month once disagreed on `isActive: "true"`) nor a 500 (`maxPatients: "2"`). Its fee is checked where
    it is shown (a slot's odd fee falls back to the clinic's)."""
    start, end = document.get("startTime"), document.get("endTime")
    duration, places = whole_number(document.get("slotDuration")), whole_number(document.get("maxPatients"))
    return (
        document.get("isActive") is True
        and document.get("dayOfWeek") in DAYS_OF_WEEK
        and isinstance(document.get("doctorId"), str)
        and isinstance(document.get("clinicId"), str)
        and document.get("consultationType") in ConsultationType.values
        and is_time_24h(start)
        and is_time_24h(end)
        and minutes_of_day(str(start)) < minutes_of_day(str(end))
        and duration is not None
        and MIN_SLOT_DURATION <= duration <= MAX_SLOT_DURATION
        and places is not None
        and MIN_PATIENTS <= places <= MAX_PATIENTS
    )


def slot_list(
    *, doctor: Doctor, day_of_week: str | None = None, clinic_id: str | None = None, is_active: bool | None = None
) -> QuerySet[DoctorSlot]:
    """The doctor's slots in week order, then by start time."""
    slots = DoctorSlot.objects.filter(doctor_id=doctor.doctor_id)
    if day_of_week:
        slots = slots.filter(day_of_week=day_of_week)
    if clinic_id:
        slots = slots.filter(clinic_id=clinic_id)
    if is_active is not None:
        slots = slots.filter(is_active=is_active)
    return slots.annotate(day_order=DAY_ORDER).order_by("day_order", "start_time", "clinic_id")


def slot_get(*, doctor: Doctor, slot_id: str) -> DoctorSlot:
    """One of the doctor's own slots by its `_id`. Raises NotFound when unknown or someone else's (not 403)."""
    slot = None
    if ObjectId.is_valid(slot_id):
        slot = DoctorSlot.objects.filter(pk=ObjectId(slot_id), doctor_id=doctor.doctor_id).first()
    if slot is None:
        raise NotFound()
    slot.doctor = doctor  # already at hand: no second query for the rules that need it
    return slot


@dataclass
class ScheduleDay:
    name: str
    slots: list[DoctorSlot] = field(default_factory=list)

    @property
    def active_count(self) -> int:
        return sum(1 for slot in self.slots if slot.is_active)


def slot_week(*, doctor: Doctor) -> list[ScheduleDay]:
    """Monday to Sunday with the doctor's slots of each day, from one query."""
    week = {day: ScheduleDay(name=day) for day in DAYS_OF_WEEK}
    for slot in slot_list(doctor=doctor):
        if slot.day_of_week in week:
            week[slot.day_of_week].slots.append(slot)
    return list(week.values())


# --- one-off changes: time off and extra hours (doctor_schedule_exceptions) --------------------------------


def schedule_exceptions(*, doctor_ids: Iterable[str], start: date, end: date) -> list[ScheduleException]:
    """The time off and extra hours of these doctors that touch any day from `start` to `end` (inclusive),
    in date order. ONE query for many doctors and days, on the {doctorId, endDate, startDate} index.

    Only `endDate >= start` goes to the server; `startDate <= end` is compared here: the backend guards a
    `lte` with a null check, and SecantusDB plans neither that nor two ranges on an index. One doctor is an
    equality on doctorId, which both planners walk the index for; several are `$in`, which MongoDB walks the
    index for and SecantusDB scans (docs/decisions/0035-schedule-exceptions.md).
    """
    ids = sorted(set(doctor_ids))
    if not ids:
        return []
    doctors = {"doctor_id": ids[0]} if len(ids) == 1 else {"doctor_id__in": ids}
    rows = ScheduleException.objects.filter(**doctors, end_date__gte=start.isoformat())  # one filter(): no $and
    last = end.isoformat()
    found = [
        row
        for row in rows
        if schedule_exception_usable(row) and row.start_date <= last and row.closing_at is None  # closing: removed
    ]
    return sorted(found, key=lambda e: (e.start_date, str(e.start_time or ""), e.created_at or _LONG_AGO))


_LONG_AGO = datetime.min.replace(tzinfo=UTC)


def schedule_exception_usable(exception: ScheduleException) -> bool:
    """Whether a stored time off or extra hours can be applied: a known kind, YYYY-MM-DD dates in order, and
    for extra hours one date whose hours pass the weekly slot's rule (`slot_document_usable`). One the services
    would refuse (written by hand or by another system) is skipped by availability, search and booking alike:
    a date that was not text answered 500 wherever the doctor appeared, and odd extra hours offered times round
    the clock, by the minute, or of no type. A time off's unreadable times already cover nothing (`covers`)."""
    start, end = exception.start_date, exception.end_date
    if not (is_date(start) and is_date(end) and start <= end):
        return False
    if exception.kind == ScheduleExceptionKind.TIME_OFF:
        return exception.clinic_id is None or isinstance(exception.clinic_id, str)
    if exception.kind != ScheduleExceptionKind.EXTRA_HOURS or start != end:
        return False
    return slot_document_usable(
        {
            "isActive": True,
            "dayOfWeek": DAYS_OF_WEEK[date.fromisoformat(start).weekday()],
            "doctorId": exception.doctor_id,
            "clinicId": exception.clinic_id,
            "consultationType": exception.consultation_type,
            "startTime": exception.start_time,
            "endTime": exception.end_time,
            "slotDuration": exception.slot_duration,
            "maxPatients": exception.max_patients,
        }
    )


def schedule_exception_list(*, doctor: Doctor, kind: str) -> QuerySet[ScheduleException]:
    """The doctor's time off (or extra hours) not yet over, soonest first."""
    return ScheduleException.objects.filter(
        doctor_id=doctor.doctor_id, kind=kind, end_date__gte=clock.local_today().isoformat()
    ).order_by("start_date", "start_time", "created_at")


def schedule_exception_get(*, doctor: Doctor, exception_id: str, kind: str) -> ScheduleException:
    """One of the doctor's own time off (or extra hours) by its `_id`. NotFound when unknown or another's."""
    found = None
    if ObjectId.is_valid(exception_id):
        found = ScheduleException.objects.filter(
            pk=ObjectId(exception_id), doctor_id=doctor.doctor_id, kind=kind
        ).first()
    if found is None:
        raise NotFound()
    found.doctor = doctor
    return found
