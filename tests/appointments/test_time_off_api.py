"""The doctor API for time off and extra hours (docs/api.md, Doctor API: time off and extra hours)."""

import pytest
from rest_framework.test import APIClient

from appointments.models import Appointment
from appointments.services.time_off import MSG_EXTRA_HOURS_HAVE_APPOINTMENTS
from core.validators import MSG_DATE, MSG_TIME_12H
from doctors.models import DoctorSlot, ScheduleException
from doctors.schedule.exceptions import (
    MSG_DATE_PAST,
    MSG_END_DATE_BEFORE_START,
    MSG_END_TIME_AFTER_START,
    MSG_RANGE_TOO_LONG,
    MSG_REASON_REQUIRED,
    MSG_REASON_TOO_LONG,
    MSG_TIMES_BOTH,
)
from doctors.schedule.services import MSG_NOT_YOUR_CLINIC
from tests.appointments.conftest import MONDAY, TUESDAY
from tests.appointments.factories import AppointmentFactory
from tests.doctors.clients import doctor_api_client
from tests.doctors.factories import DoctorFactory, DoctorSlotFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/doctor/time-off"
EXTRA_URL = "/api/v1/doctor/extra-hours"


@pytest.fixture
def slot() -> DoctorSlot:
    doctor = DoctorFactory(doctor_id="DOC001", name="Dr. Vikas Mittal")
    return DoctorSlotFactory(doctor=doctor, day_of_week="Tuesday")


@pytest.fixture
def client(slot: DoctorSlot) -> APIClient:
    return doctor_api_client(slot.doctor)


def body(**more: object) -> dict:
    return {"startDate": TUESDAY, "endDate": TUESDAY, "reason": "Conference", **more}


def test_post_saves_and_answers_201_with_the_record(client: APIClient, slot: DoctorSlot) -> None:
    response = client.post(URL, body(startTime="10:00 AM", endTime="11:00 AM", clinicId=slot.clinic_id), format="json")
    assert response.status_code == 201, response.json()
    record = response.json()
    saved = ScheduleException.objects.get()
    assert record == {
        "_id": str(saved.pk),
        "doctorId": "DOC001",
        "startDate": TUESDAY,
        "endDate": TUESDAY,
        "startTime": "10:00 AM",
        "endTime": "11:00 AM",
        "clinicId": slot.clinic_id,
        "reason": "Conference",
        "affectedAppointments": None,
        "keptAppointmentIds": [],
        "cancelledAppointmentIds": [],
        "createdByRole": "DOCTOR",
        "createdById": "DOC001",
        "createdAt": record["createdAt"],
    }


def test_covered_appointments_answer_409_with_the_list_and_nothing_saved(client: APIClient, slot: DoctorSlot) -> None:
    appointment = AppointmentFactory(doctor=slot.doctor, appointment_date=TUESDAY, time_slot="10:00 AM")
    response = client.post(URL, body(), format="json")
    assert response.status_code == 409
    answer = response.json()
    assert answer["detail"].startswith("1 booked appointment(s) fall inside this time off.")
    assert answer["appointments"] == [
        {
            "_id": str(appointment.pk),
            "appointmentId": appointment.appointment_id,
            "appointmentNumber": appointment.appointment_number,
            "patientName": appointment.patient_name,
            "appointmentType": "IN_CLINIC",
            "clinicId": slot.clinic_id,
            "appointmentDate": TUESDAY,
            "timeSlot": "10:00 AM",
            "status": "CONFIRMED",
        }
    ]
    assert not ScheduleException.objects.exists()


@pytest.mark.parametrize(("choice", "status"), [("keep", "CONFIRMED"), ("cancel", "CANCELLED")])
def test_keep_or_cancel(client: APIClient, slot: DoctorSlot, choice: str, status: str) -> None:
    appointment = AppointmentFactory(doctor=slot.doctor, appointment_date=TUESDAY, time_slot="10:00 AM")
    response = client.post(URL, body(affectedAppointments=choice), format="json")
    assert response.status_code == 201
    assert response.json()["affectedAppointments"] == choice
    assert Appointment.objects.get(pk=appointment.pk).status == status


def test_get_lists_upcoming_time_off_soonest_first_paginated(client: APIClient, slot: DoctorSlot) -> None:
    for start in ("2031-01-20", TUESDAY):
        assert client.post(URL, body(startDate=start, endDate=start), format="json").status_code == 201
    ScheduleException.objects.create(
        doctor=slot.doctor,
        kind="TIME_OFF",
        start_date="2030-12-01",
        end_date="2030-12-02",
        reason="Past",
        created_by_role="DOCTOR",
        created_by_id="DOC001",
    )
    ScheduleException.objects.create(
        doctor=DoctorFactory(),
        kind="TIME_OFF",
        start_date=TUESDAY,
        end_date=TUESDAY,
        reason="Not mine",
        created_by_role="DOCTOR",
        created_by_id="x",
    )
    answer = client.get(URL).json()
    assert answer["count"] == 2
    assert [row["startDate"] for row in answer["results"]] == [TUESDAY, "2031-01-20"]


