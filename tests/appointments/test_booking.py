"""POST /api/v1/appointments and appointment_book: every rule, with its exact status and message."""

from collections.abc import Callable
from typing import Any

import pytest
from bson import ObjectId
from django.db import IntegrityError, connection
from rest_framework.test import APIClient

from appointments.models import (
    MSG_IN_CLINIC_NEEDS_CLINIC,
    MSG_ONLINE_NEEDS_CALL_PREFERENCE,
    MSG_ONLINE_NEEDS_CONTACT,
    Appointment,
)
from appointments.selectors import MSG_DATE_IN_PAST, MSG_DATE_TOO_FAR, places_taken
from appointments.services import booking
from appointments.services.booking import (
    MSG_ALREADY_BOOKED,
    MSG_CONTACT_NUMBER,
    MSG_DOCTOR_NOT_IN_CLINIC,
    MSG_DOCTOR_NOT_ONLINE,
    MSG_NOT_DOCTORS_CLINIC,
    MSG_SLOT_FULL,
    MSG_TIME_NOT_OFFERED,
    MSG_UNKNOWN_DOCTOR,
    appointment_book,
)
from core.validators import MSG_DATE, MSG_TIME_12H
from doctors.models import DoctorSlot
from tests.appointments.conftest import MONDAY, NEXT_MONDAY
from tests.clinics.factories import ClinicFactory, week_hours
from tests.doctors.factories import DoctorFactory, DoctorSlotFactory
from tests.member_api import member_client
from tests.users.factories import StaffFactory, UserFactory
from users.models import Role, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def slot() -> DoctorSlot:
    """Dr. Vikas Mittal, Monday 09:00-12:00 every 30 minutes, one patient per time, fee 700, BOTH."""
    doctor = DoctorFactory(doctor_id="DOC001", name="Dr. Vikas Mittal")
    return DoctorSlotFactory(doctor=doctor, consultation_fee=700, consultation_type="BOTH")


def in_clinic(slot: DoctorSlot, **overrides: Any) -> dict:
    return {
        "doctorId": slot.doctor_id,
        "appointmentType": "IN_CLINIC",
        "appointmentDate": MONDAY,
        "timeSlot": "10:00 AM",
        "clinicId": slot.clinic_id,
        **overrides,
    }


def online(slot: DoctorSlot, **overrides: Any) -> dict:
    return {
        "doctorId": slot.doctor_id,
        "appointmentType": "ONLINE",
        "appointmentDate": MONDAY,
        "timeSlot": "10:00 AM",
        "contactNumber": "+919876543210",
        "callPreference": "VIDEO",
        **overrides,
    }


def post(api: APIClient, body: dict) -> Any:
    return api.post("/api/v1/appointments", body, format="json")


def assert_400(api: APIClient, body: dict, field: str, message: str) -> None:
    response = post(api, body)
    assert response.status_code == 400, response.json()
    assert response.json()[field] == [message]
    assert not Appointment.objects.exists()


# --- what a booking writes ---------------------------------------------------------------------------------


def test_in_clinic_booking_fills_the_denormalised_fields(api: APIClient, member: User, slot: DoctorSlot) -> None:
    response = post(api, in_clinic(slot))
    assert response.status_code == 201, response.json()
    body = response.json()
    clinic = slot.doctor.clinics[0]
    assert body["appointmentId"].startswith("APT-")
    assert body["appointmentNumber"].startswith("APT20310106")
    assert body["_id"] == str(Appointment.objects.get().pk)
    expected = {
        "userId": str(member.pk),
        "patientName": "John Doe",
        "patientId": "USR001",
        "doctorId": "DOC001",
        "doctorName": "Dr. Vikas Mittal",
        "specialty": slot.doctor.specialty,
        "slotId": str(slot.pk),
        "clinicId": slot.clinic_id,
        "clinicName": clinic.name,
        "clinicAddress": clinic.address,
        "appointmentType": "IN_CLINIC",
        "appointmentDate": MONDAY,
        "timeSlot": "10:00 AM",
        "consultationFee": 700,
        "status": "CONFIRMED",
        "paymentStatus": "PENDING",
        "amountPaid": 0,
        "coveredByInsurance": True,
        "contactNumber": None,
        "callPreference": None,
        "prescriptionId": None,
        "hasPrescription": False,
    }
    assert {key: body[key] for key in expected} == expected
    assert body["requestedAt"] == body["confirmedAt"] == "2031-01-06T07:00:00+05:30"


