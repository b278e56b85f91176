"""Reference data is picked, not typed: clinics and specialty from their collections; the rating is counted."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client

from clinics.models import Clinic, Location
from consultations.models import ConsultationStatus, EndedBy
from consultations.services import consultation_give_feedback
from doctors.admin import MSG_NOT_THE_DOCTORS_CLINIC
from doctors.auth.services import doctor_set_password
from doctors.models import MSG_UNKNOWN_SPECIALTY, Doctor, DoctorSlot
from doctors.services import doctor_clinics_sync
from tests.admin_forms import admin_url, form_data, form_errors, staff_client
from tests.clinics.factories import ClinicFactory
from tests.consultations.factories import VideoConsultationFactory
from tests.doctors.factories import DoctorFactory, SpecialtyFactory, clinic_entry
from users.models import Role, User

pytestmark = pytest.mark.django_db

STRONG = "Lakeside-Portal-2025"


def _doctor_form(client: Client, doctor: Doctor) -> dict[str, Any]:
    return form_data(client.get(admin_url(Doctor, "change", doctor.pk)))


def _pick_clinics(data: dict[str, Any], *picks: tuple[str, int]) -> dict[str, Any]:
    """Replace the doctor form's clinics with `picks` (clinicId, fee), as a browser would post them."""
    data = {key: value for key, value in data.items() if not key.startswith("clinics-")}
    data.update({"clinics-TOTAL_FORMS": str(len(picks)), "clinics-INITIAL_FORMS": "0"})
    data.update({"clinics-MIN_NUM_FORMS": "0", "clinics-MAX_NUM_FORMS": "1000"})
    for index, (clinic_id, fee) in enumerate(picks):
        data[f"clinics-{index}-clinic_id"] = clinic_id
        data[f"clinics-{index}-consultation_fee"] = str(fee)
    return data


# --- clinics picked from `clinics` ----------------------------------------------------------------------


def test_a_doctors_clinics_are_picked_and_copied_from_the_clinic(client: Client) -> None:
    admin_client = staff_client(client)
    doctor = DoctorFactory()
    other = ClinicFactory(name="Lakeside Clinic", city="Pune", location=Location(latitude=18.5, longitude=73.8))
    data = _pick_clinics(_doctor_form(admin_client, doctor), (other.clinic_id, 800))
    data["clinics-0-name"] = "Typed name, ignored"  # not a field of the form any more
    response = admin_client.post(admin_url(Doctor, "change", doctor.pk), data)
    assert response.status_code == 302, form_errors(response)
    entry = Doctor.objects.get(pk=doctor.pk).clinics[0]
    assert (entry.clinic_id, entry.name, entry.address, entry.city) == (
        other.clinic_id,
        "Lakeside Clinic",
        other.address,
        "Pune",
    )
    assert (entry.location.latitude, entry.consultation_fee) == (18.5, 800)


def test_a_clinic_that_does_not_exist_cannot_be_picked(client: Client) -> None:
    admin_client = staff_client(client)
    doctor = DoctorFactory()
    data = _pick_clinics(_doctor_form(admin_client, doctor), ("CLINIC999", 500))
    response = admin_client.post(admin_url(Doctor, "change", doctor.pk), data)
    assert any("CLINIC999" in message for message in form_errors(response))
    assert Doctor.objects.get(pk=doctor.pk).clinics[0].clinic_id == doctor.clinics[0].clinic_id


def test_a_clinic_picked_twice_is_refused(client: Client) -> None:
    admin_client = staff_client(client)
    doctor = DoctorFactory()
    clinic_id = doctor.clinics[0].clinic_id
    data = _pick_clinics(_doctor_form(admin_client, doctor), (clinic_id, 500), (clinic_id, 600))
    assert "Each clinic can be listed only once." in form_errors(
        admin_client.post(admin_url(Doctor, "change", doctor.pk), data)
    )


