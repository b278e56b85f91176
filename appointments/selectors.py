"""Reads on appointments: the bookable times of a doctor's day, and a member's own appointments.

How a day's times are made (docs/booking.md, Availability):
- the doctor's active weekly `doctor_slots` for that weekday, and the doctor's extra hours on that date (a
  one-off slot, `doctor_schedule_exceptions`), each cut into `slotDuration` steps from `startTime`; a step
  must end by `endTime`;
- minus what the doctor's time off covers: time off everywhere takes the step, time off at one clinic takes
  the IN_CLINIC side of that clinic's steps (docs/booking.md, Time off and extra hours);
- a step can be booked as the slot's `consultationType` (BOTH serves either), narrowed by the doctor's
  `availableOnline` / `availableOffline`;
- IN_CLINIC also needs an active clinic the doctor practises at (the doctor's embedded `clinics`) and the
  step inside that clinic's `operatingHours` for the day: a closed day gives nothing in the clinic; a day
  with no published hours leaves the doctor's own slot as the only limit. Clinic hours do not limit
  ONLINE consultations (the doctor is not seeing anyone at the clinic), so a BOTH step outside the
  clinic's hours is still offered ONLINE;
- `maxPatients` per time minus the places already taken: the appointments there that are not CANCELLED,
  numbered or not (one query per date; docs/decisions/0019-place-numbers.md);
- nothing inside the doctor's minimum booking notice (`BOOKING_MIN_NOTICE_MINUTES` or the doctor's own,
  doctors/schedule/notice.py), counted in whole minutes: a time exactly the notice ahead is offered; and
  never a time at or before the current clinic-local minute (staff moves skip the notice, not this);
- one entry per time: a doctor is in one place at a time, so if weekly slots overlap on the same start
  time the first slot (earliest start, then clinic) wins, whatever type or clinic is asked for: a time has
  one slot, one `maxPatients`, for availability and booking alike (`slot_offered`).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from bson import ObjectId
from django.conf import settings
from django.db.models import Case, CharField, Q, QuerySet, Value, When
from django.db.models.functions import Concat, Substr
from django.utils import timezone

from appointments.models import Appointment, AppointmentStatus, AppointmentType
from clinics.models import Clinic
from core import clock
from core.errors import NotFound
from core.validators import DAYS_OF_WEEK, minutes_12h, minutes_of_day, stored_fee, time_12h
from doctors.models import (
    MAX_HORIZON_DAYS,
    ConsultationType,
    Doctor,
    DoctorSlot,
    ScheduleException,
    ScheduleExceptionKind,
)
from doctors.schedule.exceptions import extra_hours_as_slot
from doctors.schedule.notice import duration_possessive, earliest_bookable, notice_rules
from doctors.schedule.selectors import schedule_exceptions, slot_document_usable
from mongo.compiler import FIRST_BATCH
from mongo.lookups import first_by_key
from mongo.raw import collection

MSG_DATE_IN_PAST = "Choose today or a later date."
MSG_DATE_TOO_FAR = "Bookings open at most {days} days ahead."
MSG_NOTICE_TOO_SHORT = "Bookings need at least {notice} notice; choose a time from {earliest}."
MSG_TIME_PASSED = "This time has passed; choose a time from {earliest}."
MSG_APPOINTMENT_NOT_FOUND = "No such appointment."
# The statuses a slot's upcoming bookings can be in (the workflow's CANCELLABLE, repeated: services import us).
LIVE = (AppointmentStatus.PENDING_CONFIRMATION, AppointmentStatus.CONFIRMED)


def booking_horizon_days(doctor: Doctor | None = None) -> int:
    """How many days ahead `doctor` can be booked (the doctor's own horizon, else BOOKING_HORIZON_DAYS)."""
    return notice_rules(doctor).horizon_days


def booking_date_error(day: date, doctor: Doctor | None = None) -> str | None:
    """Why `day` cannot be booked (or shown as available) with `doctor`, or None when it is inside the window."""
    today = clock.local_today()
    if day < today:
        return MSG_DATE_IN_PAST
    horizon = booking_horizon_days(doctor)
    if day > today + timedelta(days=horizon):
        return MSG_DATE_TOO_FAR.format(days=horizon)
    return None


def booking_notice_error(*, doctor: Doctor, appointment_date: str, time_slot: str) -> str | None:
    """Why a member cannot book this (valid) date and time for lack of notice, or None: the start must be at
    least the doctor's minimum notice after the current minute (doctors/schedule/notice.py)."""
    rules = notice_rules(doctor)
    earliest = earliest_bookable(rules)
    if appointment_starts_at(appointment_date=appointment_date, time_slot=time_slot) >= earliest:
        return None
    when = f"{earliest:%I:%M %p}"
    on_day = "today" if earliest.date() == clock.local_today() else f"on {earliest:%Y-%m-%d}"
    if rules.min_notice_minutes <= 0:
        return MSG_TIME_PASSED.format(earliest=f"{when} {on_day}")
    return MSG_NOTICE_TOO_SHORT.format(
        notice=duration_possessive(rules.min_notice_minutes), earliest=f"{when} {on_day}"
    )


def appointment_starts_at(*, appointment_date: str, time_slot: str) -> datetime:
    """The clinic-local, timezone-aware start of an appointment."""
    day = date.fromisoformat(appointment_date)
    hours, mins = divmod(minutes_12h(time_slot), 60)
    return timezone.make_aware(datetime.combine(day, time(hours, mins)))


def request_expires_at(appointment: Appointment) -> datetime:
    """When a PENDING_CONFIRMATION request lapses if the doctor has not confirmed it: REQUEST_EXPIRY_HOURS after
    it was made or REQUEST_EXPIRY_BEFORE_MINUTES before the visit, whichever comes first."""
    starts = appointment_starts_at(appointment_date=appointment.appointment_date, time_slot=appointment.time_slot)
    before_visit = starts - timedelta(minutes=settings.REQUEST_EXPIRY_BEFORE_MINUTES)
    requested = appointment.requested_at or appointment.created_at
    if requested is None:
        return before_visit
    return min(requested + timedelta(hours=settings.REQUEST_EXPIRY_HOURS), before_visit)


def requests_expired() -> list[Appointment]:
    """The PENDING_CONFIRMATION requests whose `request_expires_at` has passed, by the settings in force now.

    ONE query, {status: PENDING_CONFIRMATION} on the {status, appointmentDate} index; the time rule is applied
    here rather than stored, so a change of REQUEST_EXPIRY_* applies to every request at once
    (docs/decisions/0040-request-expiry-computed.md). The set stays small: `expire_requests` cancels every
    request older than REQUEST_EXPIRY_HOURS, so only the last hours' requests remain pending.
    """
    now = clock.now()
    expired = []
    for appointment in Appointment.objects.filter(status=AppointmentStatus.PENDING_CONFIRMATION):
        try:
            expires = request_expires_at(appointment)
        except ValueError:  # a legacy time we cannot read: left to the doctor and staff
            continue
        if expires <= now:
            expired.append(appointment)
    return expired


# --- a doctor who does not show (docs/decisions/0041-doctor-no-show.md) ---------------------------------------


def doctor_no_show_at(appointment: Appointment) -> datetime:
    """From when an ONLINE visit whose video room the doctor has not opened counts as "doctor did not show"."""
    starts = appointment_starts_at(appointment_date=appointment.appointment_date, time_slot=appointment.time_slot)
    return starts + timedelta(minutes=settings.DOCTOR_NO_SHOW_MINUTES)


def appointment_doctor_late(appointment: Appointment) -> bool:
    """An ONLINE CONFIRMED appointment whose doctor has not opened the video room (no `videoOpenedAt`)
    DOCTOR_NO_SHOW_MINUTES after its start. No query: the appointment's own fields."""
    if (
        appointment.appointment_type != AppointmentType.ONLINE
        or appointment.status != AppointmentStatus.CONFIRMED
        or appointment.video_opened_at is not None
    ):
        return False
    try:
        return clock.now() >= doctor_no_show_at(appointment)
    except ValueError:
        return False


def doctor_late_appointment_ids() -> list[ObjectId]:
    """The `_id`s of the appointments `appointment_doctor_late` flags from the last DOCTOR_NO_SHOW_LOOKBACK_DAYS
    days (the admin's filter: older ones are history, and reading them would grow with it). One query on the
    {status, appointmentDate} index ({status: CONFIRMED, appointmentDate from today - N days to today}); type,
    room and time are compared here (a filter on other fields makes SecantusDB scan the collection:
    docs/decisions/0021)."""
    today = clock.local_today()
    since = today - timedelta(days=settings.DOCTOR_NO_SHOW_LOOKBACK_DAYS)
    documents = collection(Appointment._meta.db_table).find(
        {
            "status": AppointmentStatus.CONFIRMED.value,
            "appointmentDate": {"$gte": since.isoformat(), "$lte": today.isoformat()},
        },
        {"_id": 1, "appointmentDate": 1, "timeSlot": 1, "appointmentType": 1, "videoOpenedAt": 1},
    )
    now = clock.now()
    late = []
    for document in documents:
        if document.get("appointmentType") != AppointmentType.ONLINE or document.get("videoOpenedAt") is not None:
            continue
        try:
            starts = appointment_starts_at(appointment_date=document["appointmentDate"], time_slot=document["timeSlot"])
        except (KeyError, TypeError, ValueError):
            continue
        if now >= starts + timedelta(minutes=settings.DOCTOR_NO_SHOW_MINUTES):
            late.append(document["_id"])
    return late


@dataclass(frozen=True)
class BookableTime:
    """One time of a doctor's day that can be booked."""

    time_slot: str
    minutes: int
    clinic_id: str
    consultation_type: str  # what it can be booked as: IN_CLINIC, ONLINE or BOTH
    consultation_fee: float
    max_patients: int
    slot_id: ObjectId
    remaining: int
    from_extra_hours: bool = False  # one-off extra hours, not a weekly slot

    def serves(self, appointment_type: str) -> bool:
        return self.consultation_type in (appointment_type, ConsultationType.BOTH)


def _types_of(slot: DoctorSlot, doctor: Doctor) -> set[str]:
    types: set[str] = (
        {AppointmentType.IN_CLINIC.value, AppointmentType.ONLINE.value}
        if slot.consultation_type == ConsultationType.BOTH
        else {slot.consultation_type}
    )
    if not doctor.available_online:
        types.discard(AppointmentType.ONLINE)
    if not doctor.available_offline:
        types.discard(AppointmentType.IN_CLINIC)
    return types


def _hours_window(clinic: Clinic, day_name: str) -> tuple[int, int] | None:
    """(open, close) minutes of the clinic on that day; (0, 0) when closed; None when unpublished."""
    hours = clinic.operating_hours.for_day(day_name) if clinic.operating_hours else None
    if hours is None:
        return None
    if hours.is_closed:
        return (0, 0)
    try:
        return (minutes_of_day(hours.open), minutes_of_day(hours.close))
    except (ValueError, AttributeError):
        return None  # malformed hours are treated as unpublished rather than hiding the doctor


def _fee(slot: DoctorSlot, doctor: Doctor) -> float:
    """The slot's fee, else the clinic's, else the doctor's base fee.

    See docs/decisions/0014-seed-silence-4-appointment-fee.md.
    """
    for fee in (slot.consultation_fee, getattr(doctor.clinic(slot.clinic_id), "consultation_fee", None)):
        if (shown := stored_fee(fee)) is not None:  # an odd stored fee ("abc", -5) falls back, never a 500
            return shown
    return stored_fee(doctor.consultation_fee) or 0


def _steps(slot: DoctorSlot) -> Iterable[tuple[int, int]]:
    """(start, end) minutes of each step; every step ends by the slot's endTime."""
    try:
        start, end = minutes_of_day(slot.start_time), minutes_of_day(slot.end_time)
    except (ValueError, AttributeError):
        return []
    duration = int(slot.slot_duration or 0)
    if duration <= 0:
        return []
    return [(step, step + duration) for step in range(start, end - duration + 1, duration)]


def _earliest_minute(day: date, doctor: Doctor) -> int:
    """Steps of `day` starting before this minute are inside the doctor's minimum notice (or past)."""
    earliest = earliest_bookable(notice_rules(doctor))
    if day > earliest.date():
        return 0
    if day < earliest.date():
        return 24 * 60
    return earliest.hour * 60 + earliest.minute


def _first_future_minute(day: date) -> int:
    """Steps of `day` starting before this minute are in the past (clinic-local clock)."""
    now = clock.local_now()
    if day > now.date():
        return 0
    if day < now.date():
        return 24 * 60
    return now.hour * 60 + now.minute + 1


def _step_types(
    *, slot: DoctorSlot, doctor: Doctor, day: date, start: int, end: int, in_clinic_ok: bool, time_off: list[Any]
) -> set[str]:
    """What the step [start, end) of `slot` can be booked as: the slot's types, the doctor's flags, the clinic
    (`in_clinic_ok`: an active clinic of the doctor's, inside its hours) and the time off covering it (time
    off everywhere takes the step; time off at the slot's clinic takes its IN_CLINIC side)."""
    if any(off.covers(day=day, minute=start, clinic_id=None) for off in time_off):
        return set()
    types = _types_of(slot, doctor)
    if not in_clinic_ok or any(off.covers(day=day, minute=start, clinic_id=slot.clinic_id) for off in time_off):
        types.discard(AppointmentType.IN_CLINIC)
    return types


def _day_offers(
    *,
    doctor: Doctor,
    day: date,
    slots: Sequence[DoctorSlot],
    clinics: dict[str, Clinic],
    time_off: list[ScheduleException],
    min_notice: bool = True,
) -> dict[int, BookableTime]:
    """THE rules of one doctor's day: the offered times of `day` (future ones only) by start minute, from the
    doctor's active weekly `slots` of that weekday and the day's extra hours (sorted: earliest start, then
    clinic, owns a time), less the day's `time_off`, from the doctor's minimum notice on (only future times
    with `min_notice=False`, for staff).

    The one place a per-day rule goes (time off, extra hours, notice): every reader of availability, one day
    or a range, single doctor or a search page, comes through here.
    """
    day_name = DAYS_OF_WEEK[day.weekday()]
    first_future = _earliest_minute(day, doctor) if min_notice else _first_future_minute(day)
    offered: dict[int, BookableTime] = {}
    for slot in slots:
        clinic = clinics.get(slot.clinic_id)
        practises_here = clinic is not None and clinic.is_active and doctor.clinic(slot.clinic_id) is not None
        window = _hours_window(clinic, day_name) if clinic is not None else None
        for start, end in _steps(slot):
            if start < first_future or start in offered:
                continue
            inside_hours = window is None or (window[0] <= start and end <= window[1])
            types = _step_types(
                slot=slot,
                doctor=doctor,
                day=day,
                start=start,
                end=end,
                in_clinic_ok=practises_here and inside_hours,
                time_off=time_off,
            )
            if not types:
                continue
            # This slot owns the time: the type and clinic asked for filter its offer afterwards, they never let
            # a later overlapping slot (another clinic, another maxPatients) take the time instead.
            offered[start] = BookableTime(
                time_slot=time_12h(start),
                minutes=start,
                clinic_id=slot.clinic_id,
                consultation_type=ConsultationType.BOTH if len(types) == 2 else types.pop(),
                consultation_fee=_fee(slot, doctor),
                max_patients=slot.max_patients,
                slot_id=slot.pk,
                remaining=slot.max_patients,
                from_extra_hours=slot.from_extra_hours,
            )
    return offered


def days_between(start: date, end: date) -> list[date]:
    """Every date from `start` to `end`, both included."""
    return [start + timedelta(days=offset) for offset in range((end - start).days + 1)]


@dataclass(frozen=True)
class _WeeklySlots:
    """What the days of some doctors are made of: their active weekly slots (per doctor and weekday), their
    time off and extra hours (`schedule_exceptions`) over the days asked, and the clinics of both."""

    by_doctor_day: dict[tuple[str, str], list[DoctorSlot]]
    exceptions: list[ScheduleException]
    clinics: dict[str, Clinic]

    def doctor_ids(self) -> set[str]:
        """The doctors with any weekly slot or extra hours (the others have no time at all)."""
        extra = {e.doctor_id for e in self.exceptions if e.kind == ScheduleExceptionKind.EXTRA_HOURS}
        return {doctor_id for doctor_id, _ in self.by_doctor_day} | extra

    def day(self, doctor_id: str, day: date) -> tuple[list[DoctorSlot], list[ScheduleException]]:
        """The day's slots and extra hours (as slots) in the order that decides which one owns a time, and the
        day's time off."""
        mine = [e for e in self.exceptions if e.doctor_id == doctor_id and e.on(day)]
        extra = [extra_hours_as_slot(e) for e in mine if e.kind == ScheduleExceptionKind.EXTRA_HOURS]
        weekly = self.by_doctor_day.get((doctor_id, DAYS_OF_WEEK[day.weekday()]), [])
        slots = sorted([*weekly, *extra], key=lambda s: (s.start_time, s.clinic_id, str(s.pk))) if extra else weekly
        return slots, [e for e in mine if e.is_time_off]


_SLOT_FIELDS = [(field.attname, field.column or field.attname) for field in DoctorSlot._meta.concrete_fields]


def _slots_found(match: dict[str, Any]) -> list[DoctorSlot]:
    """Weekly slots read as stored (one `find`) and made model instances without the ORM's per-field
    conversions: a search page's slots cost a third of the ORM's read on the embedded server
    (docs/performance.md). The fields read are plain strings, numbers and booleans in the seed's shape."""
    documents = collection(DoctorSlot._meta.db_table).find(match, batch_size=FIRST_BATCH)
    names = [attname for attname, _ in _SLOT_FIELDS]
    slots = []
    for document in documents:
        if slot_document_usable(document):  # one rule for odd stored slots: skipped, never half-read
            document |= {"slotDuration": int(document["slotDuration"]), "maxPatients": int(document["maxPatients"])}
            slots.append(DoctorSlot.from_db("default", names, [document.get(column) for _, column in _SLOT_FIELDS]))
    return slots


def _weekly_slots(
    *, doctor_ids: Iterable[str], start: date, end: date, exceptions: list[ScheduleException] | None = None
) -> _WeeklySlots:
    """Three queries whatever the number of doctors and days: the time off and extra hours over the days from
    `start` to `end` (none when `exceptions` are given), the weekly slots of their weekdays, and the clinics of
    both. Every slot of a day decides which one owns each time, so a clinic asked for filters the result
    later and stays out of the query."""
    ids = sorted(set(doctor_ids))
    weekdays = sorted({DAYS_OF_WEEK[day.weekday()] for day in days_between(start, end)})
    if not ids or not weekdays:
        return _WeeklySlots({}, [], {})
    if exceptions is None:
        exceptions = schedule_exceptions(doctor_ids=ids, start=start, end=end)
    # Index-friendly shapes (mongo/README.md): one doctor on some weekdays is the whole {doctorId, dayOfWeek,
    # isActive} key; several doctors, or every weekday, is doctorId alone (`$in` for several), the rest
    # compared here: SecantusDB plans a residual clause beside `$in` or a key prefix as a scan.
    match: dict[str, Any] = {"doctorId": ids[0] if len(ids) == 1 else {"$in": ids}}
    if len(ids) == 1 and len(weekdays) < len(DAYS_OF_WEEK):
        match |= {"dayOfWeek": weekdays[0] if len(weekdays) == 1 else {"$in": weekdays}, "isActive": True}
    query = _slots_found(match)
    wanted = set(weekdays)
    kept = [slot for slot in query if slot.day_of_week in wanted]  # active: _slots_found
    by_doctor_day: dict[tuple[str, str], list[DoctorSlot]] = {}
    for slot in sorted(kept, key=lambda s: (s.start_time, s.clinic_id, str(s.pk))):
        by_doctor_day.setdefault((slot.doctor_id, slot.day_of_week), []).append(slot)
    clinic_ids = {slot.clinic_id for slots in by_doctor_day.values() for slot in slots}
    clinic_ids |= {e.clinic_id for e in exceptions if e.kind == ScheduleExceptionKind.EXTRA_HOURS and e.clinic_id}
    clinics = {c.clinic_id: c for c in Clinic.objects.filter(clinic_id__in=clinic_ids)} if clinic_ids else {}
    return _WeeklySlots(by_doctor_day, exceptions, clinics)


def _day_times(
    weekly: _WeeklySlots,
    *,
    doctor: Doctor,
    day: date,
    consultation_type: str | None = None,
    clinic_id: str | None = None,
    min_notice: bool = True,
) -> list[BookableTime]:
    """One doctor's times on one day (no query): `_day_offers` on what the day is made of, filtered by the type
    and clinic asked for, in time order."""
    slots, time_off = weekly.day(doctor.doctor_id, day)
    if not slots:
        return []
    offered = _day_offers(
        doctor=doctor, day=day, slots=slots, clinics=weekly.clinics, time_off=time_off, min_notice=min_notice
    )
    return [
        offered[minute]
        for minute in sorted(offered)
        if (not consultation_type or offered[minute].serves(consultation_type))
        and (not clinic_id or offered[minute].clinic_id == clinic_id)
    ]


def _schedule(
    weekly: _WeeklySlots,
    *,
    doctors: Sequence[Doctor],
    days: Sequence[date],
    consultation_type: str | None = None,
    clinic_id: str | None = None,
    min_notice: bool = True,
) -> dict[tuple[str, date], list[BookableTime]]:
    """The times of each doctor on each day from their weekly slots (no query), through `_day_times`."""
    return {
        (doctor.doctor_id, day): _day_times(
            weekly,
            doctor=doctor,
            day=day,
            consultation_type=consultation_type,
            clinic_id=clinic_id,
            min_notice=min_notice,
        )
        for doctor in doctors
        for day in days
    }


def slot_schedule_range(
    *,
    doctors: Sequence[Doctor],
    start: date,
    end: date,
    consultation_type: str | None = None,
    clinic_id: str | None = None,
    exceptions: list[ScheduleException] | None = None,
    min_notice: bool = True,
) -> dict[tuple[str, date], list[BookableTime]]:
    """The times of each doctor on each date from `start` to `end` (from the minimum notice on), keyed by
    (doctorId, date), before subtracting places already taken (`remaining` is the full `maxPatients`).

    Three queries whatever the number of doctors and days (`_weekly_slots`); every day goes through
    `_day_offers`. `exceptions` (time off and extra hours covering the range, as `schedule_exceptions` reads
    them) save a query when the caller has them already.
    """
    weekly = _weekly_slots(
        doctor_ids=[doctor.doctor_id for doctor in doctors], start=start, end=end, exceptions=exceptions
    )
    return _schedule(
        weekly,
        doctors=doctors,
        days=days_between(start, end),
        consultation_type=consultation_type,
        clinic_id=clinic_id,
        min_notice=min_notice,
    )


def slot_schedule(
    *,
    doctor: Doctor,
    day: date,
    consultation_type: str | None = None,
    clinic_id: str | None = None,
    exceptions: list[ScheduleException] | None = None,
    min_notice: bool = True,
) -> list[BookableTime]:
    """The doctor's times on `day` (from the minimum notice on; future ones only with `min_notice=False`, for
    staff), before subtracting places already taken: the range of one day (`slot_schedule_range`)."""
    schedule = slot_schedule_range(
        doctors=[doctor],
        start=day,
        end=day,
        consultation_type=consultation_type,
        clinic_id=clinic_id,
        exceptions=exceptions,
        min_notice=min_notice,
    )
    return schedule[(doctor.doctor_id, day)]


def slot_offered(
    *,
    doctor: Doctor,
    day: date,
    time_slot: str,
    consultation_type: str,
    clinic_id: str | None = None,
    min_notice: bool = True,
) -> BookableTime | None:
    """THE offer for one time (its slot, fee and `maxPatients`), as availability lists it, or None.

    Booking and the admin's move take their capacity from here, so no path can find a bigger capacity than
    the one availability shows. `min_notice=False` (staff) also offers times inside the minimum notice.
    """
    for offered in slot_schedule(
        doctor=doctor, day=day, consultation_type=consultation_type, clinic_id=clinic_id, min_notice=min_notice
    ):
        if offered.time_slot == time_slot:
            return offered
    return None


MSG_AWAY_ON_DATE = "{doctor} is away on {date}{at_clinic} ({reason}). Choose another date."
MSG_AWAY_AT_TIME = "{doctor} is away on {date} from {start} to {end}{at_clinic} ({reason}). Choose another time."


def time_off_covering(
    exceptions: Iterable[ScheduleException], *, day: date, time_slot: str, appointment_type: str, clinic_id: str | None
) -> ScheduleException | None:
    """The first time off among `exceptions` that covers an appointment of this type at this time, or None.

    An IN_CLINIC time is covered by time off everywhere or at its clinic; an ONLINE one only by time off
    everywhere (docs/booking.md, Time off and extra hours)."""
    try:
        minute = minutes_12h(time_slot)
    except ValueError:
        return None
    at = clinic_id if appointment_type == AppointmentType.IN_CLINIC else None
    return next((e for e in exceptions if e.covers(day=day, minute=minute, clinic_id=at)), None)


def time_off_message(*, doctor: Doctor, time_off: ScheduleException, day: date) -> tuple[str, str]:
    """(field, message) of a refusal inside `time_off`: the date for whole days, the time for part of one."""
    entry = doctor.clinic(time_off.clinic_id) if time_off.clinic_id else None
    at_clinic = f" at {entry.name if entry else time_off.clinic_id}" if time_off.clinic_id else ""
    names = {"doctor": doctor.name, "date": day.isoformat(), "at_clinic": at_clinic, "reason": time_off.reason}
    if time_off.whole_day:
        return "appointmentDate", MSG_AWAY_ON_DATE.format(**names)
    return "timeSlot", MSG_AWAY_AT_TIME.format(start=time_off.start_time, end=time_off.end_time, **names)


def places_taken_range(*, doctor_ids: Iterable[str], days: Iterable[date]) -> dict[tuple[str, str], dict[str, int]]:
    """Places held per (doctorId, YYYY-MM-DD) and time: appointments there that are not CANCELLED, numbered
    or not (so ones the existing system wrote count at once). One query on {doctorId, appointmentDate},
    whatever the number of doctors and dates (the dates listed with `$in`, not a range: mongo/README.md)."""
    ids, dates = sorted(set(doctor_ids)), sorted({day.isoformat() for day in days})
    if not ids or not dates:
        return {}
    # Equality only, status compared here: SecantusDB plans `$ne` as a collection scan (mongo/README.md).
    match: dict[str, Any] = {
        "doctorId": ids[0] if len(ids) == 1 else {"$in": ids},
        "appointmentDate": dates[0] if len(dates) == 1 else {"$in": dates},
    }
    cursor = collection(Appointment._meta.db_table).find(
        match, {"_id": 0, "doctorId": 1, "appointmentDate": 1, "timeSlot": 1, "status": 1}, batch_size=FIRST_BATCH
    )
    taken: dict[tuple[str, str], dict[str, int]] = {}
    for document in cursor:
        time_slot = document.get("timeSlot")
        if isinstance(time_slot, str) and document.get("status") != AppointmentStatus.CANCELLED:
            held = taken.setdefault((str(document.get("doctorId")), str(document.get("appointmentDate"))), {})
            held[time_slot] = held.get(time_slot, 0) + 1
    return taken


def places_taken(*, doctor_id: str, appointment_date: str) -> dict[str, int]:
    """Places held per time of one doctor on one date (`places_taken_range` of one doctor and day)."""
    taken = places_taken_range(doctor_ids=[doctor_id], days=[date.fromisoformat(appointment_date)])
    return taken.get((doctor_id, appointment_date), {})


def free_times(times: Sequence[BookableTime], taken: dict[str, int]) -> list[BookableTime]:
    """`times` with their places still free, those with none left dropped."""
    free = [replace(t, remaining=t.max_patients - taken.get(t.time_slot, 0)) for t in times]
    return [t for t in free if t.remaining > 0]


Schedule = dict[tuple[str, date], list[BookableTime]]


def _subtract_places(schedule: Schedule) -> Schedule:
    """`schedule` minus the places already taken: one query (`places_taken_range`) for the days with times."""
    busy = [key for key, times in schedule.items() if times]
    taken = places_taken_range(doctor_ids=[doctor_id for doctor_id, _ in busy], days=[day for _, day in busy])
    return {
        (doctor_id, day): free_times(times, taken.get((doctor_id, day.isoformat()), {})) if times else []
        for (doctor_id, day), times in schedule.items()
    }


def slot_availability_range(
    *,
    doctors: Sequence[Doctor],
    start: date,
    end: date,
    consultation_type: str | None = None,
    clinic_id: str | None = None,
    exceptions: list[ScheduleException] | None = None,
) -> dict[tuple[str, date], list[BookableTime]]:
    """The bookable times of each doctor on each date from `start` to `end`, keyed by (doctorId, date), each
    with its places still free (> 0). Three queries at most whatever the number of doctors and days."""
    return _subtract_places(
        slot_schedule_range(
            doctors=doctors,
            start=start,
            end=end,
            consultation_type=consultation_type,
            clinic_id=clinic_id,
            exceptions=exceptions,
        )
    )


def slot_availability(
    *,
    doctor: Doctor,
    date: date,
    consultation_type: str | None = None,
    clinic_id: str | None = None,
    exceptions: list[ScheduleException] | None = None,
) -> list[BookableTime]:
    """The bookable times of `doctor` on `date`, sorted, each with its places still free (> 0): the range of
    one day (`slot_availability_range`). `exceptions`: the doctor's time off and extra hours already read
    for a window of days (`schedule_exceptions`)."""
    available = slot_availability_range(
        doctors=[doctor],
        start=date,
        end=date,
        consultation_type=consultation_type,
        clinic_id=clinic_id,
        exceptions=exceptions,
    )
    return available[(doctor.doctor_id, date)]


def availability_days(
    *,
    doctor: Doctor,
    start: date,
    end: date,
    consultation_type: str | None = None,
    clinic_id: str | None = None,
) -> list[tuple[date, list[BookableTime]]]:
    """Every date from `start` to `end` with the doctor's bookable times, in date order (a month calendar).

    Dates outside the booking window (past days, days beyond the horizon) are listed with no times. Round
    trips do not grow with the range: the part inside the window is one `slot_availability_range`.
    """
    today = clock.local_today()
    first, last = max(start, today), min(end, today + timedelta(days=booking_horizon_days(doctor)))
    available = (
        slot_availability_range(
            doctors=[doctor], start=first, end=last, consultation_type=consultation_type, clinic_id=clinic_id
        )
        if first <= last
        else {}
    )
    return [(day, available.get((doctor.doctor_id, day), [])) for day in days_between(start, end)]


# --- the next free time of many doctors (search) ----------------------------------------------------------


@dataclass(frozen=True)
class NextAvailable:
    """A doctor's soonest bookable time."""

    date: date
    minutes: int
    time_slot: str
    consultation_type: str
    clinic_id: str


# Days scanned per round: the first week, then the next two, four and eight weeks up to the horizon. Most doctors
# have a free time in the first week, so a page usually costs one places query; never more than five.
NEXT_AVAILABLE_WINDOWS = (7, 14, 28, 56)


def _windows(first: date, last: date) -> list[list[date]]:
    windows, start = [], first
    for length in NEXT_AVAILABLE_WINDOWS:
        if start > last:
            break
        end = min(last, start + timedelta(days=length - 1))
        windows.append(days_between(start, end))
        start = end + timedelta(days=1)
    if start <= last:
        windows.append(days_between(start, last))
    return windows


def next_available(
    *, doctors: Sequence[Doctor], consultation_type: str | None = None
) -> dict[str, NextAvailable | None]:
    """Each doctor's soonest bookable time from now up to the booking horizon, or None, by doctorId.

    Round trips do not grow with the number of doctors: three for their weekly slots, time off and extra
    hours, and clinics, then one places query per window of days (NEXT_AVAILABLE_WINDOWS) for the doctors
    still without a free time. Each doctor's own horizon and notice apply (`_day_offers`).
    """
    today = clock.local_today()
    horizons = {doctor.doctor_id: today + timedelta(days=booking_horizon_days(doctor)) for doctor in doctors}
    last = max(horizons.values(), default=today)
    weekly = _weekly_slots(doctor_ids=[d.doctor_id for d in doctors], start=today, end=last)
    found: dict[str, NextAvailable | None] = {doctor.doctor_id: None for doctor in doctors}
    waiting = [doctor for doctor in doctors if doctor.doctor_id in weekly.doctor_ids()]
    for days in _windows(today, last):
        if not waiting:
            break
        taken = places_taken_range(doctor_ids=[doctor.doctor_id for doctor in waiting], days=days)
        for doctor in waiting:
            mine = [day for day in days if day <= horizons[doctor.doctor_id]]  # each doctor's own horizon
            found[doctor.doctor_id] = _first_free(
                weekly, doctor=doctor, days=mine, taken=taken, consultation_type=consultation_type
            )
        waiting = [doctor for doctor in waiting if found[doctor.doctor_id] is None]
    return found


def _first_free(
    weekly: _WeeklySlots,
    *,
    doctor: Doctor,
    days: Sequence[date],
    taken: dict[tuple[str, str], dict[str, int]],
    consultation_type: str | None,
) -> NextAvailable | None:
    """The doctor's first time with a place left among `days`, working out only the days up to it."""
    for day in days:
        times = _day_times(weekly, doctor=doctor, day=day, consultation_type=consultation_type)
        for time_ in free_times(times, taken.get((doctor.doctor_id, day.isoformat()), {})) if times else []:
            return NextAvailable(day, time_.minutes, time_.time_slot, time_.consultation_type, time_.clinic_id)
    return None


def doctors_available_on(*, doctor_ids: Sequence[str], day: date, consultation_type: str | None = None) -> set[str]:
    """The doctorIds among `doctor_ids` with a free time on `day` (nothing outside the booking window).

    At most six queries whatever the number of doctors: their slots of that weekday, time off and extra hours
    and clinics, then only the doctors with hours that day, and the places taken that day.
    """
    if day < clock.local_today():
        return set()
    weekly = _weekly_slots(doctor_ids=doctor_ids, start=day, end=day)
    with_hours = sorted(weekly.doctor_ids())
    found = list(Doctor.objects.filter(doctor_id__in=with_hours)) if with_hours else []
    candidates = [doctor for doctor in found if booking_date_error(day, doctor) is None]  # own horizons
    available = _subtract_places(_schedule(weekly, doctors=candidates, days=[day], consultation_type=consultation_type))
    return {doctor_id for (doctor_id, _), times in available.items() if times}


WHEN_UPCOMING, WHEN_PAST = "upcoming", "past"


def appointment_list_for_member(
    *, user: Any, status: str | None = None, when: str | None = None
) -> QuerySet[Appointment]:
    """The member's own appointments (the seed's {userId, status} index).

    `when=upcoming`: PENDING_CONFIRMATION or CONFIRMED from today on (clinic-local), soonest date first.
    `when=past`: all the others (an earlier date, or completed or cancelled), newest date first. Neither: all
    of them, newest date first. The times of a date follow the clock the same way, in the database's order, so
    a page boundary inside a date keeps it (`_CLOCK_ORDER`).
    """
    appointments = Appointment.objects.filter(user=user)
    if status:
        appointments = appointments.filter(status=status)
    today = clock.local_today().isoformat()
    upcoming = Q(status__in=LIVE, appointment_date__gte=today)
    if when == WHEN_UPCOMING:
        return appointments.filter(upcoming).order_by("appointment_date", _CLOCK_ORDER.asc(), "created_at")
    if when == WHEN_PAST:
        appointments = appointments.filter(~upcoming)
    return appointments.order_by("-appointment_date", _CLOCK_ORDER.desc(), "-created_at")


# The stored 12-hour "hh:mm AM" as text that sorts in clock order ("AM0930", "PM0000" for 12:00 PM), worked out by
# the database: ordering the times of a date page by page let a page boundary split a date out of order.
_CLOCK_ORDER = Concat(
    Substr("time_slot", 7, 2),
    Case(When(time_slot__startswith="12", then=Value("00")), default=Substr("time_slot", 1, 2)),
    Substr("time_slot", 4, 2),
    output_field=CharField(),
)


def appointment_get_for_member(*, user: Any, appointment_id: str) -> Appointment:
    """One of the member's own appointments by `appointmentId` or by its `_id` (24-hex). Raises NotFound."""
    appointment = first_by_key(Appointment, key=appointment_id, field="appointment_id", user=user)
    if appointment is None:
        raise NotFound(MSG_APPOINTMENT_NOT_FOUND)
    return appointment


def appointment_get_for_doctor(*, doctor: Doctor, appointment_id: str) -> Appointment:
    """One of the doctor's own appointments by `appointmentId` or by its `_id` (24-hex).

    The one reader of "this doctor's appointment" (doctor API, portal, consultations, prescriptions).
    Raises NotFound for an unknown id and for another doctor's appointment alike (404, never 403).
    """
    appointment = first_by_key(Appointment, key=appointment_id, field="appointment_id", doctor_id=doctor.doctor_id)
    if appointment is None:
        raise NotFound()
    return appointment


def slot_has_upcoming_appointments(slot: DoctorSlot) -> bool:
    """Whether a weekly slot holds pending or confirmed appointments from today on (doctors' `slot_delete`
    asks through the check appointments registers in its AppConfig.ready)."""
    return Appointment.objects.filter(
        slot_id=slot.pk, status__in=LIVE, appointment_date__gte=clock.local_today().isoformat()
    ).exists()


def slot_most_places_held(slot: DoctorSlot) -> int:
    """The most places held (appointments not CANCELLED) at any upcoming time of this weekly slot: the
    lowest `maxPatients` it may be given (doctors' slot_update asks through the check registered in
    AppConfig.ready). One query on {doctorId, appointmentDate}."""
    times = {time_12h(start) for start, _ in _steps(slot)}
    today = clock.local_today()
    first_future = _first_future_minute(today)
    # The slot's upcoming dates up to the longest booking horizon a doctor can have, listed ($in) so the
    # query stays on the {doctorId, appointmentDate} index; status compared here (mongo/README.md).
    days = [
        (today + timedelta(days=offset)).isoformat()
        for offset in range(max(booking_horizon_days(), MAX_HORIZON_DAYS) + 1)
        if DAYS_OF_WEEK[(today + timedelta(days=offset)).weekday()] == slot.day_of_week
    ]
    held: dict[tuple[str, str], int] = {}
    cursor = collection(Appointment._meta.db_table).find(
        {"doctorId": slot.doctor_id, "appointmentDate": {"$in": days}},
        {"_id": 0, "appointmentDate": 1, "timeSlot": 1, "status": 1},
    )
    for document in cursor:
        day_text, time_slot = str(document.get("appointmentDate")), document.get("timeSlot")
        if not isinstance(time_slot, str) or time_slot not in times:
            continue
        if document.get("status") == AppointmentStatus.CANCELLED:
            continue
        if day_text == today.isoformat() and minutes_12h(time_slot) < first_future:
            continue
        held[(day_text, time_slot)] = held.get((day_text, time_slot), 0) + 1
    return max(held.values(), default=0)