def test_the_stored_document_keeps_the_seed_names_and_types(api: APIClient, member: User, slot: DoctorSlot) -> None:
    post(api, in_clinic(slot))
    doc = connection.get_collection("appointments").find_one()
    assert doc["userId"] == member.pk and isinstance(doc["userId"], ObjectId)
    assert doc["slotId"] == slot.pk
    assert doc["doctorId"] == "DOC001"
    assert doc["appointmentDate"] == MONDAY and doc["timeSlot"] == "10:00 AM"
    assert doc["consultationFee"] == 700 and isinstance(doc["consultationFee"], int)
    assert doc["status"] == "CONFIRMED" and doc["paymentStatus"] == "PENDING"


def test_online_booking_keeps_contact_and_call_preference_and_no_clinic(api: APIClient, slot: DoctorSlot) -> None:
    response = post(api, online(slot, clinicId=slot.clinic_id))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["appointmentType"], body["contactNumber"], body["callPreference"]) == (
        "ONLINE",
        "+919876543210",
        "VIDEO",
    )
    assert body["clinicId"] is body["clinicName"] is body["clinicAddress"] is None


@pytest.mark.parametrize(
    ("flags", "status"),
    [
        ({"allow_direct_booking": True, "requires_confirmation": False}, "CONFIRMED"),
        ({"allow_direct_booking": True, "requires_confirmation": True}, "PENDING_CONFIRMATION"),
        ({"allow_direct_booking": False, "requires_confirmation": False}, "PENDING_CONFIRMATION"),
    ],
)
def test_status_follows_direct_booking_and_confirmation(api: APIClient, flags: dict, status: str) -> None:
    slot = DoctorSlotFactory(doctor=DoctorFactory(**flags))
    body = post(api, in_clinic(slot)).json()
    assert body["status"] == status
    assert (body["confirmedAt"] is not None) == (status == "CONFIRMED")


def test_free_consultation_is_payment_free(api: APIClient) -> None:
    slot = DoctorSlotFactory(consultation_fee=0)
    body = post(api, in_clinic(slot)).json()
    assert (body["consultationFee"], body["paymentStatus"]) == (0, "FREE")


def test_appointment_numbers_follow_the_booking_day(set_clock: Callable[[str, str], None], slot: DoctorSlot) -> None:
    set_clock("2031-01-05", "18:00")  # booked the evening before; no other test books on this day
    numbers = [
        post(member_client(), in_clinic(slot, timeSlot=t)).json()["appointmentNumber"] for t in ("09:00 AM", "09:30 AM")
    ]
    assert numbers == ["APT20310105001", "APT20310105002"]


def test_appointment_numbers_restart_each_booking_day(set_clock: Callable[[str, str], None]) -> None:
    slot = DoctorSlotFactory(day_of_week="Thursday")
    set_clock("2031-06-03", "08:00")
    first = post(member_client(), in_clinic(slot, appointmentDate="2031-06-05")).json()
    set_clock("2031-06-04", "08:00")
    second = post(member_client(), in_clinic(slot, appointmentDate="2031-06-05", timeSlot="10:30 AM")).json()
    assert (first["appointmentNumber"], second["appointmentNumber"]) == ("APT20310603001", "APT20310604001")
    assert first["appointmentId"] != second["appointmentId"]


def test_the_booked_time_leaves_availability(api: APIClient, slot: DoctorSlot) -> None:
    post(api, in_clinic(slot))
    slots = api.get(f"/api/v1/doctors/{slot.doctor_id}/availability", {"date": MONDAY}).json()["slots"]
    assert "10:00 AM" not in [s["timeSlot"] for s in slots]


# --- 400: the request is wrong ---------------------------------------------------------------------------


@pytest.mark.parametrize("doctor_id", ["DOC-NONE", "inactive"])
def test_unknown_or_inactive_doctor(api: APIClient, slot: DoctorSlot, doctor_id: str) -> None:
    if doctor_id == "inactive":
        slot.doctor.is_active = False
        slot.doctor.save()
        doctor_id = slot.doctor_id
    assert_400(api, in_clinic(slot, doctorId=doctor_id), "doctorId", MSG_UNKNOWN_DOCTOR)


def test_bad_date_format(api: APIClient, slot: DoctorSlot) -> None:
    assert_400(api, in_clinic(slot, appointmentDate="06/01/2031"), "appointmentDate", MSG_DATE)


def test_date_in_the_past(api: APIClient, slot: DoctorSlot) -> None:
    assert_400(api, in_clinic(slot, appointmentDate="2030-12-30"), "appointmentDate", MSG_DATE_IN_PAST)


