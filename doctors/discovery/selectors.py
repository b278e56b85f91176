"""Reads on doctors for the member API: the specialty list, doctor search and one doctor.

Every list costs a fixed number of round trips whatever the page size: the embedded `clinics` array
carries everything a doctor card shows, so there is never a query per row.
"""

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from math import cos, radians
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db.models import Q, QuerySet
from pymongo.errors import OperationFailure

from clinics.cities import city_display_name, city_key
from clinics.geo import clinic_distances_near, geo_search_probe_forget, geo_search_usable
from clinics.models import Clinic
from core.errors import NotFound
from core.geo import haversine_km
from doctors.discovery.availability import doctor_ids_available_on, doctors_next_available
from doctors.models import Doctor, Specialty
from mongo.compiler import FIRST_BATCH
from mongo.raw import collection, filter_document

ORDERINGS = {
    "rating": ("rating",),
    "-rating": ("-rating",),
    "consultationFee": ("consultation_fee",),
    "-consultationFee": ("-consultation_fee",),
    "experienceYears": ("experience_years",),
    "-experienceYears": ("-experience_years",),
}
ORDER_BY_DISTANCE = "distance"
ORDER_BY_NEXT_AVAILABLE = "nextAvailable"
TYPE_ONLINE, TYPE_IN_CLINIC = "ONLINE", "IN_CLINIC"
MSG_DOCTOR_NOT_FOUND = "No active doctor with this doctorId."


@dataclass(frozen=True)
class Origin:
    """The member's position, for distances."""

    lat: float
    lng: float


def specialty_list() -> QuerySet[Specialty]:
    return Specialty.objects.filter(is_active=True).order_by("display_order", "name")


def doctor_get(*, doctor_id: str) -> Doctor:
    """An active doctor by the `doctorId` string (DOC001). Raises NotFound."""
    doctor = Doctor.objects.filter(doctor_id=doctor_id, is_active=True).first()
    if doctor is None:
        raise NotFound(MSG_DOCTOR_NOT_FOUND)
    return doctor


def doctor_filter(
    *,
    specialty_id: str | None = None,
    city: str | None = None,
    consultation_type: str | None = None,
    q: str | None = None,
) -> QuerySet[Doctor]:
    """Active doctors matching every given filter.

    `city` matches a practice city whatever its case, a parenthesised region or an old name
    (clinics/cities.py): the stored names with that key are looked up first (one query), then matched
    exactly on the seed's `clinics.city` index. `q` is a case-insensitive substring of the name, a
    specialization, the specialty, a clinic's name, or the name or description of a specialty of the master
    ("skin" finds dermatologists); `icontains` escapes regex metacharacters, so `q` is always matched literally
    (docs/decisions/0030-user-input-never-a-regex.md).
    """
    doctors = Doctor.objects.filter(is_active=True)
    if specialty_id:
        doctors = doctors.filter(specialty_id=specialty_id)  # {specialtyId, isActive} index
    if city:
        if not city_key(city):  # only a region in brackets or punctuation: no city, whatever is stored
            return doctors.none()
        names = city_names_matching(city) or [city.strip()]  # none stored: as typed, which finds nobody
        # One name (the usual case) is an equality, which SecantusDB's planner walks the index for.
        doctors = doctors.filter(clinics__city=names[0]) if len(names) == 1 else doctors.filter(clinics__city__in=names)
    if consultation_type == TYPE_ONLINE:
        doctors = doctors.filter(available_online=True)
    elif consultation_type == TYPE_IN_CLINIC:
        doctors = doctors.filter(available_offline=True)
    if q:
        matches = Q(name__icontains=q) | Q(specializations__icontains=q) | Q(specialty__icontains=q)
        specialty_ids = specialty_ids_matching(q)
        if specialty_ids:
            matches |= Q(specialty_id__in=specialty_ids)
        clinic_ids = clinic_ids_matching(q)
        if clinic_ids:
            matches |= Q(clinics__clinic_id__in=clinic_ids)
        doctors = doctors.filter(matches)
    return doctors


