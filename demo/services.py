"""Load the demo data: the seed's sample documents (seed_samples.json) plus generated ones.

Documents go straight into the collections with pymongo, in the seed's exact form (the models read them as
they are). Loading is insert-only and keyed by `_id` (stable for every demo document) with the unique
natural-id indexes behind it: a second run inserts nothing and changes nothing, and never overwrites
what someone has edited since.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from itertools import islice
from pathlib import Path
from zoneinfo import ZoneInfo

from bson import json_util
from bson.json_util import JSONOptions
from django.conf import settings
from django.utils import timezone
from pymongo.collection import Collection
from pymongo.errors import BulkWriteError
from tqdm import tqdm

from appointments.next_free_store import next_free_forget_all
from clinics.geo import clinics_geo_backfill
from core.passwords import hash_password
from demo import catalog
from demo.files import demo_prescription_files
from demo.generate import DEMO_ID_RANGE, DemoSet, demo_set
from mongo.raw import collection as raw_collection

SEED_SAMPLES = Path(__file__).with_name("seed_samples.json")
SEED_PASSWORD_PLACEHOLDER = "$2b$10$..."  # the seed's stand-in for a hash; not one
LOAD_ORDER = (
    "specialty_master",
    "users",
    "clinics",
    "doctors",
    "doctor_slots",
    "appointments",
    "doctor_prescriptions",
    "video_consultations",
)
BATCH = 1000
DUPLICATE_KEY = 11000
ACTIVE_STATUSES = ("PENDING_CONFIRMATION", "CONFIRMED")


@dataclass
class CollectionResult:
    inserted: int = 0
    skipped: int = 0  # already there, or (a booking) its time is taken


def demo_seed_samples(*, password_hash: str) -> dict[str, list[dict]]:
    """The seed's sample documents, BSON-typed, with the placeholder password replaced by `password_hash`."""
    options = JSONOptions(tz_aware=True)
    data = json_util.loads(SEED_SAMPLES.read_text(encoding="utf-8"), json_options=options)
    samples = {name: docs for name, docs in data.items() if not name.startswith("_")}
    for collection in ("users", "doctors"):
        for doc in samples.get(collection, []):
            if doc.get("password") == SEED_PASSWORD_PLACEHOLDER:
                doc["password"] = password_hash
    return samples


def _batches(docs: list[dict]) -> Iterator[list[dict]]:
    iterator = iter(docs)
    while batch := list(islice(iterator, BATCH)):
        yield batch


def _present_ids(collection: Collection, docs: list[dict]) -> set:
    """The `_id`s of `docs` already in the collection: one range scan over the generated ids (they share a
    prefix) and one `$in` over the few others (the seed's samples)."""
    low, high = DEMO_ID_RANGE
    present = {doc["_id"] for doc in collection.find({"_id": {"$gte": low, "$lte": high}}, {"_id": 1})}
    others = [doc["_id"] for doc in docs if not low <= doc["_id"] <= high]
    if others:
        present |= {doc["_id"] for doc in collection.find({"_id": {"$in": others}}, {"_id": 1})}
    return present


def _insert_missing(collection: Collection, docs: list[dict], bar: tqdm) -> tuple[list, int]:
    """Insert every document that is not there yet. One whose `_id` exists is skipped; so is one whose unique
    natural id (doctorId, email, ...) exists under another `_id`: its index refuses it. Returns the inserted
    `_id`s and how many were skipped."""
    present = _present_ids(collection, docs)
    missing = [doc for doc in docs if doc["_id"] not in present]
    inserted, skipped = [], len(docs) - len(missing)
    bar.update(skipped)
    for batch in _batches(missing):
        failed: set[int] = set()
        try:
            collection.insert_many(batch, ordered=False)
        except BulkWriteError as exc:
            errors = exc.details["writeErrors"]
            if any(error["code"] != DUPLICATE_KEY for error in errors):
                raise
            failed = {error["index"] for error in errors}
        skipped += len(failed)
        inserted += [doc["_id"] for index, doc in enumerate(batch) if index not in failed]
        bar.update(len(batch))
    return inserted, skipped


