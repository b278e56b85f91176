"""The operations dashboard's figures over a date range and, optionally, a city: MongoDB aggregations, each
served by an index (tests/operations/test_dashboard.py checks the plans).

Dates are clinic-local visit dates (`appointmentDate`), listed with `$in` rather than bounded, the shape both
planners serve from an index (index-friendly shape: mongo/README.md). A city narrows everything held at a
clinic to the city's clinics; video calls have no city and are counted network-wide.

- bookings per day: appointments by visit date, all statuses, and how many of them are cancelled;
- cancellations by who cancelled (`cancelledBy`: MEMBER, DOCTOR, STAFF, SYSTEM; none recorded = "not recorded");
- pending requests waiting longer than PENDING_WAIT (now, whatever the range: they need someone today);
- no-shows, video calls completed and network issues reported, by the call's clinic-local day;
- utilisation: booked places / offered places per doctor and per clinic. Offered = for each active weekly
  slot, its times (every slotDuration, a whole one before the end) times maxPatients on each date of its weekday
  in the range, minus the times the doctor's time off covers, plus one-off extra hours; booked = appointments
  not cancelled. Clinic opening hours and notice rules are not applied (docs/operations.md).
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from appointments.models import AppointmentStatus
from clinics.models import Clinic
from consultations.models import ConsultationStatus
from core import clock
from core.validators import DAYS_OF_WEEK, minutes_of_day
from doctors.models import ScheduleException
from doctors.schedule.selectors import schedule_exceptions
from mongo.raw import collection

MAX_DAYS = 92
PENDING_WAIT = timedelta(days=1)
PENDING_LISTED = 200
NOT_RECORDED = "not recorded"
LIVE = [
    AppointmentStatus.PENDING_CONFIRMATION.value,
    AppointmentStatus.CONFIRMED.value,
    AppointmentStatus.COMPLETED.value,
]


@dataclass
class Table:
    key: str  # the CSV export's name
    title: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)


@dataclass
class Dashboard:
    start: date
    end: date
    city: str | None
    tables: dict[str, Table]
    pending_total: int

    def chart_data(self) -> dict[str, Any]:
        """What dashboard.js draws: one series per column of the day tables."""

        def columns(key: str) -> dict[str, list[Any]]:
            table = self.tables[key]
            return {header: [row[i] for row in table.rows] for i, header in enumerate(table.headers)}

        return {
            "bookings": columns("bookings_per_day"),
            "cancellations": columns("cancellations"),
            "calls": columns("video_calls"),
        }


def dashboard_days(start: date, end: date) -> list[str]:
    return [(start + timedelta(days=offset)).isoformat() for offset in range((end - start).days + 1)]


def dashboard_cities() -> list[str]:
    return sorted(city for city in Clinic.objects.values_list("city", flat=True).distinct() if city)


def _city_clinics(city: str | None) -> set[str] | None:
    """The clinicIds of `city`, or None for every city. The city is then applied in Python, never as a second
    `$in` beside the indexed fields: SecantusDB plans that as a collection scan (mongo/README.md)."""
    if not city:
        return None
    return {row["clinicId"] for row in collection("clinics").find({"city": city}, {"clinicId": 1, "_id": 0})}


def _in_city(clinic_id: str | None, clinic_ids: set[str] | None) -> bool:
    return clinic_ids is None or clinic_id in clinic_ids


def _appointments_by(days: list[str], **keys: str) -> Iterable[dict[str, Any]]:
    """The range's appointments counted by `keys` (name -> "$field") and their clinicId, on the
    {appointmentDate, status} index (the dates alone in the $match: a status `$in` beside them made SecantusDB
    scan the collection)."""
    return collection("appointments").aggregate(
        [
            {"$match": {"appointmentDate": {"$in": days}}},
            {"$group": {"_id": {**keys, "clinic": "$clinicId"}, "n": {"$sum": 1}}},
        ]
    )


def _bookings(days: list[str], clinic_ids: set[str] | None) -> tuple[Table, Table]:
    """Bookings per day and cancellations by who cancelled, from one aggregation."""
    booked: Counter[str] = Counter()
    cancelled: Counter[str] = Counter()
    by_whom: Counter[str] = Counter()
    for group in _appointments_by(days, day="$appointmentDate", status="$status", by="$cancelledBy"):
        key, count = group["_id"], group["n"]
        if not _in_city(key.get("clinic"), clinic_ids):
            continue
        booked[key["day"]] += count
        if key.get("status") == AppointmentStatus.CANCELLED:
            cancelled[key["day"]] += count
            by_whom[key.get("by") or NOT_RECORDED] += count
    per_day = Table("bookings_per_day", "Bookings per day", ["date", "booked", "cancelled"])
    per_day.rows = [[day, booked[day], cancelled[day]] for day in days]
    who = Table("cancellations", "Cancellations by who cancelled", ["cancelled by", "appointments"])
    who.rows = [[name, count] for name, count in sorted(by_whom.items(), key=lambda item: (-item[1], item[0]))]
    return per_day, who


PENDING_FIELDS = {
    "appointmentId": 1,
    "appointmentDate": 1,
    "timeSlot": 1,
    "doctorName": 1,
    "clinicId": 1,
    "clinicName": 1,
    "requestedAt": 1,
}


def _pending(clinic_ids: set[str] | None, now: datetime) -> tuple[Table, int]:
    """Requests pending longer than PENDING_WAIT, oldest first (the {status, requestedAt} index)."""
    match = {"status": AppointmentStatus.PENDING_CONFIRMATION.value, "requestedAt": {"$lt": now - PENDING_WAIT}}
    table = Table(
        "pending",
        "Requests waiting for confirmation longer than a day",
        ["appointment", "visit date", "time", "doctor", "clinic", "requested at", "waiting (hours)"],
    )
    zone = ZoneInfo(settings.TIME_ZONE)
    total = 0
    for row in collection("appointments").find(match, PENDING_FIELDS).sort("requestedAt", 1):
        if not _in_city(row.get("clinicId"), clinic_ids):
            continue
        total += 1
        if total > PENDING_LISTED:
            continue
        requested = _aware(row["requestedAt"])
        table.rows.append(
            [
                row.get("appointmentId"),
                row.get("appointmentDate"),
                row.get("timeSlot"),
                row.get("doctorName"),
                row.get("clinicName") or "online",
                requested.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                int((now - requested).total_seconds() // 3600),
            ]
        )
    return table, total


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo("UTC"))


def _calls(start: date, end: date, days: list[str]) -> Table:
    """Completed calls, no-shows and network issues per clinic-local day: one aggregation per status, each an
    equality on the seed's {status, scheduledStartTime} index (a `status: {$in}` made SecantusDB scan)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    since = datetime.combine(start, time.min, tzinfo=zone)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone)
    completed: Counter[str] = Counter()
    no_shows: Counter[str] = Counter()
    issues: Counter[str] = Counter()
    for status in ConsultationStatus:
        rows = collection("video_consultations").aggregate(
            [
                {"$match": {"status": status.value, "scheduledStartTime": {"$gte": since, "$lt": until}}},
                {
                    "$project": {
                        "_id": 0,
                        "scheduledStartTime": 1,
                        "issues": {"$size": {"$ifNull": ["$networkIssues", []]}},
                    }
                },
            ]
        )
        for row in rows:
            day = _aware(row["scheduledStartTime"]).astimezone(zone).date().isoformat()
            completed[day] += status == ConsultationStatus.COMPLETED
            no_shows[day] += status == ConsultationStatus.NO_SHOW
            issues[day] += int(row.get("issues") or 0)
    table = Table("video_calls", "Video calls per day", ["date", "completed", "no-shows", "network issues reported"])
    table.rows = [[day, completed[day], no_shows[day], issues[day]] for day in days]
    return table