def test_changing_a_clinic_updates_every_doctors_copy_in_one_bulk_update(
    client: Client, assert_db_commands: Any
) -> None:
    clinic, elsewhere = ClinicFactory(), ClinicFactory(name="Elsewhere")
    first = DoctorFactory(clinic=clinic)
    second = DoctorFactory(clinic=elsewhere, clinics=[clinic_entry(elsewhere, 700), clinic_entry(clinic, 900)])
    untouched = DoctorFactory(clinic=elsewhere)
    Clinic.objects.filter(pk=clinic.pk).update(name="Renamed Clinic", address="2 New Road", city="Mumbai")
    changed = Clinic.objects.get(pk=clinic.pk)
    with assert_db_commands(2):  # read the clinic's document, one update_many with arrayFilters
        assert doctor_clinics_sync(changed) == 2
    for doctor in (first, second):
        entry = Doctor.objects.get(pk=doctor.pk).clinic(clinic.clinic_id)
        assert (entry.name, entry.address, entry.city) == ("Renamed Clinic", "2 New Road", "Mumbai")
    second_entries = Doctor.objects.get(pk=second.pk).clinics
    assert second_entries[0].name == "Elsewhere" and second_entries[1].consultation_fee == 900
    assert Doctor.objects.get(pk=untouched.pk).clinics[0].name == "Elsewhere"


def test_saving_a_clinic_in_the_admin_keeps_doctors_in_step(client: Client) -> None:
    admin_client = staff_client(client)
    doctor = DoctorFactory()
    clinic = Clinic.objects.get(clinic_id=doctor.clinics[0].clinic_id)
    data = form_data(admin_client.get(admin_url(Clinic, "change", clinic.pk)))
    data.update({"name": "Riverside Clinic", "city": "Chennai", "clinic_id": "CHANGED"})
    assert admin_client.post(admin_url(Clinic, "change", clinic.pk), data).status_code == 302
    entry = Doctor.objects.get(pk=doctor.pk).clinics[0]
    assert (entry.clinic_id, entry.name, entry.city) == (clinic.clinic_id, "Riverside Clinic", "Chennai")


# --- specialty from the master list; rating read-only ---------------------------------------------------------


def test_the_specialty_is_picked_from_the_master_and_fills_its_name(client: Client) -> None:
    admin_client = staff_client(client)
    doctor = DoctorFactory()
    SpecialtyFactory(specialty_id="SPEC002", name="Cardiologist")
    data = _doctor_form(admin_client, doctor)
    data.update(specialty_id="SPEC002", specialty="Typed specialty", rating="1", review_count="999")
    response = admin_client.post(admin_url(Doctor, "change", doctor.pk), data)
    assert response.status_code == 302, form_errors(response)
    saved = Doctor.objects.get(pk=doctor.pk)
    assert (saved.specialty_id, saved.specialty) == ("SPEC002", "Cardiologist")
    assert (saved.rating, saved.review_count) == (doctor.rating, doctor.review_count)  # read-only


def test_an_unknown_specialty_cannot_be_picked(client: Client) -> None:
    admin_client = staff_client(client)
    doctor = DoctorFactory()
    data = {**_doctor_form(admin_client, doctor), "specialty_id": "SPEC999"}
    response = admin_client.post(admin_url(Doctor, "change", doctor.pk), data)
    assert form_errors(response) == [MSG_UNKNOWN_SPECIALTY]


# --- a member's rating reaches the doctor -----------------------------------------------------------------


def test_a_members_rating_updates_the_doctors_rating_and_review_count() -> None:
    consultation = VideoConsultationFactory(status=ConsultationStatus.COMPLETED)
    doctor = consultation.doctor
    Doctor.objects.filter(pk=doctor.pk).update(rating=4.5, review_count=3)
    consultation_give_feedback(consultation=consultation, participant=EndedBy.PATIENT, rating=2)
    stored = connection.get_collection("doctors").find_one({"_id": doctor.pk})
    assert stored["reviewCount"] == 4
    assert stored["rating"] == pytest.approx((4.5 * 3 + 2) / 4)


def test_the_doctors_rating_of_the_patient_does_not_count_and_no_rating_counts_twice() -> None:
    from consultations.services import TransitionRefused

    consultation = VideoConsultationFactory(status=ConsultationStatus.COMPLETED)
    Doctor.objects.filter(pk=consultation.doctor.pk).update(rating=0, review_count=0)
    consultation_give_feedback(consultation=consultation, participant=EndedBy.DOCTOR, rating=1)
    consultation_give_feedback(consultation=consultation, participant=EndedBy.PATIENT, rating=5)
    with pytest.raises(TransitionRefused):
        consultation_give_feedback(consultation=consultation, participant=EndedBy.PATIENT, rating=1)
    doctor = Doctor.objects.get(pk=consultation.doctor.pk)
    assert (doctor.rating, doctor.review_count) == (5, 1)


