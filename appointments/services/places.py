"""Places at a time of a doctor, held by the appointments themselves (docs/decisions/0019-place-numbers.md).

A place at (doctorId, appointmentDate, timeSlot) is held by every appointment there that is not CANCELLED.
A holder booked or moved here carries `placeNumber` (1..maxPatients); two unique partial indexes
({placeNumber: {$exists: true}}) refuse a second holder of one place and a second live appointment of one
member at one time, so the database itself decides every race. This module is the only code that writes
`placeNumber`:

- `place_take` (booking): read the holders, refuse a full time or a member who already holds it, number any
  un-numbered (legacy) holder, insert the appointment WITH its place: one insert, a whole booking or none;
- `place_move` (reschedule, by the member, the doctor or staff): one update_one filtered on the old date and
  time that takes the new place and frees the old one;
- `place_free` (every cancel): one update_one that cancels and `$unset`s the place.

Each, after its write, marks the doctor's stored next free time dirty (appointments/next_free_store.py).

No counter to drift: the places taken at a time are always counted from the appointments.
"""

import os
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from bson import ObjectId
from django.db import IntegrityError, connection
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

from appointments.models import (
    INDEX_ONE_HOLDER_PER_PLACE,
    INDEX_ONE_PER_MEMBER_TIME,
    OMITTED_WHEN_NULL,
    Appointment,
    AppointmentStatus,
)
from appointments.next_free_store import next_free_forget
from core import clock
from core.errors import Conflict
from mongo.raw import collection

MSG_SLOT_FULL = "This time is fully booked. Please choose another time."
MSG_ALREADY_BOOKED = "You already have an appointment with this doctor at this time."
MSG_MOVE_CHANGED = "This appointment changed meanwhile (cancelled, completed or moved); nothing was moved."
MSG_MOVE_SAME_TIME = "The appointment is already at this date and time."

TAKE_ATTEMPTS = 10
T = TypeVar("T")
CANCELLED = AppointmentStatus.CANCELLED.value
HOLDER_PROJECTION = {"_id": 1, "placeNumber": 1, "status": 1, "userId": 1}

# Test-only fault points (tests/appointments/test_place_faults.py): with OPD_PLACES_FAULT=<point> in the
# environment, the process kills itself (SIGKILL) at that point, the way a crash would stop it.
FAULT_ENV = "OPD_PLACES_FAULT"


def _fault(point: str) -> None:
    if os.environ.get(FAULT_ENV) == point:
        import signal

        os.kill(os.getpid(), signal.SIGKILL)


class SlotTaken(Conflict):
    """409: every place at this time is taken, or the member already holds it."""


class MoveRefused(Conflict):
    """409: the appointment cannot be moved (it changed meanwhile, or the target is full)."""


def _appointments() -> Collection[dict[str, Any]]:
    return collection(Appointment._meta.db_table)


def _time_key(*, doctor_id: str, appointment_date: str, time_slot: str) -> dict[str, str]:
    return {"doctorId": doctor_id, "appointmentDate": appointment_date, "timeSlot": time_slot}


def place_holders(*, doctor_id: str, appointment_date: str, time_slot: str) -> list[dict[str, Any]]:
    """The appointments holding a place at this time (status not CANCELLED), numbered or not. One query
    on the {doctorId, appointmentDate} index."""
    # Equality only, status compared here: SecantusDB plans `$ne` as a collection scan (mongo/README.md).
    key = _time_key(doctor_id=doctor_id, appointment_date=appointment_date, time_slot=time_slot)
    return [doc for doc in _appointments().find(key, HOLDER_PROJECTION) if doc.get("status") != CANCELLED]


def _numbered(holder: Mapping[str, Any]) -> bool:
    return isinstance(holder.get("placeNumber"), int)


def _free_numbers(holders: Iterable[Mapping[str, Any]], capacity: int) -> list[int]:
    taken = {holder["placeNumber"] for holder in holders if _numbered(holder)}
    return [number for number in range(1, capacity + 1) if number not in taken]


