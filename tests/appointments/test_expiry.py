"""Requests that expire: `manage.py expire_requests` with the frozen clock (core.clock), to the minute, and the
dashboard's countdown. The rule: REQUEST_EXPIRY_HOURS (24) after the request or REQUEST_EXPIRY_BEFORE_MINUTES
(120) before the visit, whichever comes first (appointments.selectors.request_expires_at)."""

import threading
from collections.abc import Callable
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from appointments.events import AppointmentEvent, _listeners
from appointments.models import Actor, Appointment
from appointments.selectors import places_taken, requests_expired
from appointments.services.booking import appointment_book, appointment_reschedule
from appointments.services.workflow import MSG_REQUEST_EXPIRED, appointment_confirm, requests_expire
from appointments.templatetags.appointment_tags import time_left_text
from devtools.query_plans import query_plans
from tests.appointments.conftest import MONDAY, TUESDAY, local
from tests.doctors.clients import doctor_portal_client
from tests.doctors.factories import DoctorFactory, DoctorSlotFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

Clock = Callable[[str, str], None]


@pytest.fixture
def doctor():
    """Confirms every booking: each one is a PENDING_CONFIRMATION request. Monday and Tuesday 09:00-12:00."""
    doctor = DoctorFactory(requires_confirmation=True)
    DoctorSlotFactory(doctor=doctor, day_of_week="Monday", max_patients=2)
    DoctorSlotFactory(doctor=doctor, day_of_week="Tuesday", max_patients=2)
    return doctor


def request(doctor, day: str = MONDAY, time_slot: str = "11:00 AM") -> Appointment:
    """A request made now (the frozen clock), by a new member."""
    return appointment_book(
        user=UserFactory(),
        doctor_id=doctor.doctor_id,
        appointment_type="IN_CLINIC",
        appointment_date=day,
        time_slot=time_slot,
        clinic_id=doctor.clinics[0].clinic_id,
    )


def expire() -> str:
    out = StringIO()
    call_command("expire_requests", stdout=out)
    return out.getvalue().strip()


def status(appointment: Appointment) -> str:
    return connection.get_collection("appointments").find_one({"_id": appointment.pk})["status"]


def test_a_request_lapses_before_the_visit_to_the_minute(doctor, set_clock: Clock) -> None:
    """Requested Monday 07:00 for 11:00 the same day: it expires at 09:00 (two hours before)."""
    pending = request(doctor)
    set_clock(MONDAY, "08:59")
    assert expire() == "0 expired request(s) cancelled."
    assert status(pending) == "PENDING_CONFIRMATION"

    set_clock(MONDAY, "09:00")
    assert expire() == "1 expired request(s) cancelled."
    document = connection.get_collection("appointments").find_one({"_id": pending.pk})
    assert (document["status"], document["cancelledBy"], document["cancellationReason"]) == (
        "CANCELLED",
        "SYSTEM",
        MSG_REQUEST_EXPIRED,
    )
    assert "placeNumber" not in document
    assert places_taken(doctor_id=doctor.doctor_id, appointment_date=MONDAY) == {}


def test_a_request_lapses_hours_after_it_was_made_to_the_minute(doctor, set_clock: Clock) -> None:
    """Requested Monday 07:00 for Tuesday 11:00: 24 hours after (Tuesday 07:00) comes before 09:00."""
    pending = request(doctor, TUESDAY)
    set_clock(TUESDAY, "06:59")
    expire()
    assert status(pending) == "PENDING_CONFIRMATION"
    set_clock(TUESDAY, "07:00")
    expire()
    assert status(pending) == "CANCELLED"


def test_a_confirmed_appointment_never_expires(doctor, set_clock: Clock) -> None:
    confirmed = appointment_confirm(appointment=request(doctor), by=Actor.DOCTOR)
    set_clock(MONDAY, "10:30")
    assert expire() == "0 expired request(s) cancelled."
    assert status(confirmed) == "CONFIRMED"


def test_running_again_cancels_nothing_more(doctor, set_clock: Clock) -> None:
    request(doctor)
    request(doctor)
    set_clock(MONDAY, "09:00")
    assert expire() == "2 expired request(s) cancelled."
    assert expire() == "0 expired request(s) cancelled."


