"""Documents the app writes have the seed's field names and BSON types, read back with plain pymongo."""

from datetime import datetime

import pytest
from bson import Decimal128, ObjectId
from django.db import connection
from django.utils import timezone

from consultations.models import Feedback, NetworkIssue
from core.validators import DAYS_OF_WEEK
from tests.consultations.factories import VideoConsultationFactory
from tests.doctors.factories import DoctorSlotFactory
from tests.prescriptions.factories import PrescriptionFactory

pytestmark = pytest.mark.django_db

# Field names of each collection, from OPD_WALLET_HEALTHCARE_SCHEMAS.md (users: docs/decisions/0011). The ORM
# writes every field (None when unset), so a document has exactly these keys.
SEED_FIELDS = {
    "doctors": {
        "_id",
        "doctorId",
        "name",
        "profilePhoto",
        "qualifications",
        "specializations",
        "specialtyId",
        "phone",
        "email",
        "password",
        "role",
        "registrationNumber",
        "languages",
        "specialty",
        "experienceYears",
        "rating",
        "reviewCount",
        "clinics",
        "consultationFee",
        "cashlessAvailable",
        "insuranceAccepted",
        "requiresConfirmation",
        "allowDirectBooking",
        "availableSlots",
        "availableOnline",
        "availableOffline",
        "lastLogin",
        "isActive",
        "createdAt",
        "updatedAt",
    },
    "clinics": {
        "_id",
        "clinicId",
        "name",
        "address",
        "city",
        "state",
        "pincode",
        "phone",
        "email",
        "location",
        "operatingHours",
        "facilities",
        "isActive",
        "createdAt",
        "updatedAt",
        "geo",  # ours: the GeoJSON copy of `location` the 2dsphere index reads (decision 0059)
    },
    "doctor_prescriptions": {
        "_id",
        "prescriptionId",
        "appointmentId",
        "doctorId",
        "doctorName",
        "userId",
        "patientName",
        "fileName",
        "filePath",
        "fileSize",
        "uploadDate",
        "diagnosis",
        "notes",
        "isActive",
        "createdAt",
        "updatedAt",
    },
    "doctor_slots": {
        "_id",
        "doctorId",
        "clinicId",
        "dayOfWeek",
        "startTime",
        "endTime",
        "slotDuration",
        "maxPatients",
        "isActive",
        "consultationFee",
        "consultationType",
        "createdAt",
        "updatedAt",
    },
    "appointments": {
        "_id",
        "appointmentId",
        "appointmentNumber",
        "userId",
        "patientName",
        "patientId",
        "doctorId",
        "slotId",
        "doctorName",
        "specialty",
        "clinicId",
        "clinicName",
        "clinicAddress",
        "appointmentType",
        "appointmentDate",
        "timeSlot",
        "consultationFee",
        "status",
        "requestedAt",
        "confirmedAt",
        "paymentStatus",
        "amountPaid",
        "coveredByInsurance",
        "contactNumber",
        "callPreference",
        "prescriptionId",
        "hasPrescription",
        "createdAt",
        "updatedAt",
    },
    "video_consultations": {
        "_id",
        "consultationId",
        "appointmentId",
        "doctorId",
        "doctorName",
        "patientId",
        "patientName",
        "roomId",
        "roomName",
        "roomPassword",
        "jitsiDomain",
        "roomUrl",
        "scheduledStartTime",
        "actualStartTime",
        "endTime",
        "duration",
        "status",
        "doctorJoinedAt",
        "patientJoinedAt",
        "recordingEnabled",
        "recordingUrl",
        "recordingDuration",
        "recordingSize",
        "videoQuality",
        "audioQuality",
        "networkIssues",
        "prescriptionId",
        "notesId",
        "feedback",
        "endedBy",
        "cancellationReason",
        "createdAt",
        "updatedAt",
    },
    "users": {
        "_id",
        "memberId",
        "name",
        "email",
        "phone",
        "password",
        "role",
        "isActive",
        "lastLogin",
        "createdAt",
        "updatedAt",
    },
}
CLINIC_ENTRY_FIELDS = {
    "clinicId",
    "name",
    "address",
    "city",
    "state",
    "pincode",
    "location",
    "distanceKm",
    "consultationFee",
}


def _raw(collection: str, pk: ObjectId) -> dict:
    return connection.get_collection(collection).find_one({"_id": pk})


def _walk(value: object) -> list[object]:
    """Every value inside a document, nested ones included."""
    if isinstance(value, dict):
        return [value, *(item for nested in value.values() for item in _walk(nested))]
    if isinstance(value, list):
        return [value, *(item for nested in value for item in _walk(nested))]
    return [value]


@pytest.fixture
def written() -> dict[str, dict]:
    """One document of every collection, written by the app (factories and the ORM)."""
    slot = DoctorSlotFactory(consultation_fee=750.0)
    prescription = PrescriptionFactory(appointment__doctor=slot.doctor)
    consultation = VideoConsultationFactory(
        feedback=Feedback(doctor_rating=5, patient_rating=4, patient_comments="Clear advice"),
        network_issues=[NetworkIssue(timestamp=timezone.now(), issue="Video froze", duration=12)],
        duration=15,
        recording_size=12.5,
    )
    return {
        "doctors": _raw("doctors", slot.doctor.pk),
        "clinics": _raw("clinics", slot.clinic.pk),
        "doctor_slots": _raw("doctor_slots", slot.pk),
        "appointments": _raw("appointments", prescription.appointment.pk),
        "doctor_prescriptions": _raw("doctor_prescriptions", prescription.pk),
        "video_consultations": _raw("video_consultations", consultation.pk),
        "users": _raw("users", prescription.user.pk),
    }