def _dates_by_weekday(days: list[str]) -> dict[str, list[date]]:
    found: dict[str, list[date]] = {}
    for day in days:
        moment = date.fromisoformat(day)
        found.setdefault(DAYS_OF_WEEK[moment.weekday()], []).append(moment)
    return found


SLOT_FIELDS = {
    "doctorId": 1,
    "clinicId": 1,
    "dayOfWeek": 1,
    "startTime": 1,
    "endTime": 1,
    "slotDuration": 1,
    "maxPatients": 1,
    "consultationType": 1,
    "_id": 0,
}


def _times(start: str, end: str, duration: int) -> list[int]:
    """The start minutes of a window's times, as availability steps them (a whole duration before the end)."""
    first, last = minutes_of_day(start), minutes_of_day(end)
    return list(range(first, last - duration + 1, duration)) if duration > 0 else []


def _slot_places(slot: dict[str, Any], dates: list[date], time_off: list[ScheduleException]) -> int:
    """Places one weekly slot offers on `dates`, minus the times its doctor's time off covers."""
    times = _times(slot["startTime"], slot["endTime"], int(slot.get("slotDuration") or 0))
    at = None if slot.get("consultationType") == "ONLINE" else slot.get("clinicId")
    free = 0
    for day in dates:
        away = [entry for entry in time_off if entry.on(day)]
        free += sum(1 for minute in times if not any(e.covers(day=day, minute=minute, clinic_id=at) for e in away))
    return free * int(slot.get("maxPatients") or 1)


