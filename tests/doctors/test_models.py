"""The seed's validation rules for doctors, specialties and weekly slots, each refused with a form error."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from clinics.models import Clinic
from core.validators import MSG_DATE, MSG_FEE_NEGATIVE, MSG_TIME_12H, MSG_TIME_24H
from doctors.admin import MSG_NOT_THE_DOCTORS_CLINIC, MSG_SLOT_TIME_ITEM
from doctors.models import (
    MSG_AT_LEAST_ONE_CLINIC,
    MSG_END_AFTER_START,
    MSG_RATING_RANGE,
    MSG_SPECIALTY_MISMATCH,
    MSG_UNKNOWN_SPECIALTY,
    Doctor,
    DoctorSlot,
)
from doctors.schedule.services import MSG_SLOT_OVERLAP
from tests.admin_forms import admin_url, form_errors, staff_client, submit_change
from tests.clinics.factories import ClinicFactory
from tests.doctors.factories import DoctorFactory, DoctorSlotFactory, clinic_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client: Client) -> Client:
    return staff_client(client)


@pytest.fixture
def doctor_url() -> str:
    return admin_url(Doctor, "change", DoctorFactory().pk)


def _errors(admin: Client, url: str, **changes: str | None) -> list[str]:
    return form_errors(submit_change(admin, url, **changes))


# --- doctors ------------------------------------------------------------------------------------------------


def test_an_unchanged_doctor_form_saves(admin: Client, doctor_url: str) -> None:
    assert submit_change(admin, doctor_url).status_code == 302


def test_doctor_needs_at_least_one_clinic(admin: Client, doctor_url: str) -> None:
    assert MSG_AT_LEAST_ONE_CLINIC in _errors(admin, doctor_url, **{"clinics-0-DELETE": "on"})


def test_doctor_fee_is_zero_or_more(admin: Client, doctor_url: str) -> None:
    assert _errors(admin, doctor_url, consultation_fee="-1") == [MSG_FEE_NEGATIVE]
    assert submit_change(admin, doctor_url, consultation_fee="0").status_code == 302


def test_clinic_entry_fee_is_zero_or_more(admin: Client, doctor_url: str) -> None:
    assert MSG_FEE_NEGATIVE in _errors(admin, doctor_url, **{"clinics-0-consultation_fee": "-100"})


@pytest.mark.parametrize("rating", ["-0.1", "5.1"])
def test_rating_is_between_0_and_5(rating: str) -> None:
    # Read-only in the admin (members' feedback counts it: doctors/services.py); the model still checks it.
    doctor = DoctorFactory(rating=float(rating))
    with pytest.raises(ValidationError) as refused:
        doctor.full_clean(validate_unique=False)
    assert refused.value.message_dict["rating"] == [MSG_RATING_RANGE]


def test_ratings_0_and_5_are_accepted() -> None:
    for rating in (0, 5):
        DoctorFactory(rating=rating).full_clean(validate_unique=False)


def test_doctor_email_must_be_valid(admin: Client, doctor_url: str) -> None:
    assert _errors(admin, doctor_url, email="dr.vikas-at-example.com") == ["Enter a valid email address."]


def test_specialty_id_must_exist_in_the_specialty_master(admin: Client, doctor_url: str) -> None:
    assert _errors(admin, doctor_url, specialty_id="SPEC999") == [MSG_UNKNOWN_SPECIALTY]


def test_specialty_must_match_the_master_name() -> None:
    # The admin fills `specialty` from the master (tests/doctors/test_reference_data.py); the model still checks it.
    doctor = DoctorFactory(specialty="General Physician")
    doctor.specialty = "Cardiologist"
    with pytest.raises(ValidationError) as refused:
        doctor.full_clean(validate_unique=False)
    assert refused.value.message_dict["specialty"] == [MSG_SPECIALTY_MISMATCH]


@pytest.mark.parametrize("date", ["28-09-2025", "2025-9-28", "2025-02-30"])
def test_available_slot_dates_are_yyyy_mm_dd(admin: Client, doctor_url: str, date: str) -> None:
    changes = {"available_slots-0-date": date, "available_slots-0-slots": "09:00 AM"}
    assert MSG_DATE in _errors(admin, doctor_url, **changes)


@pytest.mark.parametrize("time", ["14:00", "9:00 AM", "13:00 PM"])
def test_available_slot_times_are_12_hour(admin: Client, doctor_url: str, time: str) -> None:
    changes = {"available_slots-0-date": "2025-09-28", "available_slots-0-slots": f"10:00 AM,{time}"}
    assert MSG_SLOT_TIME_ITEM % {"nth": 2} in _errors(admin, doctor_url, **changes)


def test_valid_available_slots_are_saved_as_the_seed_stores_them(admin: Client, doctor_url: str) -> None:
    changes = {"available_slots-0-date": "2025-09-28", "available_slots-0-slots": "09:00 AM,02:00 PM"}
    assert submit_change(admin, doctor_url, **changes).status_code == 302
    doctor = Doctor.objects.get()
    assert [(day.date, day.slots) for day in doctor.available_slots] == [("2025-09-28", ["09:00 AM", "02:00 PM"])]


def test_a_clinic_location_is_copied_from_the_clinic_never_typed(admin: Client, doctor_url: str) -> None:
    assert submit_change(admin, doctor_url, **{"clinics-0-location-latitude": "95"}).status_code == 302
    doctor = Doctor.objects.get()
    clinic = Clinic.objects.get(clinic_id=doctor.clinics[0].clinic_id)
    assert doctor.clinics[0].location.latitude == clinic.location.latitude


def test_full_clean_checks_embedded_clinics_outside_forms_too() -> None:
    doctor = DoctorFactory()
    doctor.clinics[0].consultation_fee = -1
    doctor.clinics[0].location.longitude = 200
    with pytest.raises(ValidationError) as refused:
        doctor.full_clean()
    assert refused.value.message_dict["clinics"] == [
        f"clinics[1].consultationFee: {MSG_FEE_NEGATIVE}",
        "clinics[1].location.longitude: Ensure this value is less than or equal to 180.",
    ]


# --- weekly slots ---------------------------------------------------------------------------------------------


@pytest.fixture
def slot() -> DoctorSlot:
    return DoctorSlotFactory(start_time="09:00", end_time="12:00")


@pytest.fixture
def slot_url(slot: DoctorSlot) -> str:
    return admin_url(DoctorSlot, "change", slot.pk)


def test_an_unchanged_slot_form_saves(admin: Client, slot_url: str) -> None:
    assert submit_change(admin, slot_url).status_code == 302


def test_slot_day_of_week_is_a_day_name(admin: Client, slot_url: str) -> None:
    assert _errors(admin, slot_url, day_of_week="Funday") == [
        "Select a valid choice. Funday is not one of the available choices."
    ]


@pytest.mark.parametrize("field", ["start_time", "end_time"])
@pytest.mark.parametrize("value", ["9:00", "24:00", "12:60"])
def test_slot_times_are_hh_mm(admin: Client, slot_url: str, field: str, value: str) -> None:
    assert _errors(admin, slot_url, **{field: value}) == [MSG_TIME_24H]


@pytest.mark.parametrize(("start", "end"), [("12:00", "11:00"), ("10:00", "10:00")])
def test_slot_end_time_is_after_start_time(admin: Client, slot_url: str, start: str, end: str) -> None:
    assert _errors(admin, slot_url, start_time=start, end_time=end) == [MSG_END_AFTER_START]


def test_slot_consultation_type_is_one_of_the_enum(admin: Client, slot_url: str) -> None:
    assert _errors(admin, slot_url, consultation_type="PHONE") == [
        "Select a valid choice. PHONE is not one of the available choices."
    ]


def test_slot_fee_is_zero_or_more(admin: Client, slot_url: str) -> None:
    assert _errors(admin, slot_url, consultation_fee="-1") == [MSG_FEE_NEGATIVE]


def test_slot_clinic_must_be_one_of_the_doctors(admin: Client, slot_url: str) -> None:
    other = ClinicFactory()
    assert _errors(admin, slot_url, clinic=other.clinic_id) == [MSG_NOT_THE_DOCTORS_CLINIC]


def test_a_new_slot_may_not_overlap_the_doctors_active_slots(admin: Client, slot: DoctorSlot) -> None:
    form = {
        "doctor": slot.doctor.doctor_id,
        "clinic": slot.clinic.clinic_id,
        "day_of_week": "Monday",
        "start_time": "11:00",
        "end_time": "13:00",
        "slot_duration": "30",
        "max_patients": "1",
        "consultation_fee": "500",
        "consultation_type": "ONLINE",
        "is_active": "on",
    }
    response = admin.post(admin_url(DoctorSlot, "add"), form)
    # The slot service's own message (doctors/schedule/services.py), which names the clinic.
    clinic_name = slot.doctor.clinic(slot.clinic_id).name
    expected = MSG_SLOT_OVERLAP.format(day="Monday", start="09:00", end="12:00", clinic=clinic_name)
    assert form_errors(response) == [expected]
    response = admin.post(admin_url(DoctorSlot, "add"), {**form, "start_time": "12:00"})
    assert response.status_code == 302
    assert DoctorSlot.objects.filter(doctor=slot.doctor).count() == 2


def test_a_doctor_with_two_clinics_can_have_slots_at_each(admin: Client) -> None:
    first, second = ClinicFactory(), ClinicFactory()
    doctor = DoctorFactory(clinics=[clinic_entry(first), clinic_entry(second, fee=800)])
    form = {
        "doctor": doctor.doctor_id,
        "clinic": second.clinic_id,
        "day_of_week": "Tuesday",
        "start_time": "17:00",
        "end_time": "19:00",
        "slot_duration": "20",
        "max_patients": "2",
        "consultation_fee": "800",
        "consultation_type": "IN_CLINIC",
        "is_active": "on",
    }
    assert admin.post(admin_url(DoctorSlot, "add"), form).status_code == 302
    assert DoctorSlot.objects.get().clinic_id == second.clinic_id


def test_slot_time_validators_are_in_the_model_too() -> None:
    slot = DoctorSlot(
        doctor_id="DOC001",
        clinic_id="CLINIC001",
        day_of_week="Monday",
        start_time="7",
        end_time="08:00",
        consultation_fee=0,
        consultation_type="ONLINE",
    )
    with pytest.raises(ValidationError) as refused:
        slot.full_clean(exclude=["doctor", "clinic"])
    assert refused.value.message_dict == {"start_time": [MSG_TIME_24H]}


def test_time_12h_message_names_the_format() -> None:
    assert "hh:mm AM/PM" in MSG_TIME_12H