def specialty_ids_matching(q: str) -> list[str]:
    """specialtyIds of active specialties whose name or description contains `q` (literally). One query."""
    found = Specialty.objects.filter(Q(name__icontains=q) | Q(description__icontains=q), is_active=True)
    return sorted(found.values_list("specialty_id", flat=True))


def clinic_ids_matching(q: str) -> list[str]:
    """clinicIds of clinics whose name contains `q` (literally). One query on the clinics collection (the
    backend cannot search inside the doctors' embedded clinics array)."""
    return sorted(Clinic.objects.filter(name__icontains=q).values_list("clinic_id", flat=True))


_city_names: dict[str, Any] = {"names": None, "read_at": 0.0}


def _stored_city_names() -> list[str]:
    """Every practice city stored on an active doctor, as stored. One query (an aggregation: SecantusDB's
    `distinct` does not reach into arrays), kept CITY_NAMES_CACHE_SECONDS per process: the list changes only
    when a doctor or clinic is added or edited, and reading it scans the doctors."""
    ttl = float(getattr(settings, "CITY_NAMES_CACHE_SECONDS", 60))
    if _city_names["names"] is not None and time.monotonic() - _city_names["read_at"] < ttl:
        return list(_city_names["names"])
    found = collection(Doctor._meta.db_table).aggregate(
        [
            {"$match": {"isActive": True}},
            {"$project": {"_id": 0, "clinics.city": 1}},
            {"$unwind": "$clinics"},
            {"$group": {"_id": "$clinics.city"}},
        ]
    )
    names = [doc["_id"] for doc in found if isinstance(doc.get("_id"), str)]
    _city_names.update(names=names, read_at=time.monotonic())
    return list(names)


def city_names_forget(**_signal: object) -> None:
    """Drop this process's copy of the stored city names (a doctor or clinic was saved here; other
    processes catch up within CITY_NAMES_CACHE_SECONDS)."""
    _city_names["names"] = None


def city_names_matching(city: str) -> list[str]:
    """The stored practice-city names that `city` means (clinics/cities.py); [] when none."""
    key = city_key(city)
    return sorted(name for name in _stored_city_names() if city_key(name) == key)


@dataclass(frozen=True)
class City:
    """A city with active doctors: its canonical name and how many active doctors practise there."""

    name: str
    doctor_count: int


def city_list() -> list[City]:
    """Cities with active doctors, by canonical name (a doctor with several clinics in one city counts once),
    most doctors first. One query reading only the clinics' cities of active doctors."""
    found = collection(Doctor._meta.db_table).find({"isActive": True}, {"_id": 0, "clinics.city": 1})
    counts: dict[str, int] = {}
    names: dict[str, str] = {}
    for doc in found.batch_size(FIRST_BATCH):
        keys = set()
        for clinic in doc.get("clinics") or []:
            stored = clinic.get("city") if isinstance(clinic, dict) else None
            if not isinstance(stored, str):
                continue
            key = city_key(stored)
            if key:  # a blank name, or one that is only a region in brackets, is no city
                names.setdefault(key, city_display_name(stored))
                keys.add(key)
        for key in keys:
            counts[key] = counts.get(key, 0) + 1
    return sorted((City(names[key], count) for key, count in counts.items()), key=lambda c: (-c.doctor_count, c.name))


def doctor_order(doctors: QuerySet[Doctor], *, ordering: str | None) -> QuerySet[Doctor]:
    """Sort by one of ORDERINGS (ties, and no ordering, by doctorId so pages are stable)."""
    return doctors.order_by(*ORDERINGS.get(ordering or "", ()), "doctor_id")


