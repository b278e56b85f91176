"""No overbooking: reserve and release places at one time of a doctor, atomically (DECISIONS.md §7)."""

import contextlib
import time

from django.db import connection
from django.utils import timezone
from pymongo.errors import DuplicateKeyError

from appointments.models import BookedTime

RESERVE_ATTEMPTS = 10


def _collection():
    return connection.get_collection(BookedTime._meta.db_table)


def _key(doctor_id: str, appointment_date: str, time_slot: str) -> dict:
    return {"doctorId": doctor_id, "appointmentDate": appointment_date, "timeSlot": time_slot}


def _ensure_counter(key: dict, capacity: int) -> None:
    """Create the counter of this time with nothing booked, unless it exists (the unique index decides)."""
    now = timezone.now()
    with contextlib.suppress(DuplicateKeyError):  # a racing first booking created it
        _collection().update_one(
            key,
            {"$setOnInsert": {"booked": 0, "capacity": capacity, "createdAt": now, "updatedAt": now}},
            upsert=True,
        )


def capacity_reserve(*, doctor_id: str, appointment_date: str, time_slot: str, capacity: int) -> bool:
    """Take one place at this time if fewer than `capacity` are taken. True when a place was taken.

    One atomic update guarded by `booked < capacity`; never "count, then insert". The counter document is
    created on the first booking of a time. Under a race the guarded update can miss a counter that a
    concurrent first booking is just creating, so "no match" means "full" only once the counter is seen full.
    """
    key = _key(doctor_id, appointment_date, time_slot)
    for attempt in range(RESERVE_ATTEMPTS):
        taken = _collection().find_one_and_update(
            {**key, "booked": {"$lt": capacity}},
            {"$inc": {"booked": 1}, "$set": {"capacity": capacity, "updatedAt": timezone.now()}},
            projection={"_id": 1},
        )
        if taken is not None:
            return True
        counter = _collection().find_one(key, {"booked": 1})
        if counter is None:
            _ensure_counter(key, capacity)
        elif counter["booked"] >= capacity:
            return False
        if attempt:
            time.sleep(0.005 * attempt)
    return False


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
