"""The doctor API for weekly slots: /api/v1/doctor/slots (seed `doctor_slots` rules + no overlap)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from appointments.models import AppointmentStatus
from core.validators import MSG_TIME_24H
from doctors.models import MSG_END_AFTER_START, DoctorSlot
from doctors.schedule.services import (
    MSG_NOT_YOUR_CLINIC,
    MSG_SLOT_HAS_APPOINTMENTS,
    MSG_SLOT_OVERLAP,
    MSG_UNKNOWN_CLINIC,
)
from tests.appointments.factories import AppointmentFactory
from tests.clinics.factories import ClinicFactory
from tests.doctors.clients import doctor_api_client
from tests.doctors.factories import DoctorFactory, DoctorSlotFactory, clinic_entry

pytestmark = pytest.mark.django_db

URL = "/api/v1/doctor/slots"


@pytest.fixture
def doctor():
    return DoctorFactory()


@pytest.fixture
def client(doctor) -> APIClient:
    return doctor_api_client(doctor)


def _payload(doctor, **overrides) -> dict:
    return {
        "clinicId": doctor.clinics[0].clinic_id,
        "dayOfWeek": "Tuesday",
        "startTime": "09:00",
        "endTime": "12:00",
        "slotDuration": 30,
        "maxPatients": 2,
        "consultationFee": 800,
        "consultationType": "IN_CLINIC",
        **overrides,
    }


def test_create_slot_answers_201_with_the_seed_fields(doctor, client) -> None:
    response = client.post(URL, _payload(doctor), format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["doctorId"] == doctor.doctor_id
    assert body["dayOfWeek"] == "Tuesday"
    assert body["consultationFee"] == 800
    assert body["isActive"] is True
    assert DoctorSlot.objects.get(pk=body["_id"]).doctor_id == doctor.doctor_id


def test_list_shows_own_slots_in_week_order(doctor, client) -> None:
    for day in ("Sunday", "Monday", "Wednesday"):
        DoctorSlotFactory(doctor=doctor, day_of_week=day)
    DoctorSlotFactory()  # another doctor's
    body = client.get(URL).json()
    assert body["count"] == 3
    assert [row["dayOfWeek"] for row in body["results"]] == ["Monday", "Wednesday", "Sunday"]


def test_list_filters_by_day_and_active(doctor, client) -> None:
    DoctorSlotFactory(doctor=doctor, day_of_week="Monday")
    DoctorSlotFactory(doctor=doctor, day_of_week="Friday", is_active=False)
    assert client.get(URL, {"dayOfWeek": "Friday"}).json()["count"] == 1
    assert client.get(URL, {"isActive": "false"}).json()["count"] == 1
    assert client.get(URL, {"dayOfWeek": "Someday"}).status_code == 400


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("dayOfWeek", "Funday", "Value 'Funday' is not a valid choice."),
        ("startTime", "9:00", MSG_TIME_24H),
        ("endTime", "24:00", MSG_TIME_24H),
        ("startTime", "09:00 AM", None),
    ],
)
def test_slot_formats_are_checked(doctor, client, field, value, message) -> None:
    response = client.post(URL, _payload(doctor, **{field: value}), format="json")
    assert response.status_code == 400
    if message:
        assert message in response.json()[field]
    assert not DoctorSlot.objects.exists()


def test_end_time_must_be_after_start_time(doctor, client) -> None:
    response = client.post(URL, _payload(doctor, startTime="12:00", endTime="09:00"), format="json")
    assert response.status_code == 400
    assert response.json() == {"endTime": [MSG_END_AFTER_START]}


def test_consultation_type_must_be_in_the_enum(doctor, client) -> None:
    response = client.post(URL, _payload(doctor, consultationType="HOME_VISIT"), format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["consultationType"]


def test_fee_cannot_be_negative(doctor, client) -> None:
    response = client.post(URL, _payload(doctor, consultationFee=-1), format="json")
    assert response.status_code == 400
    assert response.json() == {"consultationFee": ["Consultation fee must be 0 or more."]}


def test_clinic_must_be_one_the_doctor_practises_at(doctor, client) -> None:
    elsewhere = ClinicFactory()
    response = client.post(URL, _payload(doctor, clinicId=elsewhere.clinic_id), format="json")
    assert response.status_code == 400
    assert response.json() == {"clinicId": [MSG_NOT_YOUR_CLINIC]}


def test_clinic_must_exist_in_the_clinics_collection(doctor, client) -> None:
    ghost = ClinicFactory.build(clinic_id="CLINIC999")  # on the doctor's profile but never saved
    doctor.clinics = [*doctor.clinics, clinic_entry(ghost)]
    doctor.save()
    response = client.post(URL, _payload(doctor, clinicId="CLINIC999"), format="json")
    assert response.status_code == 400
    assert response.json() == {"clinicId": [MSG_UNKNOWN_CLINIC]}


def test_missing_fields_are_400(client) -> None:
    response = client.post(URL, {}, format="json")
    assert response.status_code == 400
    assert {"clinicId", "dayOfWeek", "startTime", "endTime", "consultationFee", "consultationType"} <= set(
        response.json()
    )


def test_overlapping_active_slot_on_the_same_day_is_409(doctor, client) -> None:
    clinic = doctor.clinics[0]
    DoctorSlotFactory(doctor=doctor, day_of_week="Tuesday", start_time="09:00", end_time="12:00")
    response = client.post(URL, _payload(doctor, startTime="11:30", endTime="13:00"), format="json")
    assert response.status_code == 409
    assert response.json() == {
        "detail": MSG_SLOT_OVERLAP.format(day="Tuesday", start="09:00", end="12:00", clinic=clinic.name)
    }
    assert DoctorSlot.objects.count() == 1


def test_overlap_counts_any_clinic_of_the_doctor() -> None:
    first, second = ClinicFactory(), ClinicFactory()
    doctor = DoctorFactory(clinics=[clinic_entry(first), clinic_entry(second)])
    DoctorSlotFactory(doctor=doctor, clinic=first, day_of_week="Tuesday", start_time="09:00", end_time="12:00")
    response = doctor_api_client(doctor).post(URL, _payload(doctor, clinicId=second.clinic_id), format="json")
    assert response.status_code == 409


def test_touching_slots_do_not_overlap(doctor, client) -> None:
    DoctorSlotFactory(doctor=doctor, day_of_week="Tuesday", start_time="09:00", end_time="12:00")
    assert client.post(URL, _payload(doctor, startTime="12:00", endTime="14:00"), format="json").status_code == 201


def test_inactive_slots_and_other_days_and_other_doctors_do_not_block(doctor, client) -> None:
    DoctorSlotFactory(doctor=doctor, day_of_week="Tuesday", is_active=False)
    DoctorSlotFactory(doctor=doctor, day_of_week="Wednesday")
    DoctorSlotFactory(day_of_week="Tuesday")
    assert client.post(URL, _payload(doctor), format="json").status_code == 201


def test_get_one_own_slot(doctor, client) -> None:
    slot = DoctorSlotFactory(doctor=doctor)
    response = client.get(f"{URL}/{slot.pk}")
    assert response.status_code == 200
    assert response.json()["_id"] == str(slot.pk)


def test_another_doctors_slot_is_404_for_every_method(client) -> None:
    theirs = DoctorSlotFactory()
    assert client.get(f"{URL}/{theirs.pk}").status_code == 404
    assert client.patch(f"{URL}/{theirs.pk}", {"isActive": False}, format="json").status_code == 404
    assert client.delete(f"{URL}/{theirs.pk}").status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_active


def test_malformed_slot_id_is_404(client) -> None:
    assert client.get(f"{URL}/nope").status_code == 404


def test_patch_changes_the_slot(doctor, client) -> None:
    slot = DoctorSlotFactory(doctor=doctor, start_time="09:00", end_time="12:00")
    response = client.patch(f"{URL}/{slot.pk}", {"endTime": "13:00", "maxPatients": 3}, format="json")
    assert response.status_code == 200
    slot.refresh_from_db()
    assert (slot.end_time, slot.max_patients) == ("13:00", 3)


def test_patch_can_keep_its_own_time(doctor, client) -> None:
    slot = DoctorSlotFactory(doctor=doctor)
    assert client.patch(f"{URL}/{slot.pk}", {"consultationFee": 900}, format="json").status_code == 200


def test_patch_into_an_overlap_is_409(doctor, client) -> None:
    DoctorSlotFactory(doctor=doctor, day_of_week="Monday", start_time="09:00", end_time="12:00")
    later = DoctorSlotFactory(doctor=doctor, day_of_week="Monday", start_time="14:00", end_time="16:00")
    response = client.patch(f"{URL}/{later.pk}", {"startTime": "11:00"}, format="json")
    assert response.status_code == 409
    later.refresh_from_db()
    assert later.start_time == "14:00"


def test_patch_with_end_before_start_is_400(doctor, client) -> None:
    slot = DoctorSlotFactory(doctor=doctor, start_time="09:00", end_time="12:00")
    response = client.patch(f"{URL}/{slot.pk}", {"endTime": "08:00"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"endTime": [MSG_END_AFTER_START]}


def test_deactivate_then_reactivate_is_refused_when_it_would_overlap(doctor, client) -> None:
    slot = DoctorSlotFactory(doctor=doctor, day_of_week="Monday", start_time="09:00", end_time="12:00")
    assert client.patch(f"{URL}/{slot.pk}", {"isActive": False}, format="json").json()["isActive"] is False
    DoctorSlotFactory(doctor=doctor, day_of_week="Monday", start_time="10:00", end_time="11:00")
    assert client.patch(f"{URL}/{slot.pk}", {"isActive": True}, format="json").status_code == 409


def test_delete_removes_the_slot(doctor, client) -> None:
    slot = DoctorSlotFactory(doctor=doctor)
    assert client.delete(f"{URL}/{slot.pk}").status_code == 204
    assert not DoctorSlot.objects.filter(pk=slot.pk).exists()


def test_delete_with_upcoming_appointments_is_409(doctor, client) -> None:
    slot = DoctorSlotFactory(doctor=doctor)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    AppointmentFactory(doctor=doctor, slot=slot, appointment_date=tomorrow, status=AppointmentStatus.CONFIRMED)
    response = client.delete(f"{URL}/{slot.pk}")
    assert response.status_code == 409
    assert response.json() == {"detail": MSG_SLOT_HAS_APPOINTMENTS}
    assert DoctorSlot.objects.filter(pk=slot.pk).exists()


def test_delete_with_only_past_or_cancelled_appointments_is_allowed(doctor, client) -> None:
    slot = DoctorSlotFactory(doctor=doctor)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    AppointmentFactory(doctor=doctor, slot=slot, appointment_date=yesterday, status=AppointmentStatus.CONFIRMED)
    AppointmentFactory(doctor=doctor, slot=slot, appointment_date=tomorrow, status=AppointmentStatus.CANCELLED)
    assert client.delete(f"{URL}/{slot.pk}").status_code == 204


def test_slot_writes_need_the_csrf_token(doctor, client) -> None:
    client.credentials()
    assert client.post(URL, _payload(doctor), format="json").status_code == 403
    assert not DoctorSlot.objects.exists()


def test_slots_without_sign_in_are_401() -> None:
    assert APIClient().get(URL).status_code == 401


def test_patch_moves_a_slot_to_another_of_the_doctors_clinics() -> None:
    first, second = ClinicFactory(), ClinicFactory()
    doctor = DoctorFactory(clinics=[clinic_entry(first), clinic_entry(second)])
    slot = DoctorSlotFactory(doctor=doctor, clinic=first)
    response = doctor_api_client(doctor).patch(f"{URL}/{slot.pk}", {"clinicId": second.clinic_id}, format="json")
    assert response.status_code == 200
    assert response.json()["clinicId"] == second.clinic_id
    slot.refresh_from_db()
    assert slot.clinic_id == second.clinic_id
