"""The appointments' invariants, for `manage.py audit_integrity` (core/integrity.py; docs/operations.md).

Who holds a place (docs/booking.md): every appointment at a (doctorId, appointmentDate, timeSlot) whose
status is not CANCELLED. A holder carries `placeNumber` (1..maxPatients) once numbered; one written by the
existing system, or before the place numbers existed, has none and still counts.

- `appointments.capacity`: holders <= maxPatients of the weekly slot availability offers for that time
  (report only). A time no active slot offers any more is a note, not a problem.
- `appointments.places`: every holder numbered (repair: number it, one guarded update each); no CANCELLED
  appointment keeps a placeNumber (repair: unset it, guarded); numbers within 1..maxPatients and no place held
  twice (report only).
- `appointments.one_per_member_time`: one holder per member per (doctor, date, time) (report only).
- `appointments.time_off`: no live appointment inside a time off unless the time off keeps it
  (`keptAppointmentIds`); repair: cancel it by the system with the time off's reason, which is what the time
  off's own service does after its insert (appointments/services/time_off.py: a crash between the two). One a
  reschedule moved there (`rescheduledFrom` set: a crash before its re-check, appointments/services/booking.py)
  is its own problem, naming where it came from; repair cancels it too.

Extra hours (`doctor_schedule_exceptions`, EXTRA_HOURS) offer times on their date as weekly slots do.

Scope: times from `--since` (default: clinic-local today) on, read doctor by doctor on the
`appointments_doctor_date` index, one doctor-date in memory at a time, with projections (ids, date, time,
status, placeNumber, userId: nothing medical).
"""

import contextlib
import itertools
from collections import Counter
from collections.abc import Hashable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

from core import clock
from core.integrity import AuditOptions, CheckResult, Finding, integrity_check
from core.validators import DAYS_OF_WEEK, minutes_of_day
from doctors.schedule.selectors import slot_document_usable
from mongo.raw import collection

CANCELLED = "CANCELLED"
APPOINTMENT_FIELDS = {"_id": 1, "appointmentId": 1, "userId": 1, "appointmentDate": 1, "timeSlot": 1, "status": 1}
SLOT_FIELDS = {
    "_id": 1,
    "doctorId": 1,
    "dayOfWeek": 1,
    "startTime": 1,
    "endTime": 1,
    "slotDuration": 1,
    "maxPatients": 1,
    "isActive": 1,
    "consultationType": 1,
}

PROBLEM_OVER_CAPACITY = "more live appointments than maxPatients at this time"
NOTE_NO_SLOT = "live appointments at a time no active weekly slot offers"
PROBLEM_UNNUMBERED = "live appointment without a placeNumber"
PROBLEM_CANCELLED_NUMBERED = "cancelled appointment still holds a placeNumber"
PROBLEM_NUMBER_OUT_OF_RANGE = "placeNumber outside 1..maxPatients"
PROBLEM_PLACE_TWICE = "one place held by two live appointments"
PROBLEM_MEMBER_TWICE = "member holds more than one live appointment at this time"


def _appointments() -> Collection[dict[str, Any]]:
    return collection("appointments")


@dataclass
class Time:
    """One bookable time of a doctor, with its appointments (projected)."""

    doctor_id: str
    date: str
    time_slot: str
    capacity: int | None  # maxPatients of the slot availability offers; None when no active slot offers it
    slot_id: Any = None
    holders: list[dict[str, Any]] = field(default_factory=list)
    cancelled: list[dict[str, Any]] = field(default_factory=list)

    def ids(self, **more: Any) -> dict[str, Any]:
        return {"doctorId": self.doctor_id, "date": self.date, "time": self.time_slot, **more}


def _minutes_12h(value: Any) -> int | None:
    """Minutes since midnight of the seed's "hh:mm AM", or None when malformed."""
    try:
        clock_part, meridiem = str(value).split(" ")
        hours, mins = (int(part) for part in clock_part.split(":"))
    except ValueError:
        return None
    if meridiem not in ("AM", "PM") or not (1 <= hours <= 12 and 0 <= mins < 60):
        return None
    return (hours % 12 + (12 if meridiem == "PM" else 0)) * 60 + mins


def _offered(slots: list[dict[str, Any]]) -> dict[int, tuple[int, Any]]:
    """{start minute: (maxPatients, slot _id)} of one weekday, picked as availability picks
    (appointments/selectors.py, slot_schedule): slots by (startTime, clinicId, _id), the first slot with a step
    starting at that minute wins. Clinic hours and the doctor's online/offline flags are not re-applied."""
    offered: dict[int, tuple[int, Any]] = {}
    usable = [slot for slot in slots if slot_document_usable(slot)]  # the slots availability reads, no other
    for slot in sorted(usable, key=lambda s: (s["startTime"], s["clinicId"], str(s["_id"]))):
        start, end = minutes_of_day(slot["startTime"]), minutes_of_day(slot["endTime"])
        duration, capacity = int(slot["slotDuration"]), int(slot["maxPatients"])
        for step in range(start, end - duration + 1, duration):
            offered.setdefault(step, (capacity, slot["_id"]))
    return offered


