"""No overbooking: reserve and release places at one time of a doctor, atomically.

See docs/decisions/0019-capacity-counters.md.
"""

import time
from typing import Any

from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

from appointments.models import BookedTime
from core import clock
from mongo.raw import collection

RESERVE_ATTEMPTS = 10


def _collection() -> Collection[dict[str, Any]]:
    return collection(BookedTime._meta.db_table)


def _key(doctor_id: str, appointment_date: str, time_slot: str) -> dict[str, str]:
    return {"doctorId": doctor_id, "appointmentDate": appointment_date, "timeSlot": time_slot}


def capacity_reserve(*, doctor_id: str, appointment_date: str, time_slot: str, capacity: int) -> bool:
    """Take one place at this time if fewer than `capacity` are taken. True when a place was taken.

    One atomic upsert guarded by `booked < capacity`; never "count, then insert". It updates the time's
    counter while there is room and creates it on the first booking; when the counter exists but is full,
    the upsert's insert collides with the unique index (DuplicateKeyError). So does the loser of two racing
    first bookings, which therefore reads the counter and tries again unless it is really full. One command
    in the usual case (docs/performance.md).
    """
    key = _key(doctor_id, appointment_date, time_slot)
    for attempt in range(RESERVE_ATTEMPTS):
        now = clock.now()
        try:
            _collection().find_one_and_update(
                {**key, "booked": {"$lt": capacity}},
                {
                    "$inc": {"booked": 1},
                    "$set": {"capacity": capacity, "updatedAt": now},
                    "$setOnInsert": {"createdAt": now},
                },
                projection={"_id": 1},
                upsert=True,
            )
            return True
        except DuplicateKeyError:
            counter = _collection().find_one(key, {"booked": 1})
            if counter is not None and counter["booked"] >= capacity:
                return False
        if attempt:
            time.sleep(0.005 * attempt)
    return False


def capacity_release(*, doctor_id: str, appointment_date: str, time_slot: str) -> None:
    """Give one place back (a cancelled appointment, or a booking whose insert failed)."""
    _collection().update_one(
        {**_key(doctor_id, appointment_date, time_slot), "booked": {"$gt": 0}},
        {"$inc": {"booked": -1}, "$set": {"updatedAt": clock.now()}},
    )


def capacity_booked(*, doctor_id: str, appointment_date: str) -> dict[str, int]:
    """Places taken per time slot of one doctor on one date, in one query."""
    cursor = _collection().find(
        {"doctorId": doctor_id, "appointmentDate": appointment_date}, {"timeSlot": 1, "booked": 1}
    )
    return {doc["timeSlot"]: doc["booked"] for doc in cursor}