def doctor_ids_by_distance(doctors: QuerySet[Doctor], *, origin: Origin, radius_km: float | None = None) -> list[Any]:
    """Primary keys of `doctors`, nearest practice first; doctors with no located clinic last. With
    `radius_km`, only the doctors with a clinic that close (and none without a location).

    Where the server answers geo queries on the clinics' `2dsphere` index (clinics/geo.py, probed once per
    process; `SEARCH_GEO_INDEX`), `_ids_by_clinic_distance` does it in two queries. Otherwise (the fallback,
    same results): one query that reads only `_id`, `doctorId` and the clinics' locations of every match
    (inside the radius's bounding box), then the great-circle sort in Python. Either way the caller fetches
    only the page it shows, and the documents are read as they are stored: turning every match's clinics into
    model instances cost more than the query (docs/performance.md; docs/decisions/0059-search-that-finds.md).
    """
    try:
        match = filter_document(doctors)
    except EmptyResultSet:
        return []
    if geo_search_usable():
        try:
            return _ids_by_clinic_distance(match, origin=origin, radius_km=radius_km)
        except OperationFailure:  # the index went away since the probe (MongoDB refuses $nearSphere then)
            geo_search_probe_forget()
    if radius_km is not None:
        match = {**match, **_bounding_box(origin, radius_km)}
    found = collection(Doctor._meta.db_table).find(
        match, {"doctorId": 1, "clinics.location": 1}, batch_size=FIRST_BATCH
    )
    keyed = []
    for doc in found:
        distances = [km for clinic in doc.get("clinics") or [] if (km := _stored_km(clinic, origin)) is not None]
        distance = min(distances) if distances else None
        if radius_km is not None and (distance is None or distance > radius_km):
            continue
        keyed.append((distance is None, distance or 0.0, str(doc.get("doctorId") or ""), doc["_id"]))
    keyed.sort()
    return [pk for *_, pk in keyed]


def _ids_by_clinic_distance(match: dict[str, Any], *, origin: Origin, radius_km: float | None) -> list[Any]:
    """`doctor_ids_by_distance` on the server's geo index, in two queries (clinics/geo.py). With a radius: the
    clinics inside it (`$nearSphere` with `$maxDistance`, on the `clinics_geo` index), then the matching doctors
    practising at any of them. Without: the matching doctors, then the distances of their clinics (`$nearSphere`
    narrowed to those clinics). Each reads only ids and locations. Same distances, order and radius as the
    great-circle pass: each doctor's nearest clinic decides, ties by doctorId, doctors with no located clinic
    last (left out with a radius)."""
    doctors = collection(Doctor._meta.db_table)
    fields = {"doctorId": 1, "clinics.clinicId": 1}
    if radius_km is not None:
        distances = clinic_distances_near(lat=origin.lat, lng=origin.lng, radius_km=radius_km)
        if not distances:
            return []
        near = {"clinics.clinicId": {"$in": sorted(distances)}}
        match = {"$and": [match, near]} if "clinics.clinicId" in match else {**match, **near}
        found = list(doctors.find(match, fields, batch_size=FIRST_BATCH))
    else:
        found = list(doctors.find(match, fields, batch_size=FIRST_BATCH))
        clinic_ids = sorted(
            {c for doc in found for entry in doc.get("clinics") or [] if (c := _entry_clinic_id(entry))}
        )
        distances = clinic_distances_near(lat=origin.lat, lng=origin.lng, clinic_ids=clinic_ids) if clinic_ids else {}
    keyed = []
    for doc in found:
        mine = [distances[c] for entry in doc.get("clinics") or [] if (c := _entry_clinic_id(entry)) in distances]
        distance = min(mine) if mine else None
        if radius_km is not None and distance is None:
            continue
        keyed.append((distance is None, distance or 0.0, str(doc.get("doctorId") or ""), doc["_id"]))
    keyed.sort()
    return [pk for *_, pk in keyed]


def _entry_clinic_id(entry: Any) -> str | None:
    clinic_id = entry.get("clinicId") if isinstance(entry, dict) else None
    return clinic_id if isinstance(clinic_id, str) else None