def _since(options: AuditOptions) -> str:
    return options.since or clock.local_today().isoformat()


def audit_times(options: AuditOptions) -> Iterator[Time]:
    """Every (doctor, date, time) with appointments from the audit's first date on, one doctor-date at a time."""
    since = _since(options)
    slots = collection("doctor_slots")
    for doctor_id in sorted(_appointments().distinct("doctorId", {"appointmentDate": {"$gte": since}}), key=str):
        by_day: dict[str, list[dict[str, Any]]] = {}
        for slot in slots.find({"doctorId": doctor_id, "isActive": True}, {**SLOT_FIELDS, "clinicId": 1}):
            by_day.setdefault(str(slot.get("dayOfWeek")), []).append(slot)
        offered_by_day = {day: _offered(day_slots) for day, day_slots in by_day.items()}
        extra_by_date = _extra_hours_by_date(doctor_id, since)
        cursor = _appointments().find(
            {"doctorId": doctor_id, "appointmentDate": {"$gte": since}},
            {**APPOINTMENT_FIELDS, "placeNumber": 1},
            sort=[("appointmentDate", 1)],
            batch_size=500,
        )
        for day, documents in itertools.groupby(cursor, key=lambda d: str(d.get("appointmentDate"))):
            weekday = _weekday(day) or ""
            offered = offered_by_day.get(weekday, {})
            if day in extra_by_date:  # a date with extra hours: they offer times too (docs/booking.md)
                offered = _offered([*by_day.get(weekday, []), *extra_by_date[day]])
            times: dict[str, Time] = {}
            for document in documents:
                time_slot = str(document.get("timeSlot"))
                entry = times.get(time_slot)
                if entry is None:
                    minute = _minutes_12h(time_slot)
                    capacity, slot_id = offered.get(minute, (None, None)) if minute is not None else (None, None)
                    entry = times[time_slot] = Time(doctor_id, day, time_slot, capacity, slot_id)
                (entry.cancelled if document.get("status") == CANCELLED else entry.holders).append(document)
            yield from times.values()


def _extra_hours_by_date(doctor_id: str, since: str) -> dict[str, list[dict[str, Any]]]:
    """The doctor's extra hours from `since` on, by date, shaped as weekly slots (one query)."""
    found: dict[str, list[dict[str, Any]]] = {}
    cursor = collection("doctor_schedule_exceptions").find(
        {"doctorId": doctor_id, "endDate": {"$gte": since}}, {**SLOT_FIELDS, "clinicId": 1, "kind": 1, "startDate": 1}
    )
    for extra in cursor:
        if extra.get("kind") == "EXTRA_HOURS":  # a weekly slot of its date's weekday, active while it exists
            day = str(extra.get("startDate"))
            found.setdefault(day, []).append(extra | {"isActive": True, "dayOfWeek": _weekday(day)})
    return found


def _weekday(day: str) -> str | None:
    try:
        return DAYS_OF_WEEK[date.fromisoformat(str(day)).weekday()]
    except ValueError:
        return None


def _appointment_ids(document: dict[str, Any]) -> dict[str, Any]:
    return {"_id": document["_id"], "appointmentId": document.get("appointmentId")}


@integrity_check("appointments.capacity", "live appointments <= maxPatients of the offering slot at every time")
def check_capacity(options: AuditOptions) -> CheckResult:
    result = CheckResult()
    for time in audit_times(options):
        if not time.holders:
            continue
        result.examined += 1
        live = len(time.holders)
        if time.capacity is None:
            result.notes.append(Finding(NOTE_NO_SLOT, time.ids(live=live)))
        elif live > time.capacity:
            result.findings.append(
                Finding(PROBLEM_OVER_CAPACITY, time.ids(live=live, maxPatients=time.capacity, slotId=time.slot_id))
            )
    return result


def _number(document: dict[str, Any], capacity: int, taken: set[int]) -> int | None:
    """Give an un-numbered holder the lowest free place, one guarded update per try; the number, or None."""
    for number in range(1, capacity + 1):
        if number in taken:
            continue
        try:
            updated = _appointments().update_one(
                {"_id": document["_id"], "placeNumber": {"$exists": False}, "status": {"$ne": CANCELLED}},
                {"$set": {"placeNumber": number}},
            )
        except DuplicateKeyError:  # a booking took that place meanwhile (the place index refuses a second)
            taken.add(number)
            continue
        return number if updated.modified_count else None
    return None


def _cancelled_numbered(time: Time, repair: bool) -> Iterator[Finding]:
    for document in time.cancelled:
        if "placeNumber" not in document:
            continue
        finding = Finding(
            PROBLEM_CANCELLED_NUMBERED,
            time.ids(**_appointment_ids(document), placeNumber=document["placeNumber"]),
            repairable=True,
        )
        if repair:
            finding.repaired = bool(
                _appointments()
                .update_one(
                    {"_id": document["_id"], "status": CANCELLED, "placeNumber": document["placeNumber"]},
                    {"$unset": {"placeNumber": ""}},
                )
                .modified_count
            )
        yield finding