def test_date_beyond_the_booking_horizon(api: APIClient, slot: DoctorSlot, settings: Any) -> None:
    settings.BOOKING_HORIZON_DAYS = 6
    assert_400(api, in_clinic(slot, appointmentDate=NEXT_MONDAY), "appointmentDate", MSG_DATE_TOO_FAR.format(days=6))


def test_bad_time_format(api: APIClient, slot: DoctorSlot) -> None:
    assert_400(api, in_clinic(slot, timeSlot="10:00"), "timeSlot", MSG_TIME_12H)


@pytest.mark.parametrize("time_slot", ["09:15 AM", "12:00 PM", "10:00 PM"])
def test_time_not_in_the_schedule(api: APIClient, slot: DoctorSlot, time_slot: str) -> None:
    message = MSG_TIME_NOT_OFFERED.format(
        type="IN_CLINIC", time=time_slot, date=MONDAY, at_clinic=f" at {slot.clinic_id}"
    )
    assert_400(api, in_clinic(slot, timeSlot=time_slot), "timeSlot", message)


def test_time_on_another_weekday(api: APIClient, slot: DoctorSlot) -> None:
    message = MSG_TIME_NOT_OFFERED.format(type="ONLINE", time="10:00 AM", date="2031-01-07", at_clinic="")
    assert_400(api, online(slot, appointmentDate="2031-01-07"), "timeSlot", message)


def test_time_already_past_today(api: APIClient, slot: DoctorSlot, set_clock: Callable[[str, str], None]) -> None:
    set_clock(MONDAY, "10:05")
    message = "Bookings need at least 2 hours' notice; choose a time from 12:05 PM today."
    assert_400(api, online(slot), "timeSlot", message)


def test_time_already_past_today_without_notice(
    api: APIClient, slot: DoctorSlot, set_clock: Callable[[str, str], None], settings: Any
) -> None:
    settings.BOOKING_MIN_NOTICE_MINUTES = 0
    set_clock(MONDAY, "10:05")
    message = "This time has passed; choose a time from 10:06 AM today."
    assert_400(api, online(slot), "timeSlot", message)


def test_in_clinic_outside_the_clinic_hours(api: APIClient) -> None:
    clinic = ClinicFactory(operating_hours=week_hours("11:00", "18:00"))
    slot = DoctorSlotFactory(doctor=DoctorFactory(clinic=clinic))
    message = MSG_TIME_NOT_OFFERED.format(
        type="IN_CLINIC", time="10:00 AM", date=MONDAY, at_clinic=f" at {slot.clinic_id}"
    )
    assert_400(api, in_clinic(slot), "timeSlot", message)
    assert post(api, online(slot)).status_code == 201  # the same BOTH time is still bookable online


def test_in_clinic_at_an_online_only_time(api: APIClient) -> None:
    slot = DoctorSlotFactory(consultation_type="ONLINE")
    message = MSG_TIME_NOT_OFFERED.format(
        type="IN_CLINIC", time="10:00 AM", date=MONDAY, at_clinic=f" at {slot.clinic_id}"
    )
    assert_400(api, in_clinic(slot), "timeSlot", message)


def test_online_at_an_in_clinic_only_time(api: APIClient) -> None:
    slot = DoctorSlotFactory(consultation_type="IN_CLINIC")
    message = MSG_TIME_NOT_OFFERED.format(type="ONLINE", time="10:00 AM", date=MONDAY, at_clinic="")
    assert_400(api, online(slot), "timeSlot", message)


def test_in_clinic_needs_a_clinic(api: APIClient, slot: DoctorSlot) -> None:
    body = in_clinic(slot)
    del body["clinicId"]
    assert_400(api, body, "clinicId", MSG_IN_CLINIC_NEEDS_CLINIC)


def test_in_clinic_needs_a_clinic_the_doctor_practises_at(api: APIClient, slot: DoctorSlot) -> None:
    assert_400(api, in_clinic(slot, clinicId=ClinicFactory().clinic_id), "clinicId", MSG_NOT_DOCTORS_CLINIC)


def test_in_clinic_needs_a_doctor_available_offline(api: APIClient) -> None:
    slot = DoctorSlotFactory(doctor=DoctorFactory(available_offline=False))
    assert_400(api, in_clinic(slot), "appointmentType", MSG_DOCTOR_NOT_IN_CLINIC)


def test_online_needs_a_doctor_available_online(api: APIClient) -> None:
    slot = DoctorSlotFactory(doctor=DoctorFactory(available_online=False))
    assert_400(api, online(slot), "appointmentType", MSG_DOCTOR_NOT_ONLINE)


