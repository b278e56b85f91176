"""Realistic generated demo documents, in the seed's exact document shape, from a seeded random generator.

Pure functions with no database access: the same arguments give the same documents, `_id`s included
(derived from each document's natural id), so loading them twice can skip what is already there.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bson import ObjectId

from core.validators import DAYS_OF_WEEK, minutes_of_day
from demo import catalog

GENERATED_AT = datetime(2025, 10, 1, tzinfo=UTC)
SEED_MEMBER_IDS = ("674d8e123abc456789012345", "674d8e123abc456789012346", "68ce7f937ca7c61fde313123")

# Weekly schedules of the seed's two doctors, beside the seed's own DOC001 Monday 09:00-10:00 sample slot.
# (doctorId, clinicId, days, start, end, slotDuration, maxPatients, fee, consultationType)
SEED_DOCTOR_SCHEDULE = (
    ("DOC001", "CLINIC001", ("Monday",), "10:00", "13:00", 30, 1, 1000, "IN_CLINIC"),
    ("DOC001", "CLINIC001", ("Tuesday", "Thursday"), "09:00", "13:00", 30, 1, 1000, "BOTH"),
    ("DOC001", "CLINIC001", ("Wednesday", "Friday"), "17:00", "19:00", 20, 1, 1000, "ONLINE"),
    ("DOC001", "CLINIC001", ("Saturday",), "09:00", "12:00", 30, 2, 1000, "IN_CLINIC"),
    (
        "DOC003",
        "CLINIC003",
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"),
        "10:00",
        "13:00",
        30,
        1,
        1200,
        "ONLINE",
    ),
    ("DOC003", "CLINIC003", ("Monday", "Wednesday", "Friday"), "15:00", "18:00", 30, 1, 1200, "ONLINE"),
    ("DOC003", "CLINIC003", ("Saturday",), "10:00", "12:00", 30, 1, 1200, "ONLINE"),
)

HOURS_PROFILES: dict[str, dict[str, tuple[str, str] | None]] = {
    "standard": {
        **dict.fromkeys(DAYS_OF_WEEK[:5], ("08:00", "20:00")),
        "Saturday": ("09:00", "18:00"),
        "Sunday": ("09:00", "14:00"),
    },
    "closed_sunday": {**dict.fromkeys(DAYS_OF_WEEK[:6], ("09:00", "21:00")), "Sunday": None},
    "hospital": dict.fromkeys(DAYS_OF_WEEK, ("07:00", "22:00")),
    "round_the_clock": dict.fromkeys(DAYS_OF_WEEK, ("00:00", "23:59")),
}
CLINIC_SESSIONS = (("09:00", "13:00"), ("10:00", "14:00"), ("14:00", "17:00"))
ONLINE_SESSIONS = (("18:00", "20:00"), ("19:00", "21:00"))


def entity_rng(seed: int, kind: str, index: int) -> random.Random:
    """One generator per document: doctor 7 is the same doctor whether 30 or 10,000 are generated."""
    return random.Random(f"{seed}:{kind}:{index}")  # noqa: S311 - reproducible demo data, not secrets


def clinic_count(doctors: int) -> int:
    """Clinics for this many doctors: one per three doctors, at least one per catalog city."""
    return max(len(catalog.CITIES), math.ceil(doctors / 3))


_ID_PREFIX = struct.pack(">I", int(GENERATED_AT.timestamp()))
# Every generated _id lies in this range, so one index range scan finds those already loaded.
DEMO_ID_RANGE = (ObjectId(_ID_PREFIX + b"\x00" * 8), ObjectId(_ID_PREFIX + b"\xff" * 8))


def demo_object_id(collection: str, natural_id: str) -> ObjectId:
    """A stable ObjectId for a generated document: GENERATED_AT's timestamp, then a hash of its natural id."""
    digest = hashlib.sha256(f"{collection}:{natural_id}".encode()).digest()
    return ObjectId(_ID_PREFIX + digest[:8])


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def twelve_hour(minutes: int) -> str:
    """Minutes since midnight as the seed's appointment time, e.g. 570 -> "09:30 AM"."""
    return time(minutes // 60, minutes % 60).strftime("%I:%M %p")


@dataclass
class DemoSet:
    """Generated documents per collection name."""

    docs: dict[str, list[dict]] = field(default_factory=dict)


def specialty_documents(skip: frozenset[str] = frozenset()) -> list[dict]:
    """The specialty master list, except the `skip` ids (the seed's samples already hold those)."""
    return [
        {
            "_id": demo_object_id("specialty_master", sid),
            "specialtyId": sid,
            "code": code,
            "name": name,
            "description": description,
            "icon": icon,
            "isActive": True,
            "displayOrder": order,
            "createdAt": GENERATED_AT,
            "updatedAt": GENERATED_AT,
        }
        for order, (sid, code, name, description, icon, _, _) in enumerate(catalog.SPECIALTIES, start=1)
        if sid not in skip
    ]


def staff_documents(password_hash: str) -> list[dict]:
    return [
        {
            "_id": demo_object_id("users", staff["email"]),
            "name": staff["name"],
            "email": staff["email"],
            "phone": staff["phone"],
            "password": password_hash,
            "role": staff["role"],
            "isActive": True,
            "createdAt": GENERATED_AT,
            "updatedAt": GENERATED_AT,
        }
        for staff in catalog.DEMO_STAFF
    ]


def _operating_hours(profile: str) -> dict:
    hours = {}
    for day in DAYS_OF_WEEK:
        window = HOURS_PROFILES[profile][day]
        if window is None:
            hours[day] = {"open": "09:00", "close": "13:00", "isClosed": True}
        else:
            hours[day] = {"open": window[0], "close": window[1], "isClosed": False}
    return hours


def clinic_documents(seed: int, count: int) -> list[dict]:
    """`count` clinics spread round-robin over the catalog's cities (so every city gets some)."""
    clinics = []
    for index in range(count):
        rng = entity_rng(seed, "clinic", index)
        city = catalog.CITIES[index % len(catalog.CITIES)]
        clinic_id = f"CLINIC{1001 + index}"
        area = rng.choice(city.areas)
        town = city.name.removesuffix(" (NCR)")
        facilities = rng.sample(catalog.FACILITIES, k=rng.randint(3, 7))
        clinics.append(
            {
                "_id": demo_object_id("clinics", clinic_id),
                "clinicId": clinic_id,
                "name": f"{rng.choice(catalog.CLINIC_BRANDS)} {area}",
                "address": f"{rng.randint(1, 250)}, {rng.choice(catalog.STREETS)}, {area}, {town}",
                "city": city.name,
                "state": city.state,
                "pincode": f"{city.pincode_prefix}{rng.randint(1, 99):03d}",
                "phone": f"+91-{city.phone_code}-{rng.randint(20000000, 69999999)}",
                "email": f"{slug(area)}.{clinic_id.lower()}@clinics.example.com",
                "location": {
                    "latitude": round(city.latitude + rng.uniform(-0.12, 0.12), 4),
                    "longitude": round(city.longitude + rng.uniform(-0.12, 0.12), 4),
                },
                "operatingHours": _operating_hours(rng.choices(list(HOURS_PROFILES), weights=[50, 25, 20, 5])[0]),
                "facilities": [name for name in catalog.FACILITIES if name in facilities],
                "isActive": True,
                "createdAt": GENERATED_AT,
                "updatedAt": GENERATED_AT,
            }
        )
    return clinics


def _clinic_entry(clinic: dict, fee: int) -> dict:
    """A doctor's embedded copy of a clinic, as the seed denormalises it."""
    keys = ("clinicId", "name", "address", "city", "state", "pincode", "location")
    return {**{key: clinic[key] for key in keys}, "consultationFee": fee}


def doctor_documents(seed: int, count: int, clinics: list[dict], password_hash: str) -> list[dict]:
    """Doctor i practises only at clinics that exist for i+1 doctors, so it never depends on `count`."""
    # Common specialties are common: GPs, paediatricians, gynaecologists, dermatologists and dentists first.
    weights = [18, 10, 9, 8, 5, 6, 5, 5, 3, 8, 3, 3, 3, 3, 2, 2, 1, 3, 2, 1]
    doctors = []
    for index in range(count):
        rng = entity_rng(seed, "doctor", index)
        number = index + 101
        doctor_id = f"DOC{number:05d}"
        pool = clinics[: clinic_count(index + 1)]
        specialty = rng.choices(catalog.SPECIALTIES, weights=weights)[0]
        sid, _, specialty_name, _, _, specializations, (low, high) = specialty
        first, last = rng.choice(catalog.FIRST_NAMES), rng.choice(catalog.LAST_NAMES)
        home = rng.choice(pool)
        city = next(city for city in catalog.CITIES if city.name == home["city"])
        neighbours = [clinic for clinic in pool if clinic["city"] == home["city"] and clinic is not home]
        chosen = [home, *rng.sample(neighbours, k=min(len(neighbours), rng.choice([0, 0, 1, 1, 2])))]
        base_fee = rng.randrange(low, high + 1, 100)
        fees = [base_fee] + [base_fee + rng.choice([0, 100, 200]) for _ in chosen[1:]]
        mode = rng.choices(["both", "offline", "online"], weights=[70, 20, 10])[0]
        requires_confirmation = rng.random() < 0.3
        languages = ["English", *rng.sample(city.languages, k=rng.randint(1, len(city.languages)))]
        insurers = rng.sample(catalog.INSURERS[1:], k=rng.randint(0, 3))
        doctors.append(
            {
                "_id": demo_object_id("doctors", doctor_id),
                "doctorId": doctor_id,
                "name": f"Dr. {first} {last}",
                "profilePhoto": "",
                "qualifications": rng.choice(catalog.QUALIFICATIONS[sid]),
                "specializations": rng.sample(specializations, k=rng.randint(1, 3)),
                "specialtyId": sid,
                "specialty": specialty_name,
                "phone": f"+91{rng.randint(7000000000, 9999999999)}",
                "email": f"dr.{slug(first)}.{slug(last)}.{number}@example.com",
                "password": password_hash,
                "role": "DOCTOR",
                "registrationNumber": f"MCI-{rng.randint(10000, 99999)}",
                "languages": languages,
                "experienceYears": rng.randint(2, 35),
                "rating": round(rng.uniform(3.5, 5.0), 1),
                "reviewCount": rng.randint(0, 400),
                "clinics": [_clinic_entry(clinic, fee) for clinic, fee in zip(chosen, fees, strict=True)],
                "consultationFee": base_fee,
                "cashlessAvailable": rng.random() < 0.85,
                "insuranceAccepted": (["MCLTech"] if rng.random() < 0.8 else []) + insurers,
                "requiresConfirmation": requires_confirmation,
                "allowDirectBooking": not requires_confirmation,
                "availableOnline": mode != "offline",
                "availableOffline": mode != "online",
                "isActive": rng.random() < 0.97,
                "createdAt": GENERATED_AT,
                "updatedAt": GENERATED_AT,
            }
        )
    return doctors


def _slot(
    doctor_id: str,
    clinic_id: str,
    day: str,
    start: str,
    end: str,
    duration: int,
    max_patients: int,
    fee: int,
    kind: str,
) -> dict:
    return {
        "_id": demo_object_id("doctor_slots", f"{doctor_id}:{clinic_id}:{day}:{start}"),
        "doctorId": doctor_id,
        "clinicId": clinic_id,
        "dayOfWeek": day,
        "startTime": start,
        "endTime": end,
        "slotDuration": duration,
        "maxPatients": max_patients,
        "isActive": True,
        "consultationFee": fee,
        "consultationType": kind,
        "createdAt": GENERATED_AT,
        "updatedAt": GENERATED_AT,
    }


def _clip(window: tuple[str, str], hours: dict, duration: int) -> tuple[str, str] | None:
    """The part of `window` inside the clinic's hours that day, if at least one slotDuration long."""
    if hours["isClosed"]:
        return None
    start = max(minutes_of_day(window[0]), minutes_of_day(hours["open"]))
    end = min(minutes_of_day(window[1]), minutes_of_day(hours["close"]))
    end = start + (end - start) // duration * duration  # whole steps only
    if end - start < duration:
        return None
    return hhmm(start), hhmm(end)


def seed_doctor_slot_documents() -> list[dict]:
    return [
        _slot(doctor_id, clinic_id, day, start, end, duration, max_patients, fee, kind)
        for doctor_id, clinic_id, days, start, end, duration, max_patients, fee, kind in SEED_DOCTOR_SCHEDULE
        for day in days
    ]


def slot_documents(seed: int, doctors: list[dict], clinics: list[dict]) -> list[dict]:
    """Weekly slots per doctor that never overlap: one clinic session a working day (before 17:00), and
    for doctors who consult online an evening online session (from 18:00), both inside clinic hours."""
    hours_of = {clinic["clinicId"]: clinic["operatingHours"] for clinic in clinics}
    slots = []
    for index, doctor in enumerate(doctors):
        rng = entity_rng(seed, "slots", index)
        duration = rng.choice([15, 20, 30])
        max_patients = 2 if doctor["specialtyId"] == "SPEC001" and rng.random() < 0.3 else 1
        work_days = [DAYS_OF_WEEK[i] for i in sorted(rng.sample(range(6), k=rng.randint(3, 6)))]
        if rng.random() < 0.1:
            work_days.append("Sunday")
        sessions = {entry["clinicId"]: rng.choice(CLINIC_SESSIONS) for entry in doctor["clinics"]}
        online_session = rng.choice(ONLINE_SESSIONS)
        for position, day in enumerate(work_days):
            entry = doctor["clinics"][position % len(doctor["clinics"])]
            if doctor["availableOffline"]:
                kind = "BOTH" if doctor["availableOnline"] and rng.random() < 0.4 else "IN_CLINIC"
            else:
                kind = "ONLINE"
            window = _clip(sessions[entry["clinicId"]], hours_of[entry["clinicId"]][day], duration)
            if window:
                slots.append(
                    _slot(
                        doctor["doctorId"],
                        entry["clinicId"],
                        day,
                        *window,
                        duration,
                        max_patients,
                        entry["consultationFee"],
                        kind,
                    )
                )
            if doctor["availableOnline"] and rng.random() < 0.5:
                home = doctor["clinics"][0]
                window = _clip(online_session, hours_of[home["clinicId"]][day], duration)
                if window:
                    slots.append(
                        _slot(
                            doctor["doctorId"],
                            home["clinicId"],
                            day,
                            *window,
                            duration,
                            1,
                            doctor["consultationFee"],
                            "ONLINE",
                        )
                    )
    return slots


def member_documents(seed: int, count: int, password_hash: str) -> list[dict]:
    members = []
    for index in range(count):
        rng = entity_rng(seed, "member", index)
        number = index + 101
        member_id = f"USR{number:05d}"
        first, last = rng.choice(catalog.FIRST_NAMES), rng.choice(catalog.LAST_NAMES)
        members.append(
            {
                "_id": demo_object_id("users", member_id),
                "memberId": member_id,
                "name": f"{first} {last}",
                "email": f"{slug(first)}.{slug(last)}.{number}@example.com",
                "phone": f"+91{rng.randint(7000000000, 9999999999)}",
                "password": password_hash,
                "role": "MEMBER",
                "isActive": True,
                "createdAt": GENERATED_AT,
                "updatedAt": GENERATED_AT,
            }
        )
    return members


@dataclass
class _Booking:
    doctor: dict
    slot: dict
    member: dict
    day: date
    minutes: int
    kind: str
    status: str


def _occurrences(slot: dict, start: date, step: int) -> Iterator[date]:
    """Dates of the slot's weekday from `start` on (step=1) or backwards (step=-1)."""
    day = start
    while True:
        if DAYS_OF_WEEK[day.weekday()] == slot["dayOfWeek"]:
            yield day
        day += timedelta(days=step)


def _appointment(number: int, booking: _Booking, today: date, tz: ZoneInfo, call_preference: str) -> dict:
    doctor, slot, member = booking.doctor, booking.slot, booking.member
    local_start = datetime.combine(booking.day, time(booking.minutes // 60, booking.minutes % 60), tzinfo=tz)
    booked_day = min(booking.day - timedelta(days=1 + number % 4), today - timedelta(days=1))
    requested_at = datetime.combine(booked_day, time(9 + number % 9, 5 * (number % 12)), tzinfo=tz).astimezone(UTC)
    fee = slot["consultationFee"]
    confirmed = booking.status in ("CONFIRMED", "COMPLETED")
    doc = {
        "_id": demo_object_id("appointments", f"APT-{number:05d}"),
        "appointmentId": f"APT-{number:05d}",
        # docs/decisions/0016-seed-silence-6-identifiers.md:
        # "APT" + booking date + daily sequence; 9xx keeps demo numbers apart from real ones.
        "appointmentNumber": f"APT{booked_day:%Y%m%d}{900 + number % 100:03d}",
        "userId": member["_id"],
        "patientName": member["name"],
        "patientId": member["memberId"],
        "doctorId": doctor["doctorId"],
        "slotId": slot["_id"],
        "doctorName": doctor["name"],
        "specialty": doctor["specialty"],
    }
    if booking.kind == "IN_CLINIC":
        entry = next(entry for entry in doctor["clinics"] if entry["clinicId"] == slot["clinicId"])
        doc |= {"clinicId": entry["clinicId"], "clinicName": entry["name"], "clinicAddress": entry["address"]}
    doc |= {
        "appointmentType": booking.kind,
        "appointmentDate": booking.day.isoformat(),
        "timeSlot": twelve_hour(booking.minutes),
        "consultationFee": fee,
        "status": booking.status,
        "requestedAt": requested_at,
    }
    if confirmed:
        doc["confirmedAt"] = requested_at + timedelta(minutes=30)
    paid = booking.status == "COMPLETED" and fee > 0
    doc |= {
        "paymentStatus": "FREE" if fee == 0 else ("PAID" if paid else "PENDING"),
        "amountPaid": fee if paid else 0,
        "coveredByInsurance": True,
    }
    if booking.kind == "ONLINE":
        doc |= {"contactNumber": member["phone"], "callPreference": call_preference}
    if booking.status == "COMPLETED":
        updated_at = local_start.astimezone(UTC) + timedelta(minutes=slot["slotDuration"])
    else:
        updated_at = doc.get("confirmedAt", requested_at)
    return doc | {"hasPrescription": False, "createdAt": requested_at, "updatedAt": updated_at}


def _upcoming_status(doctor: dict) -> str:
    direct = doctor["allowDirectBooking"] and not doctor["requiresConfirmation"]
    return "CONFIRMED" if direct else "PENDING_CONFIRMATION"


def appointment_documents(
    rng: random.Random,
    *,
    count: int,
    today: date,
    tz: ZoneInfo,
    doctors: list[dict],
    slots: list[dict],
    members: list[dict],
    demo_members: list[dict],
) -> list[dict]:
    """Upcoming bookings of the demo doctors with the seed's members, then `count` random past and upcoming
    bookings. Each sits on a slot step; no two share a doctor, date and time."""
    slots_of: dict[str, list[dict]] = {}
    for slot in slots:
        slots_of.setdefault(slot["doctorId"], []).append(slot)
    by_id = {doctor["doctorId"]: doctor for doctor in doctors}
    taken: set[tuple[str, date, int]] = set()
    bookings: list[_Booking] = []

    def book(doctor: dict, slot: dict, member: dict, day: date, status: str) -> None:
        start, end = minutes_of_day(slot["startTime"]), minutes_of_day(slot["endTime"])
        steps = list(range(start, end - slot["slotDuration"] + 1, slot["slotDuration"]))
        free = [minutes for minutes in steps if (doctor["doctorId"], day, minutes) not in taken]
        if not free:
            return
        minutes = rng.choice(free)
        taken.add((doctor["doctorId"], day, minutes))
        kind = slot["consultationType"]
        if kind == "BOTH":
            kind = rng.choice(["IN_CLINIC", "ONLINE"])
        bookings.append(_Booking(doctor, slot, member, day, minutes, kind, status))

    # The demo logins' own upcoming days: each demo doctor's next two slot days with the seed's members.
    for doctor_id in ("DOC001", "DOC003"):
        if doctor_id not in by_id:
            continue
        doctor = by_id[doctor_id]
        upcoming = sorted(
            ((next(_occurrences(slot, today + timedelta(days=1), 1)), slot) for slot in slots_of[doctor_id]),
            key=lambda pair: (pair[0], pair[1]["startTime"]),
        )
        for (day, slot), member in zip(upcoming[:3], demo_members, strict=False):
            book(doctor, slot, member, day, _upcoming_status(doctor))

    bookable = [doctor for doctor in doctors if doctor["doctorId"] in slots_of and doctor["isActive"]]
    for _ in range(count if bookable and members else 0):
        doctor = rng.choice(bookable)
        slot = rng.choice(slots_of[doctor["doctorId"]])
        if rng.random() < 0.5:
            day = next(_occurrences(slot, today - timedelta(days=1), -1)) - timedelta(weeks=rng.randint(0, 3))
            status = "COMPLETED" if rng.random() < 0.75 else "CANCELLED"
        else:
            day = next(_occurrences(slot, today + timedelta(days=1), 1)) + timedelta(weeks=rng.randint(0, 1))
            status = "CANCELLED" if rng.random() < 0.1 else _upcoming_status(doctor)
        book(doctor, slot, rng.choice(members), day, status)

    return [
        _appointment(number, booking, today, tz, rng.choice(["VOICE", "VIDEO", "BOTH"]))
        for number, booking in enumerate(bookings, start=101)
    ]


def demo_set(
    *,
    doctors: int,
    members: int,
    appointments: int,
    seed: int,
    today: date,
    tz: ZoneInfo,
    password_hash: str,
    seed_docs: dict[str, list[dict]],
) -> DemoSet:
    """Every generated document. `seed_docs` are the seed's samples, which the demo bookings build on."""
    clinics = clinic_documents(seed, clinic_count(doctors))
    generated_doctors = doctor_documents(seed, doctors, clinics, password_hash)
    slots = [*seed_doctor_slot_documents(), *slot_documents(seed, generated_doctors, clinics)]
    generated_members = member_documents(seed, members, password_hash)
    seed_members = {str(user["_id"]): user for user in seed_docs.get("users", [])}
    all_doctors = [*seed_docs.get("doctors", []), *generated_doctors]
    bookings = appointment_documents(
        entity_rng(seed, "appointments", 0),
        count=appointments,
        today=today,
        tz=tz,
        doctors=all_doctors,
        slots=slots,
        members=generated_members,
        demo_members=[seed_members[oid] for oid in SEED_MEMBER_IDS if oid in seed_members],
    )
    return DemoSet(
        docs={
            "specialty_master": specialty_documents(
                frozenset(doc["specialtyId"] for doc in seed_docs.get("specialty_master", []))
            ),
            "users": [*staff_documents(password_hash), *generated_members],
            "clinics": clinics,
            "doctors": generated_doctors,
            "doctor_slots": slots,
            "appointments": bookings,
        }
    )
