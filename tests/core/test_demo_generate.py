"""The demo documents themselves (no database): deterministic, in the seed's shape, every reference resolving."""

from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from demo.generate import demo_set
from demo.services import LOAD_ORDER, SEED_PASSWORD_PLACEHOLDER, demo_seed_samples
from tests.core.test_document_shape import SEED_FIELDS

HASH = "$2b$04$abcdefghijklmnopqrstuu5GzAWQ2xGOqV9s8mz3pBWEKyIs3wpPC"
TODAY = date(2026, 3, 10)


def _generate(doctors: int = 20, seed: int = 7) -> dict[str, list[dict]]:
    samples = demo_seed_samples(password_hash=HASH)
    generated = demo_set(
        doctors=doctors,
        members=25,
        appointments=30,
        seed=seed,
        today=TODAY,
        tz=ZoneInfo("Asia/Kolkata"),
        password_hash=HASH,
        seed_docs=samples,
    )
    return {name: [*samples.get(name, []), *generated.docs.get(name, [])] for name in LOAD_ORDER}


def test_the_same_arguments_give_the_same_documents() -> None:
    assert _generate() == _generate()
    assert _generate(seed=8)["doctors"] != _generate()["doctors"]


def test_a_doctor_is_the_same_whether_few_or_many_are_generated() -> None:
    few, many = _generate(doctors=5), _generate(doctors=60)
    assert many["doctors"][:7] == few["doctors"]
    slots_of_few = {doc["_id"] for doc in few["doctor_slots"]}
    assert slots_of_few <= {doc["_id"] for doc in many["doctor_slots"]}


def test_seed_placeholders_become_real_hashes() -> None:
    data = _generate()
    for name in ("users", "doctors"):
        assert all(doc["password"] == HASH for doc in data[name])
        assert all(doc["password"] != SEED_PASSWORD_PLACEHOLDER for doc in data[name])


def test_documents_use_only_the_seed_field_names_and_plain_numbers() -> None:
    data = _generate()
    for name, fields in SEED_FIELDS.items():
        for doc in data[name]:
            assert set(doc) <= fields, (name, set(doc) - fields)
            assert not [value for value in doc.values() if isinstance(value, Decimal)]


def test_every_reference_resolves() -> None:
    data = _generate()
    ids = {name: {doc["_id"] for doc in docs} for name, docs in data.items()}
    doctors = {doc["doctorId"]: doc for doc in data["doctors"]}
    clinics = {doc["clinicId"] for doc in data["clinics"]}
    specialties = {doc["specialtyId"]: doc["name"] for doc in data["specialty_master"]}
    appointments = {doc["_id"]: doc for doc in data["appointments"]}
    for doctor in data["doctors"]:
        assert specialties[doctor["specialtyId"]] == doctor["specialty"]
        assert {entry["clinicId"] for entry in doctor["clinics"]} <= clinics
    for slot in data["doctor_slots"]:
        assert doctors[slot["doctorId"]]["clinics"], slot
        assert slot["clinicId"] in {entry["clinicId"] for entry in doctors[slot["doctorId"]]["clinics"]}
    for appointment in data["appointments"]:
        assert appointment["userId"] in ids["users"]
        assert appointment["doctorId"] in doctors
        assert appointment.get("slotId") is None or appointment["slotId"] in ids["doctor_slots"]
        if appointment["appointmentType"] == "ONLINE":
            assert appointment["contactNumber"] and appointment["callPreference"]
        else:
            assert appointment["clinicId"] in clinics
    for prescription in data["doctor_prescriptions"]:
        appointment = appointments[prescription["appointmentId"]]
        assert appointment["prescriptionId"] == prescription["_id"] and appointment["hasPrescription"]
        assert (prescription["userId"], prescription["doctorId"]) == (appointment["userId"], appointment["doctorId"])
    for consultation in data["video_consultations"]:
        appointment = appointments[consultation["appointmentId"]]
        assert appointment["appointmentType"] == "ONLINE"
        assert consultation["doctorId"] == doctors[appointment["doctorId"]]["_id"]
        assert consultation["patientId"] == appointment["userId"]
        assert consultation["prescriptionId"] in ids["doctor_prescriptions"]


def test_natural_ids_are_unique() -> None:
    data = _generate(doctors=200)
    for name, key in (
        ("doctors", "doctorId"),
        ("doctors", "email"),
        ("clinics", "clinicId"),
        ("users", "email"),
        ("users", "memberId"),
        ("appointments", "appointmentId"),
        ("doctor_slots", "_id"),
    ):
        values = [doc[key] for doc in data[name] if key in doc]
        assert len(values) == len(set(values)), (name, key)


def test_generated_bookings_fall_on_slot_steps_of_the_slot_weekday() -> None:
    data = _generate()
    slots = {doc["_id"]: doc for doc in data["doctor_slots"]}
    taken = set()
    for appointment in data["appointments"]:
        if "slotId" not in appointment:
            continue  # the seed's own samples
        slot = slots[appointment["slotId"]]
        day = date.fromisoformat(appointment["appointmentDate"])
        assert day.strftime("%A") == slot["dayOfWeek"]
        assert appointment["consultationFee"] == slot["consultationFee"]
        key = (appointment["doctorId"], appointment["appointmentDate"], appointment["timeSlot"])
        assert key not in taken
        taken.add(key)