def doctors_by_next_available(doctors: QuerySet[Doctor], *, consultation_type: str | None) -> list[Doctor]:
    """`doctors`, soonest free time first (then doctorId), each with its `next_available` set; doctors with
    none within the booking horizon last. Computed for every match (the order is global, so pages do not
    overlap), in round trips that do not grow with the number of matches."""
    matches = list(doctors)
    doctor_fill_next_available(matches, consultation_type=consultation_type)

    def key(doctor: Doctor) -> tuple:
        free = doctor.next_available  # type: ignore[attr-defined]
        return (free is None, free.date if free else None, free.minutes if free else 0, str(doctor.doctor_id))

    return sorted(matches, key=key)


def doctor_filter_available_on(
    doctors: QuerySet[Doctor], *, day: date, consultation_type: str | None
) -> QuerySet[Doctor]:
    """`doctors` narrowed to those with a free time on `day` (none outside the booking window)."""
    ids = [doctor_id for doctor_id in doctors.values_list("doctor_id", flat=True) if isinstance(doctor_id, str)]
    return doctors.filter(
        doctor_id__in=sorted(doctor_ids_available_on(ids, day=day, consultation_type=consultation_type))
    )


def doctor_fill_next_available(doctors: Sequence[Doctor], *, consultation_type: str | None) -> None:
    """Set each doctor's `next_available` (in memory) for the page shown; round trips flat in page size. A doctor
    stored with a `doctorId` that is not text (no path can name it, nor book it) has none."""
    named = [doctor for doctor in doctors if isinstance(doctor.doctor_id, str)]
    soonest = doctors_next_available(named, consultation_type=consultation_type)
    for doctor in doctors:
        doctor.next_available = soonest.get(doctor.doctor_id)  # type: ignore[attr-defined]


def _bounding_box(origin: Origin, radius_km: float) -> dict[str, Any]:
    """A server-side pre-filter for a radius: some clinic's latitude (and, away from the poles and the
    antimeridian, longitude) within the box around the circle. Clinics of one doctor may meet the bounds
    separately, so this keeps a superset; the great-circle distance decides. Fewer documents come back."""
    lat_span = radius_km / 111.0 + 0.01
    box: dict[str, Any] = {"clinics.location.latitude": {"$gte": origin.lat - lat_span, "$lte": origin.lat + lat_span}}
    cos_lat = cos(radians(min(89.0, abs(origin.lat) + lat_span)))
    lng_span = radius_km / (111.0 * cos_lat) + 0.01 if cos_lat > 0.01 else 360.0
    if origin.lng - lng_span > -180 and origin.lng + lng_span < 180:
        box["clinics.location.longitude"] = {"$gte": origin.lng - lng_span, "$lte": origin.lng + lng_span}
    return box


def _stored_km(clinic: Any, origin: Origin) -> float | None:
    """Kilometres from `origin` to a stored clinic entry's location; None when it has no usable one."""
    location = clinic.get("location") if isinstance(clinic, dict) else None
    if location is None:
        return None
    try:
        return haversine_km(origin.lat, origin.lng, float(location["latitude"]), float(location["longitude"]))
    except (KeyError, TypeError, ValueError):
        return None


def doctors_in_order(pks: Sequence[Any]) -> list[Doctor]:
    """The doctors with these primary keys, in that order, in one query."""
    by_pk = {doctor.pk: doctor for doctor in Doctor.objects.filter(pk__in=list(pks))}
    return [by_pk[pk] for pk in pks if pk in by_pk]


def doctor_fill_distances(doctors: Sequence[Doctor], *, origin: Origin | None) -> None:
    """Set each embedded clinic's `distanceKm` (2 dp) from `origin`, in memory only; None without one.

    The stored `distanceKm` was measured from some other member's position, so it is never shown as is.
    """
    for doctor in doctors:
        for clinic in doctor.clinics or []:
            location = clinic.location
            located = location is not None and location.latitude is not None and location.longitude is not None
            clinic.distance_km = (
                round(haversine_km(origin.lat, origin.lng, location.latitude, location.longitude), 2)
                if origin is not None and located
                else None  # `location: {}` as stored loads with no coordinates: unlocated, as in the sort
            )
