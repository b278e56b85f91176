"""The benchmark's data set, inserted with bulk pymongo writes in the seed's document shape.

The bulk of it (specialties, clinics, 10,000 doctors with embedded clinics, members) comes from the demo
generator (`demo/generate.py`, the same code as `load_demo_data`). The generated doctors' weekly
slots are left out: no figure reads them, and 60,000 more inserts would double the set-up time. On top, a
few doctors the figures need, at a clinic open round the clock:
- AVAILABILITY: 14 weekly slots (two a day) and 2,000 appointments on the books, over 91 days;
- EMPTY: the same 14 slots and no appointment (round trips must not grow with the data);
- DASHBOARD: 50 appointments today, plus upcoming and past ones; signs in to the portal;
- BOOKING: a slot every day, 08:00-20:00 in 15-minute steps, for the booking throughput runs;
- the search page's doctors (SPEC001 in Mumbai) get weekly slots at their own first clinic, and a third of them
  a full first three days, so `nextAvailable` has real work to do (issue 17).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import bcrypt
from bson import ObjectId
from pymongo import MongoClient
from pymongo.database import Database

from core.validators import DAYS_OF_WEEK
from demo import generate

SEED = 2025
PASSWORD = "bench-password-1"
TZ = ZoneInfo("Asia/Kolkata")  # settings.TIME_ZONE: appointment dates and times are clinic-local
BENCH_CLINIC = "CLINIC9001"
AVAILABILITY_DOCTOR, EMPTY_DOCTOR, DASHBOARD_DOCTOR, BOOKING_DOCTOR = "DOC90001", "DOC90002", "DOC90003", "DOC90004"
DASHBOARD_EMAIL = "dr.bench.dashboard@example.com"
AVAILABILITY_APPOINTMENTS = 2000
DASHBOARD_TODAY = 50
BATCH = 2000


@dataclass(frozen=True)
class DataSet:
    doctors: int
    members: list[dict]  # generated members: email, memberId, _id
    today: date  # clinic-local date the appointments were laid out around
    search_specialty: str
    search_city: str
    search_origin: tuple[float, float]  # lat, lng in the search city
    active_doctor_ids: tuple[str, ...]  # a sample, for one-doctor requests


def local_today() -> date:
    return datetime.now(TZ).date()


def _insert(db: Database, name: str, docs: list[dict]) -> None:
    for start in range(0, len(docs), BATCH):
        db[name].insert_many(docs[start : start + BATCH], ordered=False)


def _bench_clinic(clinics: list[dict]) -> dict:
    mumbai = next(c for c in clinics if c["city"] == "Mumbai")
    return {
        **mumbai,
        "_id": ObjectId(),
        "clinicId": BENCH_CLINIC,
        "name": "Bench Hospital Andheri",
        "operatingHours": {day: {"open": "00:00", "close": "23:59", "isClosed": False} for day in DAYS_OF_WEEK},
    }


def _bench_doctor(template: dict, doctor_id: str, clinic: dict, email: str | None = None) -> dict:
    entry = {key: clinic[key] for key in ("clinicId", "name", "address", "city", "state", "pincode", "location")}
    return {
        **template,
        "_id": ObjectId(),
        "doctorId": doctor_id,
        "name": f"Dr. Bench {doctor_id}",
        "email": email or f"{doctor_id.lower()}@bench.example.com",
        "clinics": [{**entry, "consultationFee": 800}],
        "consultationFee": 800,
        "requiresConfirmation": False,
        "allowDirectBooking": True,
        "availableOnline": True,
        "availableOffline": True,
        "isActive": True,
    }


def _slot(doctor_id: str, day: str, start: str, end: str) -> dict:
    now = datetime.now(UTC)
    return {
        "_id": ObjectId(),
        "doctorId": doctor_id,
        "clinicId": BENCH_CLINIC,
        "dayOfWeek": day,
        "startTime": start,
        "endTime": end,
        "slotDuration": 15,
        "maxPatients": 1,
        "isActive": True,
        "consultationFee": 800,
        "consultationType": "BOTH",
        "createdAt": now,
        "updatedAt": now,
    }


SEARCH_SPECIALTY, SEARCH_CITY = "SPEC001", "Mumbai"


def _search_doctors(generated: list[dict]) -> list[dict]:
    """The generated doctors the search figures page through (active, SEARCH_SPECIALTY, a clinic in SEARCH_CITY)."""
    return [
        doc
        for doc in generated
        if doc["isActive"]
        and doc["specialtyId"] == SEARCH_SPECIALTY
        and any(c.get("city") == SEARCH_CITY for c in doc.get("clinics") or [])
    ]


def _twelve_hour(minutes: int) -> str:
    return time(minutes // 60, minutes % 60).strftime("%I:%M %p")


def _steps(slot: dict) -> list[int]:
    start = int(slot["startTime"][:2]) * 60 + int(slot["startTime"][3:])
    end = int(slot["endTime"][:2]) * 60 + int(slot["endTime"][3:])
    return list(range(start, end - 15 + 1, 15))


class _Book:
    """Appointments for bench doctors, each holding place 1 of its time unless cancelled
    (appointments/services/places.py)."""

    def __init__(self, doctors: dict[str, dict], members: list[dict], clinic: dict, today: date) -> None:
        self.doctors, self.members, self.clinic, self.today = doctors, members, clinic, today
        self.appointments: list[dict] = []

    def add(self, doctor_id: str, slot: dict, day: date, minutes: int, status: str) -> None:
        doctor = self.doctors[doctor_id]
        member = self.members[len(self.appointments) % len(self.members)]
        number = len(self.appointments) + 1
        requested = datetime.combine(min(day, self.today) - timedelta(days=2), time(10), tzinfo=TZ).astimezone(UTC)
        time_slot = _twelve_hour(minutes)
        self.appointments.append(
            {
                "_id": ObjectId(),
                "appointmentId": f"APT-BENCH{number:06d}",
                "appointmentNumber": f"APT{requested:%Y%m%d}{number:06d}",
                "userId": member["_id"],
                "patientName": member["name"],
                "patientId": member["memberId"],
                "doctorId": doctor_id,
                "slotId": slot["_id"],
                "doctorName": doctor["name"],
                "specialty": doctor["specialty"],
                "clinicId": BENCH_CLINIC,
                "clinicName": self.clinic["name"],
                "clinicAddress": self.clinic["address"],
                "appointmentType": "IN_CLINIC",
                "appointmentDate": day.isoformat(),
                "timeSlot": time_slot,
                "consultationFee": 800,
                "status": status,
                "requestedAt": requested,
                "confirmedAt": requested if status in ("CONFIRMED", "COMPLETED") else None,
                "paymentStatus": "PAID" if status == "COMPLETED" else "PENDING",
                "amountPaid": 800 if status == "COMPLETED" else 0,
                "coveredByInsurance": True,
                "contactNumber": None,
                "callPreference": None,
                "prescriptionId": None,
                "hasPrescription": False,
                "createdAt": requested,
                "updatedAt": requested,
            }
        )
        if status != "CANCELLED":
            self.appointments[-1]["placeNumber"] = 1  # one appointment per time here, capacity 1


def _status(rng: random.Random, day: date, today: date) -> str:
    if day < today:
        return "COMPLETED" if rng.random() < 0.85 else "CANCELLED"
    return "CONFIRMED" if rng.random() < 0.9 else "PENDING_CONFIRMATION"


def build(uri: str, *, doctors: int, members: int = 200) -> DataSet:
    """Insert the whole data set into the (empty, migrated) database `uri` names."""
    client: MongoClient[dict[str, Any]] = MongoClient(uri)
    db = client.get_default_database()
    password_hash = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(10)).decode()
    today = local_today()
    rng = random.Random(SEED)

    clinics = generate.clinic_documents(SEED, generate.clinic_count(doctors))
    generated = generate.doctor_documents(SEED, doctors, clinics, password_hash)
    member_docs = generate.member_documents(SEED, members, password_hash)

    clinic = _bench_clinic(clinics)
    bench_doctors = {
        doctor_id: _bench_doctor(generated[0], doctor_id, clinic, email)
        for doctor_id, email in (
            (AVAILABILITY_DOCTOR, None),
            (EMPTY_DOCTOR, None),
            (DASHBOARD_DOCTOR, DASHBOARD_EMAIL),
            (BOOKING_DOCTOR, None),
        )
    }
    twice_a_day = [(day, window) for day in DAYS_OF_WEEK for window in (("09:00", "13:00"), ("14:00", "18:00"))]
    availability_slots = [_slot(AVAILABILITY_DOCTOR, day, *w) for day, w in twice_a_day]  # 14 weekly slots
    bench_slots = [
        *availability_slots,
        *(_slot(EMPTY_DOCTOR, day, *w) for day, w in twice_a_day),
        *(_slot(DASHBOARD_DOCTOR, day, "08:00", "20:30") for day in DAYS_OF_WEEK),  # 50 steps a day
        *(_slot(BOOKING_DOCTOR, day, "08:00", "20:00") for day in DAYS_OF_WEEK),
    ]

    searched = _search_doctors(generated)
    search_slots = [
        {**_slot(doc["doctorId"], day, "10:00", "12:00"), "clinicId": doc["clinics"][0]["clinicId"], "slotDuration": 30}
        for doc in searched
        for day in DAYS_OF_WEEK[:6]
    ]
    bench_slots += search_slots
    book = _Book({**bench_doctors, **{doc["doctorId"]: doc for doc in searched}}, member_docs, clinic, today)
    slot_of: dict[tuple[Any, Any], list[dict]] = {(s["doctorId"], s["dayOfWeek"]): [] for s in bench_slots}
    for s in bench_slots:
        slot_of[(s["doctorId"], s["dayOfWeek"])].append(s)
    days = [today + timedelta(days=offset) for offset in range(-45, 46)]
    places = [
        (day, slot, minutes)
        for day in days
        for slot in slot_of[(AVAILABILITY_DOCTOR, DAYS_OF_WEEK[day.weekday()])]
        for minutes in _steps(slot)
    ]
    for day, slot, minutes in sorted(rng.sample(places, AVAILABILITY_APPOINTMENTS), key=lambda p: (p[0], p[2])):
        book.add(AVAILABILITY_DOCTOR, slot, day, minutes, _status(rng, day, today))
    for offset in range(-14, 8):
        day = today + timedelta(days=offset)
        (slot,) = slot_of[(DASHBOARD_DOCTOR, DAYS_OF_WEEK[day.weekday()])]
        steps = _steps(slot) if offset == 0 else rng.sample(_steps(slot), 15)
        for minutes in sorted(steps):
            book.add(DASHBOARD_DOCTOR, slot, day, minutes, _status(rng, day, today))

    for doc in searched[::3]:  # a third are full for three days: their next free time is further out
        for offset in range(3):
            day = today + timedelta(days=offset)
            for slot in slot_of.get((doc["doctorId"], DAYS_OF_WEEK[day.weekday()]), []):
                for minutes in _steps(slot):
                    book.add(doc["doctorId"], slot, day, minutes, "CONFIRMED")

    _insert(db, "specialty_master", generate.specialty_documents())
    _insert(db, "clinics", [*clinics, clinic])
    _insert(db, "doctors", [*generated, *bench_doctors.values()])
    _insert(db, "doctor_slots", bench_slots)
    _insert(db, "users", member_docs)
    _insert(db, "appointments", book.appointments)
    client.close()

    city = next(c for c in generate.catalog.CITIES if c.name == SEARCH_CITY)
    return DataSet(
        doctors=len(generated) + len(bench_doctors),
        members=member_docs,
        today=today,
        search_specialty=SEARCH_SPECIALTY,
        search_city=SEARCH_CITY,
        search_origin=(city.latitude, city.longitude),
        active_doctor_ids=tuple(doc["doctorId"] for doc in generated[::97] if doc["isActive"]),
    )
