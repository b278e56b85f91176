"""The doctor's week for the portal's week view (`portal-week`): booked visits, free times and time off, as a
grid of days (columns) and times (rows). docs/portal.md#week-view.

Free times are `slot_availability`'s, the selector members book from, so the week view cannot disagree with
what members see (minimum notice, horizon, clinic hours, time off, places taken). Time off comes from
`doctors.schedule.selectors.schedule_exceptions`. Round trips do not grow with the number of visits: one query
for the week's visits, one for its time off and extra hours, and per bookable day the availability's own
(weekly slots, clinics, places taken).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from appointments.models import Appointment, AppointmentStatus
from appointments.selectors import BookableTime, booking_date_error, slot_availability
from core import clock
from core.validators import minutes_12h
from doctors.models import Doctor, ScheduleException
from doctors.schedule.selectors import schedule_exceptions

DAYS_IN_WEEK = 7
UNREADABLE_TIME = 24 * 60  # a legacy time we cannot read sorts after the day's last time


def week_start(day: date) -> date:
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


@dataclass
class WeekCell:
    """One day at one time: its visits, the free time members can book there, and any time off covering it."""

    day: date
    visits: list[Appointment] = field(default_factory=list)
    free: BookableTime | None = None
    time_off: ScheduleException | None = None


@dataclass
class WeekRow:
    minutes: int
    time_slot: str
    cells: list[WeekCell]


@dataclass
class WeekDay:
    day: date
    is_today: bool
    is_past: bool
    time_off: list[ScheduleException]
    visit_count: int = 0
    free_count: int = 0


@dataclass
class Week:
    start: date
    days: list[WeekDay]
    rows: list[WeekRow]

    @property
    def end(self) -> date:
        return self.start + timedelta(days=DAYS_IN_WEEK - 1)

    @property
    def previous(self) -> date:
        return self.start - timedelta(days=DAYS_IN_WEEK)

    @property
    def next(self) -> date:
        return self.start + timedelta(days=DAYS_IN_WEEK)

    @property
    def visit_count(self) -> int:
        return sum(day.visit_count for day in self.days)


def _minutes(time_slot: str | None) -> int:
    try:
        return minutes_12h(time_slot or "")
    except (ValueError, AttributeError):
        return UNREADABLE_TIME


def _week_visits(*, doctor: Doctor, days: list[date]) -> list[Appointment]:
    """The doctor's visits on these days that are not CANCELLED: one query on {doctorId, appointmentDate}
    (the days listed with $in; the status compared here: mongo/README.md)."""
    rows = Appointment.objects.filter(doctor_id=doctor.doctor_id, appointment_date__in=[d.isoformat() for d in days])
    return [row for row in rows if row.status != AppointmentStatus.CANCELLED]


def _covering_time_off(time_off: list[ScheduleException], day: date, minutes: int) -> ScheduleException | None:
    return next((e for e in time_off if e.covers(day=day, minute=minutes, clinic_id=e.clinic_id)), None)


def doctor_week(*, doctor: Doctor, start: date) -> Week:
    """The week from `start` (a Monday) for `doctor`: only this doctor's visits, time off and free times."""
    days = [start + timedelta(days=offset) for offset in range(DAYS_IN_WEEK)]
    today = clock.local_today()
    exceptions = schedule_exceptions(doctor_ids=[doctor.doctor_id], start=days[0], end=days[-1])
    time_off = [e for e in exceptions if e.is_time_off]
    grid: dict[tuple[int, str], dict[date, WeekCell]] = {}

    def cell(day: date, time_slot: str) -> WeekCell:
        row = grid.setdefault((_minutes(time_slot), time_slot), {})
        return row.setdefault(day, WeekCell(day=day))

    week_days = [
        WeekDay(day=d, is_today=d == today, is_past=d < today, time_off=[e for e in time_off if e.on(d)]) for d in days
    ]
    by_day = {entry.day: entry for entry in week_days}
    for visit in _week_visits(doctor=doctor, days=days):
        visit_day = date.fromisoformat(visit.appointment_date)
        cell(visit_day, visit.time_slot).visits.append(visit)
        by_day[visit_day].visit_count += 1
    for day in days:
        if booking_date_error(day, doctor) is not None:
            continue  # past, or beyond the doctor's horizon: members cannot book it, so nothing is free
        for offered in slot_availability(doctor=doctor, date=day, exceptions=exceptions):
            cell(day, offered.time_slot).free = offered
            by_day[day].free_count += 1

    rows = []
    for (minutes, time_slot), cells in sorted(grid.items()):
        row_cells = [cells.get(day) or WeekCell(day=day) for day in days]
        for row_cell in row_cells:
            row_cell.visits.sort(key=lambda visit: (visit.created_at is None, visit.created_at))
            row_cell.time_off = _covering_time_off(by_day[row_cell.day].time_off, row_cell.day, minutes)
        rows.append(WeekRow(minutes=minutes, time_slot=time_slot, cells=row_cells))
    return Week(start=start, days=week_days, rows=rows)