def _offered(days: list[str], clinic_ids: set[str] | None) -> tuple[Counter[str], Counter[str]]:
    """Places offered in the range per doctor and per clinic (clinic: in-clinic slots only): the active weekly
    slots (the seed's {isActive} index) minus time off, plus one-off extra hours (one query for every doctor:
    doctors.schedule.selectors.schedule_exceptions)."""
    by_weekday = _dates_by_weekday(days)
    slots = [
        slot
        for slot in collection("doctor_slots").find({"isActive": True}, SLOT_FIELDS)
        if slot.get("dayOfWeek") in by_weekday and _in_city(slot.get("clinicId"), clinic_ids)
    ]
    exceptions = (
        schedule_exceptions(
            doctor_ids={slot["doctorId"] for slot in slots},
            start=date.fromisoformat(days[0]),
            end=date.fromisoformat(days[-1]),
        )
        if slots
        else []
    )
    time_off: dict[str, list[ScheduleException]] = {}
    for entry in exceptions:
        if entry.is_time_off:
            time_off.setdefault(entry.doctor_id, []).append(entry)
    per_doctor: Counter[str] = Counter()
    per_clinic: Counter[str] = Counter()
    for slot in slots:
        places = _slot_places(slot, by_weekday[slot["dayOfWeek"]], time_off.get(slot["doctorId"], []))
        per_doctor[slot["doctorId"]] += places
        if slot.get("consultationType") != "ONLINE":
            per_clinic[slot["clinicId"]] += places
    for entry in exceptions:
        if entry.is_time_off or not _in_city(entry.clinic_id, clinic_ids) or entry.start_date not in days:
            continue
        times = _times(str(entry.start_time), str(entry.end_time), int(entry.slot_duration or 0))
        places = len(times) * int(entry.max_patients or 1)
        per_doctor[entry.doctor_id] += places
        if entry.consultation_type != "ONLINE" and entry.clinic_id:
            per_clinic[entry.clinic_id] += places
    return per_doctor, per_clinic


def _booked(days: list[str], clinic_ids: set[str] | None) -> tuple[Counter[str], Counter[str]]:
    """Live (not cancelled) appointments per doctor and per clinic."""
    per_doctor: Counter[str] = Counter()
    per_clinic: Counter[str] = Counter()
    for group in _appointments_by(days, doctor="$doctorId", status="$status"):
        key = group["_id"]
        if key.get("status") not in LIVE or not _in_city(key.get("clinic"), clinic_ids):
            continue
        per_doctor[key["doctor"]] += group["n"]
        if key.get("clinic"):
            per_clinic[key["clinic"]] += group["n"]
    return per_doctor, per_clinic


def _names(collection_name: str, key: str, ids: Iterable[str]) -> dict[str, str]:
    ids = sorted(set(ids))
    if not ids:
        return {}
    found = collection(collection_name).find({key: {"$in": ids}}, {key: 1, "name": 1, "_id": 0})
    return {row[key]: row.get("name") or row[key] for row in found}


def _utilisation_table(
    key: str, title: str, label: str, booked: Counter[str], offered: Counter[str], names: dict[str, str]
) -> Table:
    table = Table(key, title, [label, "name", "booked", "offered", "utilisation %"])
    for ident in sorted(set(booked) | set(offered), key=lambda i: (names.get(i, i), i)):
        share = round(100 * booked[ident] / offered[ident], 1) if offered[ident] else None
        table.rows.append([ident, names.get(ident, ident), booked[ident], offered[ident], share])
    return table


def _utilisation(days: list[str], clinic_ids: set[str] | None) -> tuple[Table, Table]:
    offered_doctor, offered_clinic = _offered(days, clinic_ids)
    booked_doctor, booked_clinic = _booked(days, clinic_ids)
    doctors = _names("doctors", "doctorId", [*offered_doctor, *booked_doctor])
    clinics = _names("clinics", "clinicId", [*offered_clinic, *booked_clinic])
    return (
        _utilisation_table(
            "utilisation_doctors", "Utilisation per doctor", "doctor", booked_doctor, offered_doctor, doctors
        ),
        _utilisation_table(
            "utilisation_clinics",
            "Utilisation per clinic (in-clinic times)",
            "clinic",
            booked_clinic,
            offered_clinic,
            clinics,
        ),
    )


def dashboard_figures(*, start: date, end: date, city: str | None = None) -> Dashboard:
    """Every figure of the dashboard. Precondition: start <= end, at most MAX_DAYS days (the form checks)."""
    days = dashboard_days(start, end)
    clinic_ids = _city_clinics(city)
    bookings, cancellations = _bookings(days, clinic_ids)
    pending, pending_total = _pending(clinic_ids, clock.now())
    doctors, clinics = _utilisation(days, clinic_ids)
    tables = [bookings, cancellations, pending, _calls(start, end, days), doctors, clinics]
    return Dashboard(start=start, end=end, city=city, tables={t.key: t for t in tables}, pending_total=pending_total)