def test_the_expiry_emits_cancelled_with_expired(doctor, set_clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    heard: list[dict] = []
    monkeypatch.setitem(_listeners, AppointmentEvent.CANCELLED, [lambda **event: heard.append(event)])
    request(doctor)
    set_clock(MONDAY, "09:00")
    expire()
    assert [(event["by"], event["expired"], event["reason"]) for event in heard] == [
        (Actor.SYSTEM, True, MSG_REQUEST_EXPIRED)
    ]


def test_a_request_confirmed_after_it_was_read_is_left_alone(doctor, set_clock: Clock) -> None:
    pending = request(doctor)
    set_clock(MONDAY, "09:00")
    stale = requests_expired()
    appointment_confirm(appointment=pending, by=Actor.DOCTOR)  # the doctor, just in time
    assert requests_expire(appointments=stale) == 0
    assert status(pending) == "CONFIRMED"


def test_a_request_moved_after_it_was_read_is_left_alone(doctor, set_clock: Clock) -> None:
    pending = request(doctor)
    set_clock(MONDAY, "09:00")
    stale = requests_expired()
    appointment_reschedule(appointment=pending, appointment_date=TUESDAY, time_slot="10:00 AM", by=Actor.MEMBER)
    assert requests_expire(appointments=stale) == 0
    assert status(pending) == "PENDING_CONFIRMATION"


def test_a_changed_setting_applies_to_requests_already_made(doctor, set_clock: Clock, settings) -> None:
    pending = request(doctor, TUESDAY)
    set_clock(MONDAY, "08:00")
    expire()
    assert status(pending) == "PENDING_CONFIRMATION"
    settings.REQUEST_EXPIRY_HOURS = 1
    expire()
    assert status(pending) == "CANCELLED"


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_cancel_each_request_once(doctor, set_clock: Clock) -> None:
    for time_slot in ("09:30 AM", "10:00 AM", "10:30 AM", "11:00 AM", "11:30 AM"):
        request(doctor, time_slot=time_slot)
        request(doctor, time_slot=time_slot)
    set_clock(MONDAY, "09:30")  # all ten visits are two hours away or less
    start = threading.Barrier(2)
    counts: list[int] = []

    def run() -> None:
        found = requests_expired()
        start.wait()
        counts.append(requests_expire(appointments=found))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    left = list(
        Appointment.objects.filter(doctor_id=doctor.doctor_id)
        .exclude(status="CANCELLED")
        .values_list("time_slot", "status")
    )
    assert (sum(counts), left) == (10, [])
    assert Appointment.objects.filter(doctor_id=doctor.doctor_id, status="CANCELLED").count() == 10


# --- the dashboard's countdown --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("left", "text"),
    [
        (timedelta(hours=3, minutes=20), "expires in 3 h 20 min"),
        (timedelta(minutes=59, seconds=59), "expires in 59 min"),
        (timedelta(seconds=30), "expires in less than a minute"),
        (timedelta(days=1, hours=2, minutes=5), "expires in 1 d 2 h"),
        (timedelta(0), "expired"),
    ],
)
def test_time_left_text(left: timedelta, text: str) -> None:
    now = local(MONDAY, "07:00")
    assert time_left_text(now + left, now) == text


def test_the_dashboard_shows_how_long_each_request_has_left(doctor, set_clock: Clock) -> None:
    request(doctor, time_slot="11:00 AM")  # expires at 09:00
    appointment_confirm(appointment=request(doctor, time_slot="11:30 AM"), by=Actor.DOCTOR)
    set_clock(MONDAY, "05:40")
    html = doctor_portal_client(doctor).get("/portal/").content.decode()
    assert html.count("data-expiry") == 1
    assert "expires in 3 h 20 min" in html


def test_the_candidates_are_one_query_on_the_status_index(doctor) -> None:
    request(doctor)
    plans = query_plans(requests_expired)
    assert [(plan.stage, plan.index) for plan in plans] == [("IXSCAN", "appointments_status_date")]
