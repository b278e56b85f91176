"""Reschedule: POST /api/v1/appointments/{id}/reschedule (member), /api/v1/doctor/appointments/{id}/reschedule
(doctor), the admin's Reschedule action (staff), and appointment_reschedule behind all three."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from appointments.events import AppointmentEvent, _listeners
from appointments.models import (
    MSG_IN_CLINIC_NEEDS_CLINIC,
    MSG_ONLINE_NEEDS_CALL_PREFERENCE,
    Actor,
    Appointment,
)
from appointments.selectors import MSG_DATE_IN_PAST, places_taken
from appointments.services.booking import (
    MEMBER_RESCHEDULE,
    MSG_ALREADY_BOOKED,
    MSG_CANNOT_RESCHEDULE,
    MSG_MEMBER_CHANGE_STARTED,
    MSG_NOT_DOCTORS_CLINIC,
    MSG_SLOT_FULL,
    MSG_TIME_NOT_OFFERED,
    appointment_reschedule,
)
from appointments.services.places import MSG_MOVE_CHANGED, MSG_MOVE_SAME_TIME, MoveRefused
from core.validators import MSG_DATE, MSG_TIME_12H
from doctors.models import Doctor, DoctorSlot
from tests.appointments.conftest import MONDAY, TUESDAY
from tests.clinics.factories import ClinicFactory
from tests.doctors.clients import doctor_api_client
from tests.doctors.factories import DoctorFactory, DoctorSlotFactory, clinic_entry
from tests.member_api import member_client
from tests.users.factories import StaffFactory, UserFactory
from users.models import Role, User

pytestmark = pytest.mark.django_db

BOOK = "/api/v1/appointments"


@pytest.fixture
def slot() -> DoctorSlot:
    """Monday 09:00-12:00 every 30 minutes, one patient per time, fee 700, BOTH."""
    return DoctorSlotFactory(consultation_fee=700, consultation_type="BOTH")


def book(api: APIClient, slot: DoctorSlot, time_slot: str = "09:00 AM", **overrides: Any) -> dict:
    body = {
        "doctorId": slot.doctor_id,
        "appointmentType": "IN_CLINIC",
        "appointmentDate": MONDAY,
        "timeSlot": time_slot,
        "clinicId": slot.clinic_id,
        **overrides,
    }
    response = api.post(BOOK, body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def reschedule(api: APIClient, appointment_id: str, **body: Any) -> Any:
    return api.post(f"{BOOK}/{appointment_id}/reschedule", body, format="json")


def stored(appointment_id: str) -> dict:
    return connection.get_collection("appointments").find_one({"appointmentId": appointment_id})


# --- the member ----------------------------------------------------------------------------------------------


def test_a_member_moves_their_appointment_keeping_its_ids_and_recording_the_origin(api, slot) -> None:
    booked = book(api, slot)
    response = reschedule(api, booked["appointmentId"], appointmentDate=MONDAY, timeSlot="10:30 AM")

    assert response.status_code == 200, response.json()
    moved = response.json()
    assert (moved["_id"], moved["appointmentId"], moved["appointmentNumber"]) == (
        booked["_id"],
        booked["appointmentId"],
        booked["appointmentNumber"],
    )
    assert (moved["appointmentDate"], moved["timeSlot"], moved["status"]) == (MONDAY, "10:30 AM", "CONFIRMED")
    assert moved["rescheduledFrom"] == {
        "appointmentDate": MONDAY,
        "timeSlot": "09:00 AM",
        "clinicId": slot.clinic_id,
        "appointmentType": "IN_CLINIC",
    }
    assert (moved["rescheduledBy"], moved["rescheduleCount"]) == ("MEMBER", 1)
    assert moved["rescheduledAt"] is not None
    assert places_taken(doctor_id=slot.doctor_id, appointment_date=MONDAY) == {"10:30 AM": 1}
    assert stored(booked["appointmentId"])["placeNumber"] == 1
    times = api.get(f"/api/v1/doctors/{slot.doctor_id}/availability", {"date": MONDAY}).json()["slots"]
    assert "09:00 AM" in [entry["timeSlot"] for entry in times]


def test_a_reschedule_into_a_full_time_fails_and_leaves_the_original_intact(api, slot) -> None:
    mine = book(api, slot, "09:00 AM")
    book(member_client(UserFactory()), slot, "10:00 AM")
    before = stored(mine["appointmentId"])

    response = reschedule(api, mine["appointmentId"], appointmentDate=MONDAY, timeSlot="10:00 AM")

    assert (response.status_code, response.json()) == (409, {"detail": MSG_SLOT_FULL})
    assert stored(mine["appointmentId"]) == before  # place number, time, everything unchanged
    assert places_taken(doctor_id=slot.doctor_id, appointment_date=MONDAY) == {"09:00 AM": 1, "10:00 AM": 1}


def test_a_member_cannot_move_into_a_time_they_already_hold(api, slot) -> None:
    slot.max_patients = 2
    DoctorSlot.objects.filter(pk=slot.pk).update(max_patients=2)
    first = book(api, slot, "09:00 AM")
    book(api, slot, "09:30 AM")
    response = reschedule(api, first["appointmentId"], appointmentDate=MONDAY, timeSlot="09:30 AM")
    assert (response.status_code, response.json()) == (409, {"detail": MSG_ALREADY_BOOKED})


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"appointmentDate": "06-01-2031", "timeSlot": "10:00 AM"}, "appointmentDate", MSG_DATE),
        ({"appointmentDate": MONDAY, "timeSlot": "10:00"}, "timeSlot", MSG_TIME_12H),
        ({"appointmentDate": "2031-01-05", "timeSlot": "10:00 AM"}, "appointmentDate", MSG_DATE_IN_PAST),
        ({"appointmentDate": MONDAY, "timeSlot": "10:00 AM", "clinicId": "CLN999"}, "clinicId", MSG_NOT_DOCTORS_CLINIC),
        (
            {"appointmentDate": MONDAY, "timeSlot": "10:00 AM", "appointmentType": "ONLINE"},
            "callPreference",
            MSG_ONLINE_NEEDS_CALL_PREFERENCE,
        ),
    ],
)
def test_a_reschedule_gives_the_bookings_messages(api, slot, body: dict, field: str, message: str) -> None:
    mine = book(api, slot, contactNumber="+919876543210")
    before = stored(mine["appointmentId"])
    response = reschedule(api, mine["appointmentId"], **body)
    assert response.status_code == 400, response.json()
    assert response.json()[field] == [message]
    assert stored(mine["appointmentId"]) == before


def test_a_time_the_doctor_does_not_offer_is_the_bookings_400(api, slot) -> None:
    mine = book(api, slot)
    response = reschedule(api, mine["appointmentId"], appointmentDate=TUESDAY, timeSlot="10:00 AM")
    expected = MSG_TIME_NOT_OFFERED.format(
        type="IN_CLINIC", time="10:00 AM", date=TUESDAY, at_clinic=f" at {slot.clinic_id}"
    )
    assert (response.status_code, response.json()["timeSlot"]) == (400, [expected])


def test_an_online_visit_moved_to_the_clinic_needs_a_clinic(api, slot) -> None:
    mine = book(
        api, slot, appointmentType="ONLINE", clinicId=None, contactNumber="+919876543210", callPreference="VIDEO"
    )
    response = reschedule(
        api, mine["appointmentId"], appointmentDate=MONDAY, timeSlot="10:00 AM", appointmentType="IN_CLINIC"
    )
    assert response.json()["clinicId"] == [MSG_IN_CLINIC_NEEDS_CLINIC]


def test_a_clinic_visit_becomes_a_video_call_at_the_same_time_keeping_its_place(api, slot) -> None:
    mine = book(api, slot, contactNumber="+919876543210")
    response = reschedule(
        api,
        mine["appointmentId"],
        appointmentDate=MONDAY,
        timeSlot="09:00 AM",
        appointmentType="ONLINE",
        callPreference="VIDEO",
    )
    assert response.status_code == 200, response.json()
    moved = response.json()
    assert (moved["appointmentType"], moved["clinicId"], moved["clinicName"], moved["callPreference"]) == (
        "ONLINE",
        None,
        None,
        "VIDEO",
    )
    assert stored(mine["appointmentId"])["placeNumber"] == 1
    assert places_taken(doctor_id=slot.doctor_id, appointment_date=MONDAY) == {"09:00 AM": 1}


def test_moving_to_another_clinic_takes_its_name_and_fee(api) -> None:
    second = ClinicFactory()
    doctor = DoctorFactory()
    doctor.clinics = [*doctor.clinics, clinic_entry(second, fee=400)]
    Doctor.objects.filter(pk=doctor.pk).update(clinics=doctor.clinics)
    DoctorSlotFactory(doctor=doctor, start_time="09:00", end_time="10:00")
    DoctorSlotFactory(doctor=doctor, clinic=second, start_time="11:00", end_time="12:00", consultation_fee=400)
    first_slot = DoctorSlot.objects.get(doctor_id=doctor.doctor_id, start_time="09:00")
    mine = book(api, first_slot)

    response = reschedule(
        api, mine["appointmentId"], appointmentDate=MONDAY, timeSlot="11:00 AM", clinicId=second.clinic_id
    )

    assert response.status_code == 200, response.json()
    moved = response.json()
    assert (moved["clinicId"], moved["clinicName"], moved["consultationFee"]) == (second.clinic_id, second.name, 400)
    assert moved["rescheduledFrom"]["clinicId"] == first_slot.clinic_id


def test_the_same_date_and_time_is_refused(api, slot) -> None:
    mine = book(api, slot)
    response = reschedule(api, mine["appointmentId"], appointmentDate=MONDAY, timeSlot="09:00 AM")
    assert (response.status_code, response.json()) == (409, {"detail": MSG_MOVE_SAME_TIME})


def test_another_members_appointment_is_404(api, slot) -> None:
    theirs = book(member_client(UserFactory()), slot)
    response = reschedule(api, theirs["appointmentId"], appointmentDate=MONDAY, timeSlot="10:00 AM")
    assert response.status_code == 404
    assert stored(theirs["appointmentId"])["timeSlot"] == "09:00 AM"


def test_a_member_cannot_move_once_the_time_has_begun(api, slot, set_clock: Callable[[str, str], None]) -> None:
    mine = book(api, slot, "09:00 AM")
    set_clock(MONDAY, "09:00")
    response = reschedule(api, mine["appointmentId"], appointmentDate=MONDAY, timeSlot="11:00 AM")
    assert (response.status_code, response.json()) == (
        409,
        {"detail": MSG_MEMBER_CHANGE_STARTED.format(change=MEMBER_RESCHEDULE)},
    )
    set_clock(MONDAY, "08:59")  # not begun, but inside the member's cut-off (2 hours by default)
    response = reschedule(api, mine["appointmentId"], appointmentDate=MONDAY, timeSlot="11:00 AM")
    assert (response.status_code, response.json()) == (
        409,
        {"detail": "Appointments can be cancelled or moved up to 2 hours before their time."},
    )
    set_clock(MONDAY, "07:00")
    assert reschedule(api, mine["appointmentId"], appointmentDate=MONDAY, timeSlot="11:00 AM").status_code == 200


def test_a_cancelled_appointment_cannot_be_moved(api, slot) -> None:
    mine = book(api, slot)
    assert api.post(f"{BOOK}/{mine['appointmentId']}/cancel").status_code == 200
    response = reschedule(api, mine["appointmentId"], appointmentDate=MONDAY, timeSlot="10:00 AM")
    assert (response.status_code, response.json()) == (409, {"detail": MSG_CANNOT_RESCHEDULE})


def test_a_second_reschedule_counts_and_records_the_latest_origin(api, slot) -> None:
    mine = book(api, slot)
    reschedule(api, mine["appointmentId"], appointmentDate=MONDAY, timeSlot="10:00 AM")
    moved = reschedule(api, mine["appointmentId"], appointmentDate=MONDAY, timeSlot="11:00 AM").json()
    assert moved["rescheduleCount"] == 2
    assert moved["rescheduledFrom"]["timeSlot"] == "10:00 AM"


def test_an_appointment_never_moved_has_none_of_the_reschedule_fields(api, slot) -> None:
    mine = book(api, slot)
    assert not {"rescheduledFrom", "rescheduledAt", "rescheduledBy", "rescheduleCount"} & set(
        stored(mine["appointmentId"])
    )
    assert mine["rescheduledFrom"] is None


# --- back to pending -------------------------------------------------------------------------------------------


@pytest.fixture
def confirming_slot() -> DoctorSlot:
    return DoctorSlotFactory(doctor=DoctorFactory(requires_confirmation=True))


def _confirmed(api: APIClient, slot: DoctorSlot) -> dict:
    mine = book(api, slot)
    assert mine["status"] == "PENDING_CONFIRMATION"
    doctor = Doctor.objects.get(doctor_id=slot.doctor_id)
    assert doctor_api_client(doctor).post(f"/api/v1/doctor/appointments/{mine['_id']}/confirm").status_code == 200
    return mine


def test_a_confirmed_visit_its_member_moves_goes_back_to_pending_when_the_doctor_confirms(
    api, confirming_slot, set_clock
) -> None:
    mine = _confirmed(api, confirming_slot)
    set_clock(MONDAY, "07:00")  # the member's cut-off for the 09:00 AM visit
    moved = reschedule(api, mine["appointmentId"], appointmentDate=MONDAY, timeSlot="11:00 AM").json()
    assert (moved["status"], moved["confirmedAt"]) == ("PENDING_CONFIRMATION", None)
    assert moved["requestedAt"].startswith("2031-01-06T07:00")  # a new request: its expiry counts from now


def test_a_confirmed_visit_its_doctor_moves_stays_confirmed(api, confirming_slot) -> None:
    mine = _confirmed(api, confirming_slot)
    doctor = Doctor.objects.get(doctor_id=confirming_slot.doctor_id)
    response = doctor_api_client(doctor).post(
        f"/api/v1/doctor/appointments/{mine['appointmentId']}/reschedule",
        {"appointmentDate": MONDAY, "timeSlot": "11:00 AM"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["rescheduledBy"]) == ("CONFIRMED", "DOCTOR")


def test_a_direct_booking_doctors_visit_stays_confirmed_when_its_member_moves_it(api, slot) -> None:
    mine = book(api, slot)
    assert reschedule(api, mine["appointmentId"], appointmentDate=MONDAY, timeSlot="11:00 AM").json()["status"] == (
        "CONFIRMED"
    )


# --- the doctor and staff ----------------------------------------------------------------------------------------


def test_a_doctor_cannot_move_another_doctors_appointment(api, slot) -> None:
    mine = book(api, slot)
    response = doctor_api_client(DoctorFactory()).post(
        f"/api/v1/doctor/appointments/{mine['appointmentId']}/reschedule",
        {"appointmentDate": MONDAY, "timeSlot": "11:00 AM"},
        format="json",
    )
    assert response.status_code == 404


def test_a_doctor_may_move_a_visit_whose_time_has_begun(api, slot, set_clock) -> None:
    mine = book(api, slot, "09:00 AM")
    set_clock(MONDAY, "09:10")
    doctor = Doctor.objects.get(doctor_id=slot.doctor_id)
    response = doctor_api_client(doctor).post(
        f"/api/v1/doctor/appointments/{mine['_id']}/reschedule",
        {"appointmentDate": MONDAY, "timeSlot": "11:00 AM"},
        format="json",
    )
    assert response.status_code == 200, response.json()


def test_staff_reschedule_through_the_admin_action(api, slot) -> None:
    admin_client = Client()
    admin_client.force_login(StaffFactory(role=Role.ADMIN))
    mine = book(api, slot)
    appointment = Appointment.objects.get(appointment_id=mine["appointmentId"])
    action = {"action": "move_appointment", "_selected_action": [str(appointment.pk)], "apply": "1"}
    admin_client.post(
        reverse("admin:appointments_appointment_changelist"),
        {**action, "appointment_date": MONDAY, "time_slot": "11:30 AM", "appointment_type": "", "clinic_id": ""},
    )
    document = stored(mine["appointmentId"])
    assert (document["timeSlot"], document["rescheduledBy"], document["placeNumber"]) == ("11:30 AM", "STAFF", 1)
    change_page = admin_client.get(reverse("admin:appointments_appointment_change", args=[appointment.pk]))
    assert change_page.status_code == 200
    assert f"{MONDAY} 09:00 AM" in change_page.content.decode()  # rescheduledFrom, read-only


def test_the_reschedule_emits_rescheduled_with_the_origin(api, slot, monkeypatch: pytest.MonkeyPatch) -> None:
    heard: list[dict] = []
    monkeypatch.setitem(_listeners, AppointmentEvent.RESCHEDULED, [lambda **event: heard.append(event)])
    mine = book(api, slot)
    reschedule(api, mine["appointmentId"], appointmentDate=MONDAY, timeSlot="11:00 AM")
    assert len(heard) == 1
    assert (heard[0]["by"], heard[0]["from_date"], heard[0]["from_time_slot"]) == (Actor.MEMBER, MONDAY, "09:00 AM")


def test_a_reschedule_decided_on_a_stale_read_writes_nothing(api, slot, member: User) -> None:
    mine = book(api, slot)
    stale = Appointment.objects.get(appointment_id=mine["appointmentId"])
    reschedule(api, mine["appointmentId"], appointmentDate=MONDAY, timeSlot="10:00 AM")
    with pytest.raises(MoveRefused, match=re.escape(MSG_MOVE_CHANGED)):
        appointment_reschedule(appointment=stale, appointment_date=MONDAY, time_slot="11:00 AM", by=Actor.STAFF)
    assert stored(mine["appointmentId"])["timeSlot"] == "10:00 AM"
    assert places_taken(doctor_id=slot.doctor_id, appointment_date=MONDAY) == {"10:00 AM": 1}