def _index_of(exc: DuplicateKeyError) -> str:
    """Which unique index refused the write."""
    text = str(exc.details or "") + str(exc)
    for name in (INDEX_ONE_HOLDER_PER_PLACE, INDEX_ONE_PER_MEMBER_TIME):
        if name in text:
            return name
    pattern = (exc.details or {}).get("keyPattern") or {}
    if "placeNumber" in pattern:
        return INDEX_ONE_HOLDER_PER_PLACE
    if "userId" in pattern and "timeSlot" in pattern:
        return INDEX_ONE_PER_MEMBER_TIME
    return ""


def _number_legacy_holders(holders: list[dict[str, Any]], capacity: int, skip: set[ObjectId]) -> bool:
    """Give each un-numbered holder (written by the existing system) the lowest free number, one guarded
    update each, so the unique index bounds them too. True when anything was tried (re-read afterwards)."""
    tried = False
    for holder in holders:
        if _numbered(holder) or holder["_id"] in skip:
            continue
        tried = True
        for number in _free_numbers(holders, capacity):
            try:
                done = _appointments().update_one(
                    {"_id": holder["_id"], "placeNumber": {"$exists": False}, "status": {"$ne": CANCELLED}},
                    {"$set": {"placeNumber": number}},
                )
            except DuplicateKeyError as exc:
                if _index_of(exc) == INDEX_ONE_PER_MEMBER_TIME:
                    skip.add(holder["_id"])  # a legacy double booking: left for audit_integrity to report
                    break
                continue  # someone took that number meanwhile: the next one
            if done.modified_count:
                holder["placeNumber"] = number
            break
        else:
            skip.add(holder["_id"])  # no free number left: the time is full anyway
    return tried


def _document(appointment: Appointment) -> dict[str, Any]:
    """The document the ORM would insert for `appointment` (the same columns and values), without _id."""
    document: dict[str, Any] = {}
    for field in appointment._meta.concrete_fields:
        if field.primary_key:
            continue
        value = field.get_db_prep_save(field.pre_save(appointment, True), connection=connection)
        if field.attname in OMITTED_WHEN_NULL and value is None:
            continue  # our fields beyond the seed's shape appear only once set (no `placeNumber: null` either)
        document[str(field.column)] = value
    return document


def _with_free_place(
    *, doctor_id: str, appointment_date: str, time_slot: str, user_id: Any, capacity: int, write: Callable[[int], T]
) -> T:
    """Call `write(number)` with the lowest free place number at this time, until one write wins.

    Refuses (SlotTaken, 409) a full time and a member who already holds one there. `write` raising
    DuplicateKeyError on the place index means the number was taken meanwhile: re-read, try the next.
    """
    skip: set[ObjectId] = set()
    for attempt in range(TAKE_ATTEMPTS):
        holders = place_holders(doctor_id=doctor_id, appointment_date=appointment_date, time_slot=time_slot)
        if any(holder.get("userId") == user_id for holder in holders):
            raise SlotTaken(MSG_ALREADY_BOOKED)
        if len(holders) >= capacity:
            raise SlotTaken(MSG_SLOT_FULL)
        if _number_legacy_holders(holders, capacity, skip):
            continue  # re-read: the numbers just given are now held
        free = _free_numbers(holders, capacity)
        if not free:
            raise SlotTaken(MSG_SLOT_FULL)
        try:
            return write(free[0])
        except DuplicateKeyError as exc:
            index = _index_of(exc)
            if index == INDEX_ONE_PER_MEMBER_TIME:
                raise SlotTaken(MSG_ALREADY_BOOKED) from exc
            if index != INDEX_ONE_HOLDER_PER_PLACE:
                raise IntegrityError(str(exc)) from exc
        if attempt:
            time.sleep(0.002 * attempt)
    raise SlotTaken(MSG_SLOT_FULL)


def place_take(*, appointment: Appointment, capacity: int) -> Appointment:
    """Insert the (unsaved) appointment holding a free place at its time, or refuse with SlotTaken (409).

    One read of the holders and one insert in the usual case. A number taken meanwhile (DuplicateKeyError on
    the place index) re-reads and tries the next; the member index refuses a second live booking of one
    member at one time (a member racing themselves). Raises IntegrityError for any other duplicate key
    (e.g. an appointmentId drawn twice), with nothing written.
    """

    def insert(number: int) -> Appointment:
        appointment.place_number = number
        document = _document(appointment)
        _fault("take:before-insert")
        inserted = _appointments().insert_one(document)
        _fault("take:after-insert")
        next_free_forget([appointment.doctor_id])
        appointment.pk = inserted.inserted_id
        appointment._state.adding = False
        appointment._state.db = "default"
        return appointment

    try:
        return _with_free_place(
            doctor_id=appointment.doctor_id,
            appointment_date=appointment.appointment_date,
            time_slot=appointment.time_slot,
            user_id=appointment.user_id,
            capacity=capacity,
            write=insert,
        )
    except BaseException:
        appointment.place_number = None
        raise


