"""Appointments as the existing system writes them: seed-shaped documents inserted straight with pymongo,
with no `placeNumber` (OPD_WALLET_HEALTHCARE_SCHEMAS.md; demo/seed_samples.json)."""

from datetime import UTC, datetime
from typing import Any

from bson import ObjectId
from django.db import connection

from doctors.models import Doctor
from users.models import User


def seed_shaped(*, doctor: Doctor, user: User, day: str, time_slot: str, status: str = "CONFIRMED") -> dict[str, Any]:
    entry = doctor.clinics[0]
    now = datetime(2030, 12, 1, 4, 30, tzinfo=UTC)
    oid = ObjectId()
    return {
        "_id": oid,
        "appointmentId": f"APT-LEGACY-{oid}",
        "appointmentNumber": f"APT20301201{str(oid)[-6:]}",
        "userId": user.pk,
        "patientName": user.name,
        "patientId": user.member_id,
        "doctorId": doctor.doctor_id,
        "doctorName": doctor.name,
        "specialty": doctor.specialty,
        "clinicId": entry.clinic_id,
        "clinicName": entry.name,
        "clinicAddress": entry.address,
        "appointmentType": "IN_CLINIC",
        "appointmentDate": day,
        "timeSlot": time_slot,
        "consultationFee": 1000,
        "status": status,
        "requestedAt": now,
        "confirmedAt": now if status != "PENDING_CONFIRMATION" else None,
        "paymentStatus": "PENDING",
        "amountPaid": 0,
        "coveredByInsurance": True,
        "contactNumber": None,
        "callPreference": None,
        "prescriptionId": None,
        "hasPrescription": False,
        "createdAt": now,
        "updatedAt": now,
    }


def insert_raw(docs: list[dict[str, Any]]) -> None:
    connection.get_collection("appointments").insert_many(docs)


def holders(*, doctor_id: str, day: str, time_slot: str) -> list[dict[str, Any]]:
    """The live appointments (not CANCELLED) at one time, read straight from the collection."""
    return list(
        connection.get_collection("appointments").find(
            {"doctorId": doctor_id, "appointmentDate": day, "timeSlot": time_slot, "status": {"$ne": "CANCELLED"}}
        )
    )