def _key(doc: dict) -> tuple[str, str, str]:
    return doc["doctorId"], doc["appointmentDate"], doc["timeSlot"]


def _is_upcoming_active(doc: dict, today: date) -> bool:
    return doc["status"] in ACTIVE_STATUSES and doc["appointmentDate"] >= today.isoformat()


def _bookable_appointments(collection: Collection, docs: list[dict], slots: list[dict], today: date) -> list[dict]:
    """The new demo bookings that fit: none lands on a time another live booking already holds in the database,
    and no upcoming time gets more live bookings than its slot's maxPatients. They are inserted as the
    existing system writes them (no `placeNumber`): availability and booking count them as holders at once
    (appointments/services/places.py)."""
    present = {doc["_id"] for doc in collection.find({"_id": {"$in": [d["_id"] for d in docs]}}, {"_id": 1})}
    fresh = [doc for doc in docs if doc["_id"] not in present]
    if not fresh:
        return []
    held = {
        _key(doc)
        for doc in collection.find(
            {
                "doctorId": {"$in": sorted({doc["doctorId"] for doc in fresh})},
                "appointmentDate": {"$in": sorted({doc["appointmentDate"] for doc in fresh})},
                "status": {"$ne": "CANCELLED"},
            },
            {"doctorId": 1, "appointmentDate": 1, "timeSlot": 1},
        )
    }
    capacity = {slot["_id"]: slot["maxPatients"] for slot in slots}
    taken: dict[tuple[str, str, str], int] = {}
    bookable = []
    for doc in fresh:
        live = doc["status"] != "CANCELLED"
        if live and _key(doc) in held:
            continue
        if _is_upcoming_active(doc, today) and taken.get(_key(doc), 0) >= capacity.get(doc.get("slotId"), 1):
            continue
        if live:
            taken[_key(doc)] = taken.get(_key(doc), 0) + 1
        bookable.append(doc)
    return bookable


def demo_data_load(
    *,
    doctors: int,
    members: int | None = None,
    appointments: int = 25,
    seed: int = 2025,
    today: date | None = None,
    progress: bool = False,
) -> dict[str, CollectionResult]:
    """Load the seed samples and `doctors` generated doctors (with clinics, slots, members, bookings).
    Idempotent. Returns inserted/skipped counts per collection."""
    tz = ZoneInfo(settings.TIME_ZONE)
    today = today or timezone.localdate()  # appointment dates are clinic-local
    password_hash = hash_password(catalog.DEMO_PASSWORD)  # once: bcrypt is slow on purpose
    samples = demo_seed_samples(password_hash=password_hash)
    generated: DemoSet = demo_set(
        doctors=doctors,
        members=members if members is not None else max(20, doctors // 2),
        appointments=appointments,
        seed=seed,
        today=today,
        tz=tz,
        password_hash=password_hash,
        seed_docs=samples,
    )
    per_collection = {name: [*samples.get(name, []), *generated.docs.get(name, [])] for name in LOAD_ORDER}
    results: dict[str, CollectionResult] = {}
    total = sum(len(docs) for docs in per_collection.values())
    with tqdm(total=total, disable=not progress, unit="doc", desc="demo data") as bar:
        for name, docs in per_collection.items():
            bar.set_postfix_str(name)
            collection = raw_collection(name)
            if name == "appointments":
                candidates = _bookable_appointments(collection, docs, per_collection["doctor_slots"], today)
                bar.update(len(docs) - len(candidates))
                inserted, _ = _insert_missing(collection, candidates, bar)
                skipped = len(docs) - len(inserted)
            else:
                inserted, skipped = _insert_missing(collection, docs, bar)
            results[name] = CollectionResult(inserted=len(inserted), skipped=skipped)
    clinics_geo_backfill()  # the clinics' GeoJSON location copy, as the app writes it on a save (clinics/geo.py)
    # Raw inserts of doctors, slots, clinics and bookings: search's stored next free times are ours to renew
    # (appointments/next_free_store.py; docs/decisions/0077-stored-next-free-time-attacked.md).
    next_free_forget_all()
    demo_prescription_files(per_collection["doctor_prescriptions"])
    return results