def test_documents_have_exactly_the_seed_field_names(written: dict[str, dict]) -> None:
    for collection, doc in written.items():
        assert set(doc) == SEED_FIELDS[collection], collection
    assert set(written["doctors"]["clinics"][0]) == CLINIC_ENTRY_FIELDS


def test_ids_are_object_ids_and_references_have_the_seed_types(written: dict[str, dict]) -> None:
    for collection, doc in written.items():
        assert isinstance(doc["_id"], ObjectId), collection
    appointment, prescription = written["appointments"], written["doctor_prescriptions"]
    consultation = written["video_consultations"]
    assert isinstance(appointment["userId"], ObjectId)
    assert isinstance(appointment["doctorId"], str)  # doctors.doctorId, e.g. "DOC001"
    assert isinstance(prescription["appointmentId"], ObjectId)
    assert isinstance(prescription["userId"], ObjectId)
    assert isinstance(prescription["doctorId"], str)
    assert isinstance(written["doctor_slots"]["doctorId"], str)
    assert isinstance(written["doctor_slots"]["clinicId"], str)
    for name in ("appointmentId", "doctorId", "patientId"):  # doctorId: the doctor document's _id (docs/decisions/0012)
        assert isinstance(consultation[name], ObjectId), name


def test_numbers_are_plain_bson_numbers_never_decimal128(written: dict[str, dict]) -> None:
    for collection, doc in written.items():
        assert not [value for value in _walk(doc) if isinstance(value, Decimal128)], collection
    doctor = written["doctors"]
    assert doctor["consultationFee"] == 1000 and type(doctor["consultationFee"]) is int
    assert doctor["rating"] == 4.5 and type(doctor["rating"]) is float
    assert type(doctor["clinics"][0]["consultationFee"]) is int
    slot = written["doctor_slots"]
    assert slot["consultationFee"] == 750 and type(slot["consultationFee"]) is int  # 750.0 stored as a whole number
    appointment = written["appointments"]
    assert type(appointment["consultationFee"]) is int and type(appointment["amountPaid"]) is int
    assert type(written["video_consultations"]["recordingSize"]) is float
    # Counts are integers; the backend stores IntegerField as a 64-bit BSON long (Int64 is an int subclass).
    counts = [
        doctor["experienceYears"],
        doctor["reviewCount"],
        slot["slotDuration"],
        slot["maxPatients"],
        written["doctor_prescriptions"]["fileSize"],
        written["video_consultations"]["duration"],
    ]
    assert all(isinstance(count, int) for count in counts)


def test_dates_are_bson_dates_and_calendar_fields_strings(written: dict[str, dict]) -> None:
    for collection, doc in written.items():
        assert isinstance(doc["createdAt"], datetime), collection
        assert isinstance(doc["updatedAt"], datetime), collection
    assert isinstance(written["doctor_prescriptions"]["uploadDate"], datetime)
    assert isinstance(written["appointments"]["requestedAt"], datetime)
    assert isinstance(written["video_consultations"]["scheduledStartTime"], datetime)
    assert isinstance(written["video_consultations"]["networkIssues"][0]["timestamp"], datetime)
    appointment = written["appointments"]
    assert isinstance(appointment["appointmentDate"], str) and len(appointment["appointmentDate"]) == 10
    assert appointment["timeSlot"] == "10:00 AM"
    assert (written["doctor_slots"]["startTime"], written["doctor_slots"]["endTime"]) == ("09:00", "12:00")


def test_embedded_arrays_and_objects_are_embedded(written: dict[str, dict]) -> None:
    doctor = written["doctors"]
    assert isinstance(doctor["clinics"], list) and isinstance(doctor["clinics"][0], dict)
    assert set(doctor["clinics"][0]["location"]) == {"latitude", "longitude"}
    assert isinstance(doctor["specializations"], list) and isinstance(doctor["languages"], list)
    clinic = written["clinics"]
    assert list(clinic["operatingHours"]) == list(DAYS_OF_WEEK)
    assert clinic["operatingHours"]["Monday"] == {"open": "08:00", "close": "20:00", "isClosed": False}
    assert set(clinic["location"]) == {"latitude", "longitude"}
    assert clinic["facilities"] == ["Pharmacy", "Laboratory"]
    consultation = written["video_consultations"]
    assert consultation["feedback"] == {
        "doctorRating": 5,
        "patientRating": 4,
        "doctorComments": None,
        "patientComments": "Clear advice",
    }
    assert set(consultation["networkIssues"][0]) == {"timestamp", "issue", "duration"}
    assert consultation["networkIssues"][0]["duration"] == 12


def test_passwords_are_plain_bcrypt_strings_and_roles_as_the_seed(written: dict[str, dict]) -> None:
    assert written["doctors"]["password"].startswith("$2b$")
    assert written["doctors"]["role"] == "DOCTOR"
    assert written["users"]["password"].startswith("$2b$")
    assert written["users"]["role"] == "MEMBER"
    assert isinstance(written["users"]["isActive"], bool)
