"""Every index of the seed exists, and the unique ones refuse duplicates at the database (pymongo and ORM)."""

from collections.abc import Callable

import pytest
from django.db import IntegrityError, connection
from django.db.models import Model
from pymongo.errors import DuplicateKeyError

from tests.appointments.factories import AppointmentFactory
from tests.clinics.factories import ClinicFactory
from tests.consultations.factories import VideoConsultationFactory
from tests.doctors.factories import DoctorFactory
from tests.prescriptions.factories import PrescriptionFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

# OPD_WALLET_HEALTHCARE_SCHEMAS.md, "Indexes" of each collection: (key pattern, unique?).
SEED_INDEXES = {
    "doctors": [
        ({"doctorId": 1}, True),  # listed as a plain index; validation rule 1 makes it unique
        ({"specialtyId": 1, "isActive": 1}, False),
        ({"clinics.city": 1}, False),
        ({"email": 1}, True),
    ],
    "clinics": [({"clinicId": 1}, True), ({"city": 1, "isActive": 1}, False)],
    "doctor_prescriptions": [
        ({"prescriptionId": 1}, True),
        ({"appointmentId": 1}, True),
        ({"doctorId": 1, "uploadDate": -1}, False),
        ({"userId": 1, "uploadDate": -1}, False),
    ],
    "doctor_slots": [({"doctorId": 1, "clinicId": 1, "dayOfWeek": 1}, False), ({"isActive": 1}, False)],
    "appointments": [
        ({"userId": 1, "status": 1}, False),
        ({"appointmentId": 1}, True),  # validation rule 1: unique across all appointments
        ({"appointmentNumber": 1}, False),
        ({"doctorId": 1, "appointmentDate": 1}, False),
    ],
    "video_consultations": [
        ({"appointmentId": 1}, False),
        ({"roomId": 1}, True),  # validation rule 4: unique
        ({"consultationId": 1}, True),  # validation rule 1: unique
        ({"doctorId": 1, "scheduledStartTime": -1}, False),
        ({"patientId": 1, "scheduledStartTime": -1}, False),
        ({"status": 1, "scheduledStartTime": -1}, False),
    ],
    "users": [({"email": 1}, True), ({"memberId": 1}, True)],
}


def _indexes(collection: str) -> list[tuple[dict, bool]]:
    return [
        (dict(index["key"]), bool(index.get("unique")))
        for index in connection.get_collection(collection).list_indexes()
    ]


@pytest.mark.parametrize("collection", sorted(SEED_INDEXES))
def test_every_seed_index_exists(collection: str) -> None:
    existing = _indexes(collection)
    for key, unique in SEED_INDEXES[collection]:
        matching = [found_unique for found_key, found_unique in existing if found_key == key]
        assert matching, f"{collection}: no index {key}"
        if unique:
            assert True in matching, f"{collection}: index {key} is not unique"


# (collection, field, factory making the first document, function making a second one with the same value)
UNIQUE_CASES: list[tuple[str, str, Callable[[], Model], Callable[[Model], Model]]] = [
    ("doctors", "doctorId", DoctorFactory, lambda first: DoctorFactory(doctor_id=first.doctor_id)),
    ("doctors", "email", DoctorFactory, lambda first: DoctorFactory(email=first.email)),
    ("clinics", "clinicId", ClinicFactory, lambda first: ClinicFactory(clinic_id=first.clinic_id)),
    (
        "doctor_prescriptions",
        "prescriptionId",
        PrescriptionFactory,
        lambda first: PrescriptionFactory(prescription_id=first.prescription_id),
    ),
    (
        "doctor_prescriptions",
        "appointmentId",
        PrescriptionFactory,
        lambda first: PrescriptionFactory(appointment=first.appointment),
    ),
    (
        "appointments",
        "appointmentId",
        AppointmentFactory,
        lambda first: AppointmentFactory(appointment_id=first.appointment_id),
    ),
    (
        "video_consultations",
        "consultationId",
        VideoConsultationFactory,
        lambda first: VideoConsultationFactory(consultation_id=first.consultation_id),
    ),
    (
        "video_consultations",
        "roomId",
        VideoConsultationFactory,
        lambda first: VideoConsultationFactory(room_id=first.room_id),
    ),
    ("users", "email", UserFactory, lambda first: UserFactory(email=first.email)),
]
IDS = [f"{collection}.{field}" for collection, field, _, _ in UNIQUE_CASES]


