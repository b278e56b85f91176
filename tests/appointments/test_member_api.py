"""The member's own appointments: list, detail, cancel."""

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from appointments.models import Appointment, AppointmentStatus
from appointments.services.booking import MSG_CANNOT_CANCEL_STARTED
from appointments.services.workflow import MSG_CANNOT_CANCEL
from tests.appointments.conftest import MONDAY, NEXT_MONDAY
from tests.appointments.factories import AppointmentFactory
from tests.doctors.factories import DoctorSlotFactory
from tests.member_api import member_client
from users.models import User

pytestmark = pytest.mark.django_db


def book(api: APIClient, slot: object, time_slot: str = "10:00 AM", day: str = MONDAY) -> dict:
    response = api.post(
        "/api/v1/appointments",
        {
            "doctorId": slot.doctor_id,
            "appointmentType": "IN_CLINIC",
            "appointmentDate": day,
            "timeSlot": time_slot,
            "clinicId": slot.clinic_id,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    return response.json()


def test_list_shows_only_my_appointments_newest_date_first(api: APIClient, member: User) -> None:
    AppointmentFactory(user=member, appointment_date="2031-01-06")
    AppointmentFactory(user=member, appointment_date="2031-02-01")
    AppointmentFactory(user=member, appointment_date="2030-12-01", status=AppointmentStatus.COMPLETED)
    AppointmentFactory(appointment_date="2031-03-01")  # someone else's
    body = api.get("/api/v1/appointments").json()
    assert body["count"] == 3
    assert [a["appointmentDate"] for a in body["results"]] == ["2031-02-01", "2031-01-06", "2030-12-01"]
    assert {a["userId"] for a in body["results"]} == {str(member.pk)}


def test_list_is_paginated(api: APIClient, member: User) -> None:
    AppointmentFactory.create_batch(3, user=member)
    body = api.get("/api/v1/appointments", {"page_size": 2}).json()
    assert (body["count"], len(body["results"])) == (3, 2)
    assert body["next"] is not None and body["previous"] is None


def test_list_filters_by_status(api: APIClient, member: User) -> None:
    AppointmentFactory(user=member, status=AppointmentStatus.CONFIRMED)
    cancelled = AppointmentFactory(user=member, status=AppointmentStatus.CANCELLED)
    results = api.get("/api/v1/appointments", {"status": "CANCELLED"}).json()["results"]
    assert [a["appointmentId"] for a in results] == [cancelled.appointment_id]


def test_list_refuses_an_unknown_status(api: APIClient) -> None:
    response = api.get("/api/v1/appointments", {"status": "LOST"})
    assert response.status_code == 400
    assert list(response.json()) == ["status"]


@pytest.mark.parametrize("by", ["appointmentId", "_id"])
def test_detail_by_appointment_id_or_object_id(api: APIClient, member: User, by: str) -> None:
    appointment = AppointmentFactory(user=member)
    reference = appointment.appointment_id if by == "appointmentId" else str(appointment.pk)
    response = api.get(f"/api/v1/appointments/{reference}")
    assert response.status_code == 200
    assert response.json()["appointmentId"] == appointment.appointment_id


@pytest.mark.parametrize("by", ["appointmentId", "_id"])
def test_someone_else_s_appointment_is_404(api: APIClient, by: str) -> None:
    theirs = AppointmentFactory()
    reference = theirs.appointment_id if by == "appointmentId" else str(theirs.pk)
    assert api.get(f"/api/v1/appointments/{reference}").status_code == 404
    assert api.post(f"/api/v1/appointments/{reference}/cancel").status_code == 404
    assert Appointment.objects.get().status == AppointmentStatus.CONFIRMED


def test_unknown_appointment_is_404(api: APIClient) -> None:
    assert api.get("/api/v1/appointments/APT-NOPE").status_code == 404
    assert api.get("/api/v1/appointments/0123456789abcdef01234567").status_code == 404


def test_cancel_frees_the_time_for_someone_else(api: APIClient) -> None:
    slot = DoctorSlotFactory()
    mine = book(api, slot)
    response = api.post(f"/api/v1/appointments/{mine['appointmentId']}/cancel")
    assert response.status_code == 200
    assert response.json()["status"] == "CANCELLED"
    times = api.get(f"/api/v1/doctors/{slot.doctor_id}/availability", {"date": MONDAY}).json()["slots"]
    assert "10:00 AM" in [s["timeSlot"] for s in times]
    book(member_client(), slot)


def test_cancel_then_book_again(api: APIClient) -> None:
    slot = DoctorSlotFactory()
    first = book(api, slot)
    api.post(f"/api/v1/appointments/{first['_id']}/cancel")
    assert book(api, slot)["appointmentId"] != first["appointmentId"]


def test_pending_appointment_can_be_cancelled(api: APIClient, member: User) -> None:
    appointment = AppointmentFactory(
        user=member, appointment_date=NEXT_MONDAY, status=AppointmentStatus.PENDING_CONFIRMATION
    )
    response = api.post(f"/api/v1/appointments/{appointment.appointment_id}/cancel")
    assert (response.status_code, response.json()["status"]) == (200, "CANCELLED")


@pytest.mark.parametrize("status", [AppointmentStatus.COMPLETED, AppointmentStatus.CANCELLED])
def test_finished_appointments_cannot_be_cancelled(api: APIClient, member: User, status: str) -> None:
    appointment = AppointmentFactory(user=member, appointment_date=NEXT_MONDAY, status=status)
    response = api.post(f"/api/v1/appointments/{appointment.appointment_id}/cancel")
    assert (response.status_code, response.json()) == (409, {"detail": MSG_CANNOT_CANCEL})


@pytest.mark.parametrize("now", ["10:00", "10:01", "18:00"])
def test_cannot_cancel_once_its_time_has_come(
    api: APIClient, member: User, set_clock: Callable[[str, str], None], now: str
) -> None:
    appointment = AppointmentFactory(user=member, appointment_date=MONDAY, time_slot="10:00 AM")
    set_clock(MONDAY, now)
    response = api.post(f"/api/v1/appointments/{appointment.appointment_id}/cancel")
    assert (response.status_code, response.json()) == (409, {"detail": MSG_CANNOT_CANCEL_STARTED})


def test_can_cancel_until_just_before_its_time_without_a_cut_off(
    api: APIClient, member: User, set_clock: Callable[[str, str], None], settings: Any
) -> None:
    settings.MEMBER_CHANGE_CUTOFF_MINUTES = 0
    appointment = AppointmentFactory(user=member, appointment_date=MONDAY, time_slot="10:00 AM")
    set_clock(MONDAY, "09:59")
    assert api.post(f"/api/v1/appointments/{appointment.appointment_id}/cancel").status_code == 200


def test_cancelling_twice_is_409(api: APIClient) -> None:
    mine = book(api, DoctorSlotFactory())
    assert api.post(f"/api/v1/appointments/{mine['appointmentId']}/cancel").status_code == 200
    response = api.post(f"/api/v1/appointments/{mine['appointmentId']}/cancel")
    assert (response.status_code, response.json()) == (409, {"detail": MSG_CANNOT_CANCEL})


def test_appointments_need_a_token() -> None:
    assert APIClient().get("/api/v1/appointments").status_code == 401