def test_delete_own_time_off_204_and_another_doctors_404(client: APIClient, slot: DoctorSlot) -> None:
    mine = client.post(URL, body(), format="json").json()["_id"]
    theirs = ScheduleException.objects.create(
        doctor=DoctorFactory(),
        kind="TIME_OFF",
        start_date=TUESDAY,
        end_date=TUESDAY,
        reason="Not mine",
        created_by_role="DOCTOR",
        created_by_id="x",
    )
    assert client.delete(f"{URL}/{theirs.pk}").status_code == 404
    assert client.delete(f"{URL}/not-an-id").status_code == 404
    assert client.delete(f"{URL}/{mine}").status_code == 204
    assert list(ScheduleException.objects.values_list("pk", flat=True)) == [theirs.pk]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"startDate": "07-01-2031"}, "startDate", MSG_DATE),
        ({"endDate": "2031-02-30"}, "endDate", MSG_DATE),
        ({"startDate": "2031-01-05", "endDate": "2031-01-05"}, "startDate", MSG_DATE_PAST),
        ({"endDate": MONDAY}, "endDate", MSG_END_DATE_BEFORE_START),
        ({"endDate": "2031-06-30"}, "endDate", MSG_RANGE_TOO_LONG.format(days=90)),
        ({"startTime": "10:00 AM"}, "endTime", MSG_TIMES_BOTH),
        ({"startTime": "10:00", "endTime": "11:00 AM"}, "startTime", MSG_TIME_12H),
        ({"startTime": "11:00 AM", "endTime": "10:00 AM"}, "endTime", MSG_END_TIME_AFTER_START),
        ({"clinicId": "CLINIC999"}, "clinicId", MSG_NOT_YOUR_CLINIC),
        ({"reason": "  "}, "reason", MSG_REASON_REQUIRED),
        ({"reason": "x" * 501}, "reason", MSG_REASON_TOO_LONG.format(limit=500)),
    ],
)
def test_bad_input_is_400_keyed_by_field(client: APIClient, changes: dict, field: str, message: str) -> None:
    response = client.post(URL, body(**changes), format="json")
    assert response.status_code == 400
    assert response.json()[field] == [message]
    assert not ScheduleException.objects.exists()


def test_missing_fields_and_a_bad_choice_are_400(client: APIClient) -> None:
    response = client.post(URL, {"affectedAppointments": "maybe"}, format="json")
    assert response.status_code == 400
    assert {"startDate", "endDate", "reason", "affectedAppointments"} <= set(response.json())


def test_time_off_needs_a_signed_in_doctor() -> None:
    assert APIClient().get(URL).status_code in (401, 403)


# --- extra hours --------------------------------------------------------------------------------------------


def extra(slot: DoctorSlot, **more: object) -> dict:
    return {
        "date": "2031-01-08",
        "clinicId": slot.clinic_id,
        "startTime": "17:00",
        "endTime": "18:00",
        "consultationFee": 800,
        "consultationType": "IN_CLINIC",
        **more,
    }


def test_extra_hours_add_list_and_delete(client: APIClient, slot: DoctorSlot) -> None:
    response = client.post(EXTRA_URL, extra(slot), format="json")
    assert response.status_code == 201, response.json()
    record = response.json()
    assert (record["date"], record["slotDuration"], record["maxPatients"]) == ("2031-01-08", 30, 1)
    assert client.get(EXTRA_URL).json()["count"] == 1
    assert client.get(URL).json()["count"] == 0  # time off and extra hours are listed apart
    AppointmentFactory(doctor=slot.doctor, appointment_date="2031-01-08", time_slot="05:00 PM", slot_id=record["_id"])
    refused = client.delete(f"{EXTRA_URL}/{record['_id']}")
    assert (refused.status_code, refused.json()) == (409, {"detail": MSG_EXTRA_HOURS_HAVE_APPOINTMENTS})
    Appointment.objects.filter(doctor_id=slot.doctor_id).update(status="CANCELLED")
    assert client.delete(f"{EXTRA_URL}/{record['_id']}").status_code == 204


def test_extra_hours_bad_input_is_400_keyed_by_field(client: APIClient, slot: DoctorSlot) -> None:
    response = client.post(EXTRA_URL, extra(slot, date="2031-01-01", endTime="16:00"), format="json")
    assert response.status_code == 400
    assert response.json() == {"date": [MSG_DATE_PAST]}
    response = client.post(EXTRA_URL, extra(slot, endTime="16:00", slotDuration=2), format="json")
    assert response.status_code == 400
    assert {"endTime", "slotDuration"} <= set(response.json())


def test_extra_hours_overlapping_the_weekly_slot_are_409(client: APIClient, slot: DoctorSlot) -> None:
    response = client.post(EXTRA_URL, extra(slot, date=TUESDAY, startTime="11:30", endTime="13:00"), format="json")
    assert response.status_code == 409
    assert "overlaps your active Tuesday slot" in response.json()["detail"]
