"""GET /api/v1/appointments?when=upcoming|past, and the video room of each ONLINE appointment in the list."""

from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from rest_framework.test import APIClient

from appointments.models import AppointmentStatus
from consultations.models import ConsultationStatus
from tests.appointments.conftest import MONDAY
from tests.appointments.factories import AppointmentFactory, OnlineAppointmentFactory
from tests.consultations.factories import VideoConsultationFactory
from users.models import User

pytestmark = pytest.mark.django_db
C, P, X, D = (
    AppointmentStatus.CONFIRMED,
    AppointmentStatus.PENDING_CONFIRMATION,
    AppointmentStatus.CANCELLED,
    AppointmentStatus.COMPLETED,
)


def listed(api: APIClient, **params: object) -> list[dict]:
    response = api.get("/api/v1/appointments", {"page_size": 100, **params})
    assert response.status_code == 200, response.json()
    return response.json()["results"]


def ids(api: APIClient, **params: object) -> list[str]:
    return [a["appointmentId"] for a in listed(api, **params)]


@pytest.fixture
def mine(member: User) -> dict[str, str]:
    made = {
        "today_late": AppointmentFactory(user=member, appointment_date=MONDAY, time_slot="04:00 PM", status=C),
        "today_early": AppointmentFactory(user=member, appointment_date=MONDAY, time_slot="09:00 AM", status=P),
        "next_week": AppointmentFactory(user=member, appointment_date="2031-01-13", status=C),
        "cancelled_future": AppointmentFactory(user=member, appointment_date="2031-01-20", status=X),
        "yesterday": AppointmentFactory(user=member, appointment_date="2031-01-05", status=C),
        "done": AppointmentFactory(user=member, appointment_date="2030-12-01", status=D),
    }
    AppointmentFactory(appointment_date="2031-01-08")  # someone else's
    return {name: a.appointment_id for name, a in made.items()}


def test_upcoming_is_pending_or_confirmed_from_today_soonest_first(api: APIClient, mine: dict) -> None:
    assert ids(api, when="upcoming") == [mine["today_early"], mine["today_late"], mine["next_week"]]


def test_past_is_everything_else_newest_first(api: APIClient, mine: dict) -> None:
    assert ids(api, when="past") == [mine["cancelled_future"], mine["yesterday"], mine["done"]]


def test_without_when_all_newest_first(api: APIClient, mine: dict) -> None:
    assert len(ids(api)) == 6
    assert ids(api)[0] == mine["cancelled_future"]


def test_when_combines_with_status(api: APIClient, mine: dict) -> None:
    assert ids(api, when="upcoming", status="PENDING_CONFIRMATION") == [mine["today_early"]]


def test_when_is_one_of_two_words(api: APIClient) -> None:
    response = api.get("/api/v1/appointments", {"when": "soon"})
    assert response.status_code == 400
    assert "when" in response.json()


def test_online_appointments_say_whether_their_room_is_open(api: APIClient, member: User) -> None:
    waiting = OnlineAppointmentFactory(user=member, appointment_date=MONDAY, time_slot="09:00 AM")
    started = OnlineAppointmentFactory(user=member, appointment_date=MONDAY, time_slot="10:00 AM")
    room = VideoConsultationFactory(appointment=started, status=ConsultationStatus.SCHEDULED)
    ended = OnlineAppointmentFactory(user=member, appointment_date=MONDAY, time_slot="11:00 AM", status=D)
    closed = VideoConsultationFactory(appointment=ended, status=ConsultationStatus.COMPLETED)
    clinic = AppointmentFactory(user=member, appointment_date=MONDAY, time_slot="12:00 PM")
    by_id = {a["appointmentId"]: a for a in listed(api)}
    assert (by_id[waiting.appointment_id]["consultationId"], by_id[waiting.appointment_id]["videoRoomOpen"]) == (
        None,
        False,
    )
    assert by_id[started.appointment_id]["consultationId"] == room.consultation_id
    assert by_id[started.appointment_id]["videoRoomOpen"] is True
    assert by_id[ended.appointment_id]["consultationId"] == closed.consultation_id
    assert by_id[ended.appointment_id]["videoRoomOpen"] is False
    assert (by_id[clinic.appointment_id]["consultationId"], by_id[clinic.appointment_id]["videoRoomOpen"]) == (
        None,
        None,
    )


def test_an_open_room_wins_over_an_older_cancelled_one(api: APIClient, member: User) -> None:
    appointment = OnlineAppointmentFactory(user=member, appointment_date=MONDAY)
    VideoConsultationFactory(appointment=appointment, status=ConsultationStatus.CANCELLED)
    reopened = VideoConsultationFactory(appointment=appointment, status=ConsultationStatus.IN_PROGRESS)
    (shown,) = listed(api)
    assert (shown["consultationId"], shown["videoRoomOpen"]) == (reopened.consultation_id, True)
    detail = api.get(f"/api/v1/appointments/{appointment.appointment_id}").json()
    assert (detail["consultationId"], detail["videoRoomOpen"]) == (reopened.consultation_id, True)


@pytest.mark.parametrize("count", [2, 30])
def test_the_list_costs_the_same_round_trips_however_many_online(
    api: APIClient, member: User, assert_db_commands: Callable[[int], AbstractContextManager], count: int
) -> None:
    """Sign-in, the page with its count, the consultations of its ONLINE appointments: three."""
    for n in range(count):
        appointment = OnlineAppointmentFactory(
            user=member, appointment_date=MONDAY, time_slot=f"{n % 12 + 1:02d}:00 PM"
        )
        if n % 2:
            VideoConsultationFactory(appointment=appointment)
    with assert_db_commands(3):
        assert len(listed(api, when="upcoming")) == count