@pytest.mark.parametrize(("collection", "field", "make", "again"), UNIQUE_CASES, ids=IDS)
def test_the_database_refuses_a_duplicate_inserted_with_pymongo(
    collection: str, field: str, make: Callable[[], Model], again: Callable[[Model], Model]
) -> None:
    first = make()
    documents = connection.get_collection(collection)
    copy = documents.find_one({"_id": first.pk})
    del copy["_id"]
    for other in (
        "doctorId",
        "email",
        "clinicId",
        "prescriptionId",
        "appointmentId",
        "consultationId",
        "roomId",
        "memberId",
    ):
        if other != field and other in copy and isinstance(copy[other], str):
            copy[other] = f"{copy[other]}-other"  # only `field` repeats
    if collection == "doctor_prescriptions" and field != "appointmentId":
        copy["appointmentId"] = AppointmentFactory().pk
    with pytest.raises(DuplicateKeyError):
        documents.insert_one(copy)
    assert documents.count_documents({field: copy[field]}) == 1


@pytest.mark.parametrize(("collection", "field", "make", "again"), UNIQUE_CASES, ids=IDS)
def test_the_database_refuses_a_duplicate_saved_through_the_orm(
    collection: str, field: str, make: Callable[[], Model], again: Callable[[Model], Model]
) -> None:
    first = make()
    documents = connection.get_collection(collection)
    value = documents.find_one({"_id": first.pk})[field]
    with pytest.raises(IntegrityError):
        again(first)
    assert documents.count_documents({field: value}) == 1


# The places (docs/decisions/0019-place-numbers.md): unique while `placeNumber` is present, created by migrate.
PLACE_INDEXES = {
    "appointments_one_holder_per_place": {"doctorId": 1, "appointmentDate": 1, "timeSlot": 1, "placeNumber": 1},
    "appointments_one_per_member_time": {"userId": 1, "doctorId": 1, "appointmentDate": 1, "timeSlot": 1},
}


@pytest.mark.parametrize("name", sorted(PLACE_INDEXES))
def test_the_place_indexes_exist_unique_and_partial(name: str) -> None:
    found = {index["name"]: index for index in connection.get_collection("appointments").list_indexes()}
    assert name in found
    assert dict(found[name]["key"]) == PLACE_INDEXES[name]
    assert found[name].get("unique") is True
    assert found[name]["partialFilterExpression"] == {"placeNumber": {"$exists": True}}


def test_an_appointment_without_a_place_stores_no_place_number() -> None:
    appointment = AppointmentFactory()
    assert "placeNumber" not in connection.get_collection("appointments").find_one({"_id": appointment.pk})


def test_the_database_refuses_a_second_holder_of_a_place_and_a_second_live_booking_of_a_member() -> None:
    first = AppointmentFactory()
    documents = connection.get_collection("appointments")
    documents.update_one({"_id": first.pk}, {"$set": {"placeNumber": 1}})
    base = documents.find_one({"_id": first.pk})
    del base["_id"]
    other_member = {**base, "appointmentId": "APT-OTHER-1", "userId": UserFactory().pk}
    with pytest.raises(DuplicateKeyError):
        documents.insert_one({**other_member})  # same place number, another member
    with pytest.raises(DuplicateKeyError):
        documents.insert_one({**base, "appointmentId": "APT-OTHER-2", "placeNumber": 2})  # same member, same time
    documents.insert_one({**other_member, "placeNumber": 2})  # another place: fine
    without = {k: v for k, v in base.items() if k != "placeNumber"}
    documents.insert_one({**without, "appointmentId": "APT-OTHER-3", "status": "CANCELLED"})  # no place held