def _wrong_numbers(time: Time, numbers: Counter[Any]) -> Iterator[Finding]:
    for number, holders in sorted(numbers.items(), key=lambda item: str(item[0])):
        if holders > 1:
            yield Finding(PROBLEM_PLACE_TWICE, time.ids(placeNumber=number, holders=holders))
        if time.capacity is not None and not (isinstance(number, int) and 1 <= number <= time.capacity):
            yield Finding(PROBLEM_NUMBER_OUT_OF_RANGE, time.ids(placeNumber=number, maxPatients=time.capacity))


def _unnumbered(time: Time, capacity: int, numbers: Counter[Any], repair: bool) -> Iterator[Finding]:
    taken = set(numbers)
    for document in time.holders:
        if "placeNumber" in document:
            continue
        finding = Finding(PROBLEM_UNNUMBERED, time.ids(**_appointment_ids(document)), repairable=True)
        if repair:
            number = _number(document, capacity, taken)
            if number is not None:
                taken.add(number)
                finding.repaired = True
        yield finding


def _hashable(value: Any) -> Any:
    """A stored place number as a key: one of the wrong type (a document, a list) by its text; it is out of
    range all the same (and core.stored_types reports it)."""
    return value if isinstance(value, Hashable) else str(value)


@integrity_check("appointments.places", "places held equal live appointments (numbered, in range, once each)")
def check_places(options: AuditOptions) -> CheckResult:
    result = CheckResult()
    for time in audit_times(options):
        result.examined += len(time.holders) + len(time.cancelled)
        result.findings.extend(_cancelled_numbered(time, options.repair))
        numbers = Counter(_hashable(d["placeNumber"]) for d in time.holders if "placeNumber" in d)
        result.findings.extend(_wrong_numbers(time, numbers))
        if time.capacity is not None:
            result.findings.extend(_unnumbered(time, time.capacity, numbers, options.repair))
        elif sum(numbers.values()) < len(time.holders):
            # Nothing is bookable there, so there is nothing to number against: a note, as the capacity check says.
            unnumbered = len(time.holders) - sum(numbers.values())
            result.notes.append(Finding(PROBLEM_UNNUMBERED, time.ids(unnumbered=unnumbered)))
    return result


@integrity_check("appointments.one_per_member_time", "one live appointment per member per doctor, date and time")
def check_one_per_member_time(options: AuditOptions) -> CheckResult:
    result = CheckResult()
    for time in audit_times(options):
        if not time.holders:
            continue
        result.examined += 1
        for user_id, count in Counter(d.get("userId") for d in time.holders).items():
            if count > 1:
                result.findings.append(Finding(PROBLEM_MEMBER_TWICE, time.ids(userId=user_id, live=count)))
    return result


PROBLEM_INSIDE_TIME_OFF = "live appointment inside a time off that does not keep it"
# The same, for one a reschedule moved there (`rescheduledFrom` set): its re-check did not run (a crash between
# the move and it). Named apart so operations can offer the member their old time; repair still cancels.
PROBLEM_MOVED_INTO_TIME_OFF = "live appointment moved into a time off that does not keep it (rescheduled)"


def _inside_time_off(time_off: Any, appointment: Any) -> Finding:
    ids = {
        "timeOffId": time_off.pk,
        "doctorId": time_off.doctor_id,
        "date": appointment.appointment_date,
        "time": appointment.time_slot,
        "_id": appointment.pk,
        "appointmentId": appointment.appointment_id,
    }
    origin = appointment.rescheduled_from
    if origin is None:
        return Finding(PROBLEM_INSIDE_TIME_OFF, ids, repairable=True)
    ids["rescheduledFrom"] = f"{origin.appointment_date} {origin.time_slot}"
    return Finding(PROBLEM_MOVED_INTO_TIME_OFF, ids, repairable=True)


@integrity_check("appointments.time_off", "no live appointment inside a time off, except those it keeps")
def check_time_off(options: AuditOptions) -> CheckResult:
    from appointments.models import Actor
    from appointments.services.time_off import time_off_affected
    from appointments.services.workflow import TransitionRefused, appointment_cancel
    from doctors.models import ScheduleException, ScheduleExceptionKind

    result = CheckResult()
    since = _since(options)
    for time_off in ScheduleException.objects.filter(kind=ScheduleExceptionKind.TIME_OFF, end_date__gte=since):
        result.examined += 1
        kept = set(time_off.kept_appointment_ids or [])
        for appointment in time_off_affected(time_off=time_off):
            if appointment.pk in kept or appointment.appointment_date < since:
                continue
            finding = _inside_time_off(time_off, appointment)
            if options.repair:
                with contextlib.suppress(TransitionRefused):  # cancelled or completed meanwhile: nothing inside
                    appointment_cancel(appointment=appointment, by=Actor.SYSTEM, reason=time_off.reason)
                finding.repaired = True
            result.findings.append(finding)
    return result
