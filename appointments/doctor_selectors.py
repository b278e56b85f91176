"""Reads of a doctor's own appointments: the doctor API, the portal dashboard and lists.

Every query filters on `doctorId` (index `appointments_doctor_date`), so a doctor never sees another
doctor's appointment. One appointment of the doctor's: `appointments.selectors.appointment_get_for_doctor`.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Case, CharField, QuerySet, Value, When
from django.db.models.functions import Concat, Substr

from appointments.models import Appointment, AppointmentStatus
from appointments.services.workflow import CANCELLABLE
from core import clock
from doctors.models import Doctor

# "hh:mm AM" strings do not sort in the day's order ("12:30 PM" is before "01:00 PM"): sort on "PM0030".
TIME_OF_DAY = Concat(
    Substr("time_slot", 7, 2),
    Case(
        When(time_slot__startswith="12", then=Value("00")), default=Substr("time_slot", 1, 2), output_field=CharField()
    ),
    Substr("time_slot", 4, 2),
    output_field=CharField(),
)
UPCOMING_DAYS = 14
DASHBOARD_UPCOMING_SHOWN = 20  # the rest are one click away, in the appointment list


def time_of_day(time_slot: str | None) -> str:
    """TIME_OF_DAY computed here, for lists read whole (a cheaper shape for the embedded server:
    mongo/README.md)."""
    slot = time_slot or ""
    return slot[6:8] + ("00" if slot.startswith("12") else slot[0:2]) + slot[3:5]


class Scope:
    UPCOMING = "upcoming"
    PAST = "past"
    ALL = "all"
    CHOICES = ((UPCOMING, "Upcoming"), (PAST, "Past"), (ALL, "All dates"))


def doctor_appointments(
    *,
    doctor: Doctor,
    on_date: str | None = None,
    status: str | None = None,
    scope: str = Scope.ALL,
    today: date | None = None,
) -> QuerySet[Appointment]:
    """The doctor's appointments. One date, or upcoming (today on, soonest first), or past / all (newest
    date first); times within a day always in the day's order."""
    appointments = Appointment.objects.filter(doctor_id=doctor.doctor_id).annotate(time_of_day=TIME_OF_DAY)
    if status:
        appointments = appointments.filter(status=status)
    if on_date:
        return appointments.filter(appointment_date=on_date).order_by("time_of_day", "created_at")
    today_iso = (today or clock.local_today()).isoformat()
    if scope == Scope.UPCOMING:
        return appointments.filter(appointment_date__gte=today_iso).order_by("appointment_date", "time_of_day")
    if scope == Scope.PAST:
        appointments = appointments.filter(appointment_date__lt=today_iso)
    return appointments.order_by("-appointment_date", "time_of_day")


@dataclass
class Dashboard:
    today: list[Appointment]
    upcoming: list[Appointment]
    pending_count: int
    today_open_count: int

    @property
    def upcoming_shown(self) -> list[Appointment]:
        """The soonest upcoming appointments: a busy fortnight would otherwise make a page of hundreds."""
        return self.upcoming[:DASHBOARD_UPCOMING_SHOWN]

    @property
    def upcoming_not_shown(self) -> int:
        return max(0, len(self.upcoming) - DASHBOARD_UPCOMING_SHOWN)


def doctor_dashboard(*, doctor: Doctor, today: date) -> Dashboard:
    """Today's appointments (every status) and the next two weeks' open ones, from ONE query.

    The days are listed (`$in`) rather than bounded (index-friendly shape: mongo/README.md).
    """
    days = [(today + timedelta(days=offset)).isoformat() for offset in range(UPCOMING_DAYS + 1)]
    rows = sorted(
        Appointment.objects.filter(doctor_id=doctor.doctor_id, appointment_date__in=days),
        key=lambda row: (row.appointment_date, time_of_day(row.time_slot)),
    )
    today_iso = today.isoformat()
    todays = [row for row in rows if row.appointment_date == today_iso]
    upcoming = [row for row in rows if row.appointment_date != today_iso and row.status in CANCELLABLE]
    return Dashboard(
        today=todays,
        upcoming=upcoming,
        pending_count=sum(1 for row in rows if row.status == AppointmentStatus.PENDING_CONFIRMATION),
        today_open_count=sum(1 for row in todays if row.status in CANCELLABLE),
    )
