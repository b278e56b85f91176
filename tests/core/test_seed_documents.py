"""The seed's sample documents, inserted straight into MongoDB with pymongo, work through the ORM and the admin."""

from datetime import UTC, datetime

import pytest
from bson import ObjectId
from django.db import connection
from django.test import Client

from appointments.models import Appointment
from clinics.models import Clinic
from consultations.models import VideoConsultation
from demo.services import demo_seed_samples
from doctors.models import Doctor, DoctorSlot, Specialty
from prescriptions.models import Prescription
from tests.admin_forms import submit_change
from tests.users.factories import StaffFactory
from users.models import Role, User

pytestmark = pytest.mark.django_db

SEED_PASSWORD = "seed-sample-password"
MODELS = {
    "specialty_master": (Specialty, "specialty_id"),
    "users": (User, "email"),
    "clinics": (Clinic, "clinic_id"),
    "doctors": (Doctor, "doctor_id"),
    "doctor_slots": (DoctorSlot, "pk"),
    "appointments": (Appointment, "appointment_id"),
    "doctor_prescriptions": (Prescription, "prescription_id"),
    "video_consultations": (VideoConsultation, "consultation_id"),
}


@pytest.fixture
def seed() -> dict[str, list[dict]]:
    """demo/seed_samples.json, as the seed prints them, inserted with pymongo (no ORM)."""
    from core.passwords import hash_password

    samples = demo_seed_samples(password_hash=hash_password(SEED_PASSWORD))
    for name, docs in samples.items():
        connection.get_collection(name).insert_many(docs)
    return samples


def _raw(collection: str, **query: object) -> dict:
    return connection.get_collection(collection).find_one(query)


def test_the_orm_lists_every_seed_sample(seed: dict[str, list[dict]]) -> None:
    for collection, (model, _) in MODELS.items():
        listed = {obj.pk for obj in model.objects.all()}
        assert listed == {doc["_id"] for doc in seed[collection]}, collection


def test_the_orm_reads_the_seed_doctor_with_its_embedded_clinics_and_slots(seed: dict) -> None:
    doctor = Doctor.objects.get(doctor_id="DOC001")
    assert doctor.pk == ObjectId("68d8ab8e6cd3c49c7e4f87fe")
    assert doctor.name == "Dr. Vikas Mittal"
    assert doctor.specializations[1] == "Tuberculosis & Respiratory Diseases"
    assert (doctor.consultation_fee, doctor.rating, doctor.review_count) == (1000, 4.7, 156)
    clinic = doctor.clinics[0]
    assert (clinic.clinic_id, clinic.city, clinic.pincode) == ("CLINIC001", "Delhi (NCR)", "110075")
    assert (clinic.location.latitude, clinic.location.longitude) == (28.5921, 77.046)
    assert (clinic.distance_km, clinic.consultation_fee) == (12.67, 1000)
    assert [day.date for day in doctor.available_slots] == ["2025-09-28", "2025-09-29"]
    assert doctor.available_slots[0].slots[-1] == "03:00 PM"
    assert doctor.last_login == datetime(2025, 10, 15, 8, 30, tzinfo=UTC)
    assert doctor.check_password(SEED_PASSWORD)


def test_the_orm_reads_clinic_hours_slots_and_follows_references(seed: dict) -> None:
    clinic = Clinic.objects.get(clinic_id="CLINIC001")
    saturday = clinic.operating_hours.for_day("Saturday")
    assert (saturday.open, saturday.close, saturday.is_closed) == ("09:00", "18:00", False)
    assert clinic.facilities == ["Emergency", "ICU", "Laboratory", "Pharmacy", "Radiology"]

    slot = DoctorSlot.objects.get(pk=ObjectId("674d8e123abc456789012600"))
    assert (slot.doctor.name, slot.clinic.name) == ("Dr. Vikas Mittal", "Manipal Hospital Dwarka")

    appointment = Appointment.objects.get(appointment_id="APT-001")
    assert appointment.user.email == "member@example.com"
    assert appointment.doctor.doctor_id == "DOC001"
    assert appointment.has_prescription is False  # the sample has no hasPrescription: the seed's default

    prescription = Prescription.objects.get(prescription_id="PRESC001")
    assert prescription.appointment.appointment_id == "APT-003"
    assert prescription.user.name == "Rajesh Kumar"
    assert Appointment.objects.get(appointment_id="APT-003").prescription == prescription

    consultation = VideoConsultation.objects.get(consultation_id="VC-1728123456")
    assert consultation.appointment.appointment_type == "ONLINE"
    assert consultation.doctor.doctor_id == "DOC003"
    assert consultation.patient.member_id == "USR001"
    assert (consultation.feedback.doctor_rating, consultation.feedback.patient_rating) == (5, 4)
    assert consultation.feedback.doctor_comments is None
    assert consultation.network_issues == []
    assert consultation.prescription.prescription_id == "PRESC002"


