"""No overbooking: reserve and release places at one time of a doctor, atomically (DECISIONS.md §7)."""

from django.db import connection
from django.utils import timezone
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from appointments.models import BookedTime


def _collection():
    return connection.get_collection(BookedTime._meta.db_table)


def _key(doctor_id: str, appointment_date: str, time_slot: str) -> dict:
    return {"doctorId": doctor_id, "appointmentDate": appointment_date, "timeSlot": time_slot}


def capacity_reserve(*, doctor_id: str, appointment_date: str, time_slot: str, capacity: int) -> bool:
    """Take one place at this time if fewer than `capacity` are taken. True when a place was taken.

    One atomic update guarded by `booked < capacity`. When the counter is full the upsert tries to insert a
    second counter for the same time and the unique index refuses it: that refusal means "full".
    """
    now = timezone.now()
    try:
        _collection().find_one_and_update(
            {**_key(doctor_id, appointment_date, time_slot), "booked": {"$lt": capacity}},
            {
                "$inc": {"booked": 1},
                "$set": {"capacity": capacity, "updatedAt": now},
                "$setOnInsert": {"createdAt": now},
            },
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
    except DuplicateKeyError:
        return False
    return True


def capacity_release(*, doctor_id: str, appointment_date: str, time_slot: str) -> None:
    """Give one place back (a cancelled appointment, or a booking whose insert failed)."""
    _collection().update_one(
        {**_key(doctor_id, appointment_date, time_slot), "booked": {"$gt": 0}},
        {"$inc": {"booked": -1}, "$set": {"updatedAt": timezone.now()}},
    )


def capacity_booked(*, doctor_id: str, appointment_date: str) -> dict[str, int]:
    """Places taken per time slot of one doctor on one date, in one query."""
    cursor = _collection().find(
        {"doctorId": doctor_id, "appointmentDate": appointment_date}, {"timeSlot": 1, "booked": 1}
    )
    return {doc["timeSlot"]: doc["booked"] for doc in cursor}
