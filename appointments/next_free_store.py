"""Each doctor's next free time, stored for search (docs/decisions/0073-stored-next-free-time.md, 0077).

Working out a page's next free times costs four to seven reads (`selectors.next_available`); reading them back
costs one. The store keeps one document per doctor and consultation type in `doctor_next_free_times`, keyed
`_id = "doctor|<ANY|ONLINE|IN_CLINIC>|<doctorId>"`, and one epoch document per type (`"epoch|<type>"`) that is
read in the same query. An entry is used only while all of these hold:

- it is not marked dirty: every write of this app that can change the answer (a place taken, freed or moved;
  a slot, time off, extra hours or doctor saved) calls `next_free_forget` for that doctor after its write;
  a clinic saved, `load_demo_data` and `migrate` call `next_free_forget_all`, which renews the epochs;
- it was worked out under the current epoch, and under the same global notice, horizon and time zone
  settings (`_rules`: a deploy that changes them shows the change at once);
- `NEXT_AVAILABLE_MAX_AGE_SECONDS` have not passed since its `computedAt` (writes this app never sees, such
  as the existing system's own inserts);
- its answer is well formed, a time is still bookable now by the doctor's notice and horizon, and "nothing
  free" was worked out today (the horizon gains a day at midnight): the collection is raw, so nothing in it
  is trusted beyond what can be checked on reading.

Anything else is worked out again for the doctors concerned only, and stored. A recomputation never overwrites
a newer forget: it writes only if the entry's `stamp` is still the one it read before it started (a forget
renews the stamp, creating the entry if need be), so a booking made while a page was being worked out marks
the entry dirty and the stale answer is dropped. An answer is a hint; booking still checks the time itself.
"""

import logging
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from bson import ObjectId
from django.conf import settings
from django.utils import timezone
from pymongo import UpdateOne
from pymongo.errors import BulkWriteError, PyMongoError

from appointments.selectors import NextAvailable, appointment_starts_at, next_available
from core import clock
from core.validators import minutes_12h, time_12h
from doctors.models import Doctor
from doctors.schedule.notice import earliest_bookable, notice_rules
from mongo.raw import collection

COLLECTION = "doctor_next_free_times"
KIND_ANY = "ANY"
KINDS = (KIND_ANY, "ONLINE", "IN_CLINIC")
DUPLICATE_KEY = 11000
CONSULTATION_TYPES = ("IN_CLINIC", "ONLINE", "BOTH")
TIME_SLOT = re.compile(r"(0[1-9]|1[0-2]):[0-5][0-9] (AM|PM)")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
logger = logging.getLogger(__name__)


def _key(doctor_id: str, kind: str) -> str:
    return f"doctor|{kind}|{doctor_id}"


def _epoch_key(kind: str) -> str:
    """Never a doctor's key, whatever the doctorId (those start with "doctor|")."""
    return f"epoch|{kind}"


def _max_age() -> timedelta:
    return timedelta(seconds=max(0, int(getattr(settings, "NEXT_AVAILABLE_MAX_AGE_SECONDS", 60))))


def next_free_read(*, doctors: Sequence[Doctor], consultation_type: str | None) -> dict[str, NextAvailable | None]:
    """Each doctor's soonest bookable time, by doctorId, as `selectors.next_available` answers it: from the
    store where the entry is usable, worked out (and stored) for the others. One read when every entry is
    usable; otherwise that read, `next_available`'s reads for the rest, and one write."""
    if _max_age() <= timedelta(0):
        return next_available(doctors=doctors, consultation_type=consultation_type)
    kind = consultation_type or KIND_ANY
    now = clock.now()
    keys = [_key(doctor.doctor_id, kind) for doctor in doctors] + [_epoch_key(kind)]
    found_docs = collection(COLLECTION).find({"_id": {"$in": keys}}, batch_size=len(keys) + 1)  # one batch
    stored = {doc["_id"]: doc for doc in found_docs}
    epoch = (stored.get(_epoch_key(kind)) or {}).get("epoch")
    found: dict[str, NextAvailable | None] = {}
    stale: list[Doctor] = []
    for doctor in doctors:
        usable, value = _answer(stored.get(_key(doctor.doctor_id, kind)), doctor=doctor, epoch=epoch, now=now)
        if usable:
            found[doctor.doctor_id] = value
        else:
            stale.append(doctor)
    if stale:
        fresh = next_available(doctors=stale, consultation_type=consultation_type)
        _store(stale, fresh, kind=kind, stored=stored, epoch=epoch, now=now)
        found.update(fresh)
    return found