def test_every_seed_sample_passes_the_models_validation(seed: dict) -> None:
    for collection, (model, _) in MODELS.items():
        for obj in model.objects.all():
            obj.full_clean()  # raises on any rule the sample breaks
        assert model.objects.exists(), collection


def test_an_orm_update_keeps_the_seed_document_shape(seed: dict) -> None:
    doctor = Doctor.objects.get(doctor_id="DOC001")
    doctor.rating = 4.9
    doctor.clinics[0].consultation_fee = 1100
    doctor.save()
    raw = _raw("doctors", doctorId="DOC001")
    assert raw["rating"] == 4.9
    assert raw["clinics"][0]["consultationFee"] == 1100
    assert isinstance(raw["clinics"][0]["consultationFee"], int)
    assert raw["clinics"][0]["location"] == {"latitude": 28.5921, "longitude": 77.046}
    assert raw["availableSlots"][1] == {"date": "2025-09-29", "slots": seed["doctors"][0]["availableSlots"][1]["slots"]}
    assert raw["password"] == doctor.password
    assert raw["updatedAt"].replace(tzinfo=UTC) > datetime(2025, 10, 15, 8, 30, tzinfo=UTC)

    Appointment.objects.filter(appointment_id="APT-002").update(status="CONFIRMED")
    assert _raw("appointments", appointmentId="APT-002")["status"] == "CONFIRMED"


@pytest.fixture
def admin_client(client: Client) -> Client:
    client.force_login(StaffFactory(role=Role.ADMIN))
    return client


def test_the_admin_lists_and_opens_every_seed_sample(admin_client: Client, seed: dict) -> None:
    for collection, (model, natural) in MODELS.items():
        meta = model._meta
        changelist = admin_client.get(f"/admin/{meta.app_label}/{meta.model_name}/")
        assert changelist.status_code == 200, collection
        for obj in model.objects.all():
            if natural != "pk":
                assert getattr(obj, natural) in changelist.content.decode(), (collection, obj)
            change = admin_client.get(f"/admin/{meta.app_label}/{meta.model_name}/{obj.pk}/change/")
            assert change.status_code == 200, (collection, obj)


def test_the_admin_changes_seed_documents_and_keeps_their_shape(admin_client: Client, seed: dict) -> None:
    clinic = Clinic.objects.get(clinic_id="CLINIC001")
    response = submit_change(admin_client, f"/admin/clinics/clinic/{clinic.pk}/change/", phone="+91-11-40000000")
    assert response.status_code == 302
    raw = _raw("clinics", clinicId="CLINIC001")
    assert raw["phone"] == "+91-11-40000000"
    assert raw["operatingHours"]["Sunday"] == {"open": "09:00", "close": "14:00", "isClosed": False}
    assert raw["location"] == {"latitude": 28.5921, "longitude": 77.046}

    doctor = Doctor.objects.get(doctor_id="DOC003")
    rating = _raw("doctors", doctorId="DOC003")["rating"]
    response = submit_change(admin_client, f"/admin/doctors/doctor/{doctor.pk}/change/", phone="+91-98-10000000")
    assert response.status_code == 302
    raw = _raw("doctors", doctorId="DOC003")
    assert raw["phone"] == "+91-98-10000000"
    assert raw["rating"] == rating  # read-only: members' ratings move it
    assert raw["clinics"][0]["clinicId"] == "CLINIC003"
    assert raw["clinics"][0]["consultationFee"] == 1200
    assert raw["availableSlots"][0]["slots"][0] == "09:30 AM"
    assert raw["password"].startswith("$2b$")