@pytest.mark.parametrize("missing", ["absent", None, ""])
def test_online_needs_a_contact_number(api: APIClient, slot: DoctorSlot, missing: str | None) -> None:
    body = online(slot, contactNumber=missing)
    if missing == "absent":
        del body["contactNumber"]
    assert_400(api, body, "contactNumber", MSG_ONLINE_NEEDS_CONTACT)


@pytest.mark.parametrize("number", ["12345", "call me", "+91 98765 4321x"])
def test_contact_number_must_look_like_a_phone_number(api: APIClient, slot: DoctorSlot, number: str) -> None:
    assert_400(api, online(slot, contactNumber=number), "contactNumber", MSG_CONTACT_NUMBER)


def test_online_needs_a_call_preference(api: APIClient, slot: DoctorSlot) -> None:
    body = online(slot)
    del body["callPreference"]
    assert_400(api, body, "callPreference", MSG_ONLINE_NEEDS_CALL_PREFERENCE)


def test_every_problem_is_reported_at_once(api: APIClient, slot: DoctorSlot) -> None:
    response = post(api, online(slot, contactNumber="", callPreference=None, appointmentDate="2030-01-01"))
    assert response.status_code == 400
    assert set(response.json()) == {"contactNumber", "callPreference", "appointmentDate"}


@pytest.mark.parametrize(
    ("field", "value"),
    [("appointmentType", "HOME_VISIT"), ("callPreference", "FAX"), ("doctorId", None), ("timeSlot", "x" * 9)],
)
def test_malformed_fields_get_drf_field_errors(api: APIClient, slot: DoctorSlot, field: str, value: Any) -> None:
    response = post(api, online(slot, **{field: value}))
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_required_fields(api: APIClient) -> None:
    response = post(api, {})
    assert response.status_code == 400
    assert set(response.json()) == {"doctorId", "appointmentType", "appointmentDate", "timeSlot"}


# --- 409: the time is taken ----------------------------------------------------------------------------------


def test_a_full_time_is_409_and_writes_nothing(api: APIClient, slot: DoctorSlot) -> None:
    assert post(member_client(), in_clinic(slot)).status_code == 201
    response = post(api, in_clinic(slot))
    assert response.status_code == 409
    assert response.json() == {"detail": MSG_SLOT_FULL}
    assert Appointment.objects.count() == 1
    assert places_taken(doctor_id=slot.doctor_id, appointment_date=MONDAY) == {"10:00 AM": 1}


def test_online_and_in_clinic_share_the_doctor_s_time(api: APIClient, slot: DoctorSlot) -> None:
    assert post(member_client(), online(slot)).status_code == 201
    assert post(api, in_clinic(slot)).json() == {"detail": MSG_SLOT_FULL}


def test_max_patients_three_takes_three_members(slot: DoctorSlot) -> None:
    slot.max_patients = 3
    slot.save()
    statuses = [post(member_client(), in_clinic(slot)).status_code for _ in range(4)]
    assert statuses == [201, 201, 201, 409]


def test_a_member_cannot_hold_the_same_time_twice(api: APIClient, slot: DoctorSlot) -> None:
    slot.max_patients = 3
    slot.save()
    assert post(api, in_clinic(slot)).status_code == 201
    response = post(api, online(slot))
    assert (response.status_code, response.json()) == (409, {"detail": MSG_ALREADY_BOOKED})


def test_a_failed_insert_gives_the_place_back(member: User, slot: DoctorSlot, monkeypatch: pytest.MonkeyPatch) -> None:
    taken = appointment_book(
        user=member,
        doctor_id=slot.doctor_id,
        appointment_type="IN_CLINIC",
        appointment_date=MONDAY,
        time_slot="09:00 AM",
        clinic_id=slot.clinic_id,
    )
    monkeypatch.setattr(booking, "_new_appointment_id", lambda: taken.appointment_id)  # every id collides
    with pytest.raises(IntegrityError):
        appointment_book(
            user=UserFactory(),
            doctor_id=slot.doctor_id,
            appointment_type="IN_CLINIC",
            appointment_date=MONDAY,
            time_slot="10:00 AM",
            clinic_id=slot.clinic_id,
        )
    assert places_taken(doctor_id=slot.doctor_id, appointment_date=MONDAY) == {"09:00 AM": 1}
    assert Appointment.objects.count() == 1


# --- who may book -------------------------------------------------------------------------------------------


def test_booking_needs_a_token(slot: DoctorSlot) -> None:
    assert post(APIClient(), in_clinic(slot)).status_code == 401


def test_booking_is_for_members_only(slot: DoctorSlot) -> None:
    assert post(member_client(StaffFactory(role=Role.ADMIN)), in_clinic(slot)).status_code == 403