def _rules() -> str:
    """The settings every answer depends on (a doctor's own rules are forgotten when they are saved)."""
    return f"{settings.BOOKING_MIN_NOTICE_MINUTES}/{settings.BOOKING_HORIZON_DAYS}/{settings.TIME_ZONE}"


def _answer(
    entry: dict[str, Any] | None, *, doctor: Doctor, epoch: Any, now: datetime
) -> tuple[bool, NextAvailable | None]:
    """(True, the stored answer) when `entry` may be used, else (False, None): missing, stale, or not a
    document this module wrote (then it is worked out again and overwritten).

    Nothing stored is trusted beyond what can be checked on reading (the collection is raw and another system,
    or a hand, may write it): the answer must be well formed, still bookable now by the doctor's own notice and
    horizon (the rules availability applies), "nothing free" only on the day it was worked out (the horizon
    gains a day at midnight), and no entry lives longer than the maximum age after it says it was worked out.
    """
    if entry is None or not _usable(entry, epoch=epoch, now=now):
        return False, None
    try:
        value = _from_document(entry.get("next"))
        if value is None:
            return timezone.localdate(clock.stored_instant(entry["computedAt"])) == clock.local_today(), None
        return _still_bookable(value, doctor=doctor), value
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError):  # year 1 or 9999 in local time
        return False, None


def _still_bookable(value: NextAvailable, *, doctor: Doctor) -> bool:
    """Whether availability could still offer `value` now (past, the notice, the horizon); the places and the
    schedule are the stale marks' and the maximum age's business."""
    rules = notice_rules(doctor)
    starts = appointment_starts_at(appointment_date=value.date.isoformat(), time_slot=value.time_slot)
    return starts >= earliest_bookable(rules) and value.date <= clock.local_today() + timedelta(days=rules.horizon_days)


def _usable(entry: dict[str, Any], *, epoch: Any, now: datetime) -> bool:
    computed_at = entry.get("computedAt")
    if entry.get("dirty", True) is not False or entry.get("epoch") != epoch or entry.get("rules") != _rules():
        return False
    if not isinstance(computed_at, datetime):
        return False
    computed_at = clock.stored_instant(computed_at)
    # A clock set back (tests) never reads an answer from its future. Whether a stored time can still be booked
    # is `_still_bookable`'s, checked on every read.
    return computed_at <= now < computed_at + _max_age()


def _store(
    doctors: Sequence[Doctor],
    fresh: dict[str, NextAvailable | None],
    *,
    kind: str,
    stored: dict[str, dict[str, Any]],
    epoch: Any,
    now: datetime,
) -> None:
    """Write the answers worked out, each only over the entry it read (same stamp) or where there was none."""
    writes = []
    for doctor in doctors:
        key = _key(doctor.doctor_id, kind)
        read = stored.get(key)
        # Over the entry read (its stamp; None also matches an entry without one, as another system may write
        # it), or where there was none.
        guard = {"_id": key, "stamp": {"$eq": read.get("stamp")} if read is not None else {"$exists": False}}
        value = fresh.get(doctor.doctor_id)
        document = {
            "stamp": ObjectId(),
            "dirty": False,
            "epoch": epoch,
            "rules": _rules(),
            "computedAt": now,
            "next": _to_document(value),
        }
        writes.append(UpdateOne(guard, {"$set": document}, upsert=True))
    try:
        collection(COLLECTION).bulk_write(writes, ordered=False)
    except BulkWriteError as exc:  # a forget or another page got there first: theirs stands
        if any(error.get("code") != DUPLICATE_KEY for error in exc.details.get("writeErrors", [])):
            logger.warning("Could not store %d next free time(s); they are worked out again.", len(writes))
    except PyMongoError:  # storing only saves later reads: the page has its answers and is served
        logger.warning("Could not store %d next free time(s); they are worked out again.", len(writes))