# --- passwords ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("password", ["abc12", "1234567890123", "password123"])
def test_weak_portal_passwords_are_refused_by_the_service(password: str) -> None:
    with pytest.raises(ValidationError):
        doctor_set_password(doctor=DoctorFactory(), password=password)


def test_a_five_character_portal_password_is_refused_in_the_admin(client: Client) -> None:
    admin_client = staff_client(client)
    doctor = DoctorFactory()
    before = connection.get_collection("doctors").find_one({"_id": doctor.pk})["password"]
    data = {**_doctor_form(admin_client, doctor), "new_password": "ab1!x"}
    errors = form_errors(admin_client.post(admin_url(Doctor, "change", doctor.pk), data))
    assert any("at least 10 characters" in message for message in errors)
    assert connection.get_collection("doctors").find_one({"_id": doctor.pk})["password"] == before
    data["new_password"] = STRONG
    assert admin_client.post(admin_url(Doctor, "change", doctor.pk), data).status_code == 302


def test_a_weak_staff_password_is_refused_in_the_admin(client: Client) -> None:
    admin_client = staff_client(client)
    form = {"email": "ops3@example.com", "name": "Third Ops", "role": Role.OPERATIONS, "is_active": "on"}
    response = admin_client.post(admin_url(User, "add"), {**form, "new_password": "short"})
    assert any("at least 10 characters" in message for message in form_errors(response))
    assert not User.objects.filter(email="ops3@example.com").exists()


# --- the admin's slot form speaks to staff --------------------------------------------------------------------


def test_the_slot_form_names_the_doctors_clinics_not_your_profile(client: Client) -> None:
    admin_client = staff_client(client)
    doctor, stranger = DoctorFactory(), ClinicFactory()
    form = {
        "doctor": doctor.doctor_id,
        "clinic": stranger.clinic_id,
        "day_of_week": "Monday",
        "start_time": "09:00",
        "end_time": "12:00",
        "slot_duration": "30",
        "max_patients": "1",
        "consultation_fee": "500",
        "consultation_type": "IN_CLINIC",
        "is_active": "on",
    }
    errors = form_errors(admin_client.post(admin_url(DoctorSlot, "add"), form))
    assert MSG_NOT_THE_DOCTORS_CLINIC in errors
    assert not any("your" in message for message in errors)


# --- the integrity audit ------------------------------------------------------------------------------------


def test_the_audit_repairs_stale_clinic_copies_and_reports_unknown_clinics() -> None:
    from core.integrity import integrity_audit
    from doctors.integrity import PROBLEM_STALE_COPY, PROBLEM_UNKNOWN_CLINIC

    doctor = DoctorFactory()
    ghost = DoctorFactory()
    Doctor.objects.filter(pk=ghost.pk).update(clinics=[clinic_entry(ClinicFactory.build(clinic_id="CLINIC999"))])
    clinic_id = doctor.clinics[0].clinic_id
    Clinic.objects.filter(clinic_id=clinic_id).update(name="Renamed meanwhile")  # the sync never ran

    def problems(repair: bool) -> list[tuple[str, str, bool]]:
        _check, result = integrity_audit(repair=repair, only=["doctors.clinic_copies"]).results["doctors.clinic_copies"]
        return sorted((f.problem, f.ids["clinic"], f.repaired) for f in result.findings)

    assert problems(repair=False) == sorted(
        [(PROBLEM_STALE_COPY, clinic_id, False), (PROBLEM_UNKNOWN_CLINIC, "CLINIC999", False)]
    )
    assert (PROBLEM_STALE_COPY, clinic_id, True) in problems(repair=True)
    assert Doctor.objects.get(pk=doctor.pk).clinics[0].name == "Renamed meanwhile"
    assert problems(repair=False) == [(PROBLEM_UNKNOWN_CLINIC, "CLINIC999", False)]


def test_a_clinic_kept_keeps_its_stored_distance(client: Client) -> None:
    admin_client = staff_client(client)
    doctor = DoctorFactory()
    entry = doctor.clinics[0]
    entry.distance_km = 12.67
    Doctor.objects.filter(pk=doctor.pk).update(clinics=[entry])
    data = _pick_clinics(_doctor_form(admin_client, doctor), (entry.clinic_id, 900))
    assert admin_client.post(admin_url(Doctor, "change", doctor.pk), data).status_code == 302
    saved = Doctor.objects.get(pk=doctor.pk).clinics[0]
    assert (saved.distance_km, saved.consultation_fee) == (12.67, 900)