def place_free(
    *,
    appointment: Appointment,
    allowed_from: Iterable[str],
    changes: Mapping[str, Any],
    expected: Mapping[str, Any] | None = None,
) -> bool:
    """Cancel the appointment and free exactly the place it holds: ONE update_one filtered on the statuses it
    may be cancelled from (and `expected`, by column: the values the caller decided on), `$set` status
    CANCELLED (+ `changes`, by column) and `$unset` placeNumber.

    False when it was no longer in `allowed_from` (already cancelled, completed...) or no longer as `expected`:
    nothing written, so a cancel retried after a lost reply frees nothing twice.
    """
    _fault("free:before-update")
    done = _appointments().update_one(
        {"_id": appointment.pk, **(expected or {}), "status": {"$in": list(allowed_from)}},
        {"$set": {"status": CANCELLED, **changes}, "$unset": {"placeNumber": ""}},
    )
    _fault("free:after-update")
    if done.matched_count:
        next_free_forget([appointment.doctor_id])
    return bool(done.matched_count)


def place_move(
    *,
    appointment: Appointment,
    allowed_from: Iterable[str],
    appointment_date: str,
    time_slot: str,
    capacity: int,
    changes: Mapping[str, Any] | None = None,
    removals: Iterable[str] = (),
    expected: Mapping[str, Any] | None = None,
    place_number: int | None = None,
) -> None:
    """Move the appointment to another date and time of its doctor, taking a free place there.

    ONE update_one filtered on {_id, status in allowed_from, the old date, the old time} (+ `expected`, by
    column) that sets the new date, time, place number (and `changes`, by column; `removals` are unset): the
    old place is freed by the same write, so a crash leaves the appointment wholly at its old time or wholly
    at its new one. Raises SlotTaken (409) when the target is full or the patient already holds it,
    MoveRefused (409) when the appointment changed meanwhile.

    At the same date and time (a new type, say: the place is per doctor, date and time, whatever the type),
    the appointment keeps its place and only `changes` are written, in one update with the same guard; with
    nothing to change that is MoveRefused.

    `place_number` takes exactly that place, in one try (a reschedule undoing itself takes back the place it
    left: booking.py, `_move_back`): SlotTaken when it is held meanwhile, nothing written.
    """
    same_time = (appointment_date, time_slot) == (appointment.appointment_date, appointment.time_slot)
    if same_time and not changes:
        raise MoveRefused(MSG_MOVE_SAME_TIME)
    guard = {
        "_id": appointment.pk,
        **(expected or {}),
        "status": {"$in": list(allowed_from)},
        "appointmentDate": appointment.appointment_date,
        "timeSlot": appointment.time_slot,
    }
    unset = {"$unset": dict.fromkeys(removals, "")} if removals else {}

    def write(update: dict[str, Any]) -> None:
        _fault("move:before-update")
        done = _appointments().update_one(guard, {"$set": {"updatedAt": clock.now(), **update}, **unset})
        _fault("move:after-update")
        if not done.matched_count:
            raise MoveRefused(MSG_MOVE_CHANGED)
        next_free_forget([appointment.doctor_id])

    if same_time:
        write(dict(changes or {}))
        return

    def move(number: int) -> None:
        write({"appointmentDate": appointment_date, "timeSlot": time_slot, "placeNumber": number, **(changes or {})})

    if place_number is not None:
        try:
            move(place_number)
        except DuplicateKeyError as exc:
            taken = MSG_ALREADY_BOOKED if _index_of(exc) == INDEX_ONE_PER_MEMBER_TIME else MSG_SLOT_FULL
            raise SlotTaken(taken) from exc
        return
    _with_free_place(
        doctor_id=appointment.doctor_id,
        appointment_date=appointment_date,
        time_slot=time_slot,
        user_id=appointment.user_id,
        capacity=capacity,
        write=move,
    )