def _to_document(value: NextAvailable | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return {
        "date": value.date.isoformat(),
        "minutes": value.minutes,
        "timeSlot": value.time_slot,
        "consultationType": value.consultation_type,
        "clinicId": value.clinic_id,
    }


def _from_document(document: Any) -> NextAvailable | None:
    """The stored answer; ValueError (or TypeError, KeyError) for anything `_to_document` would not have
    written, so that it is worked out again rather than shown (or answered 500 by the serializer)."""
    if document is None:
        return None
    if not isinstance(document, dict):
        raise TypeError("not an answer")
    day, minutes, time_slot = document["date"], document["minutes"], document["timeSlot"]
    consultation_type, clinic_id = document["consultationType"], document["clinicId"]
    if not all(isinstance(text, str) for text in (day, time_slot, consultation_type, clinic_id)):
        raise TypeError("not an answer")
    if type(minutes) is not int or consultation_type not in CONSULTATION_TYPES or not DATE.fullmatch(day):
        raise ValueError("not an answer")
    if not TIME_SLOT.fullmatch(time_slot) or minutes_12h(time_slot) != minutes or time_12h(minutes) != time_slot:
        raise ValueError("not an answer")
    return NextAvailable(
        date=date.fromisoformat(day),
        minutes=minutes,
        time_slot=time_slot,
        consultation_type=consultation_type,
        clinic_id=clinic_id,
    )


def next_free_forget(doctor_ids: Iterable[str]) -> None:
    """Mark these doctors' stored next free times dirty (every type), after a write that may change them.
    One write; it creates the entries it does not find, so a page being worked out meanwhile cannot store
    its answer over this (module docstring)."""
    ids = sorted({doctor_id for doctor_id in doctor_ids if isinstance(doctor_id, str) and doctor_id})
    if not ids:
        return
    renew = {"$set": {"stamp": ObjectId(), "dirty": True}}
    writes = [UpdateOne({"_id": _key(doctor_id, kind)}, renew, upsert=True) for doctor_id in ids for kind in KINDS]
    _write_retrying_duplicates(writes, what=f"{len(ids)} doctor(s)")


def next_free_forget_all(*_args: object, **_kwargs: object) -> None:
    """Make every stored next free time stale (a clinic changed: its hours, or whether it is active): renew
    the epochs. One write. Accepts and ignores a listener's arguments (clinics/events.py)."""
    renew = {"$set": {"epoch": ObjectId()}}
    _write_retrying_duplicates(
        [UpdateOne({"_id": _epoch_key(kind)}, renew, upsert=True) for kind in KINDS], what="every doctor"
    )


def _write_retrying_duplicates(writes: list[UpdateOne], *, what: str) -> None:
    """Two upserts of one new `_id` at once: the loser's duplicate-key error means the entry now exists, so
    its update is sent again (it then matches). SecantusDB can also answer a racing upsert that way.

    A forget that still fails is logged and swallowed: the caller's own write has succeeded and must not be
    reported as failed; the stale entries then last at most NEXT_AVAILABLE_MAX_AGE_SECONDS."""
    for _attempt in range(3):
        try:
            collection(COLLECTION).bulk_write(writes, ordered=False)
            return
        except BulkWriteError as exc:
            errors = exc.details.get("writeErrors", [])
            if any(error.get("code") != DUPLICATE_KEY for error in errors):
                break
            writes = [writes[error["index"]] for error in errors]
        except PyMongoError:
            break
    logger.warning("Could not mark the stored next free time of %s stale; it expires on its own.", what)
