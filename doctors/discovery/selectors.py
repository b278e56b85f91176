"""Reads on doctors for the member API: the specialty list, doctor search and one doctor.

Every list costs a fixed number of round trips whatever the page size: the embedded `clinics` array
carries everything a doctor card shows, so there is never a query per row.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import Q, QuerySet

from core.errors import NotFound
from core.geo import haversine_km
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

    `city` matches a practice city exactly (the seed's `clinics.city` index). `q` is a case-insensitive
    substring of the name, a specialization or the specialty name; `icontains` escapes regex
    metacharacters, so `q` is always matched literally.
    """
    doctors = Doctor.objects.filter(is_active=True)
    if specialty_id:
        doctors = doctors.filter(specialty_id=specialty_id)  # {specialtyId, isActive} index
    if city:
        doctors = doctors.filter(clinics__city=city)
    if consultation_type == TYPE_ONLINE:
        doctors = doctors.filter(available_online=True)
    elif consultation_type == TYPE_IN_CLINIC:
        doctors = doctors.filter(available_offline=True)
    if q:
        doctors = doctors.filter(Q(name__icontains=q) | Q(specializations__icontains=q) | Q(specialty__icontains=q))
    return doctors


def doctor_order(doctors: QuerySet[Doctor], *, ordering: str | None) -> QuerySet[Doctor]:
    """Sort by one of ORDERINGS (ties, and no ordering, by doctorId so pages are stable)."""
    return doctors.order_by(*ORDERINGS.get(ordering or "", ()), "doctor_id")


def doctor_ids_by_distance(doctors: QuerySet[Doctor], *, origin: Origin) -> list[Any]:
    """Primary keys of `doctors`, nearest practice first; doctors with no located clinic last.

    One query that reads only `_id`, `doctorId` and the clinics' locations of every match, then the sort in
    Python; the caller fetches only the page it shows. The documents are read as they are stored: turning
    every match's clinics into model instances cost more than the query (docs/performance.md). Fine for
    thousands of doctors; beyond that, store GeoJSON points with a 2dsphere index and let `$geoNear` sort
    (see docs/booking.md, Discovery).
    """
    try:
        match = filter_document(doctors)
    except EmptyResultSet:
        return []
    found = collection(Doctor._meta.db_table).find(
        match, {"doctorId": 1, "clinics.location": 1}, batch_size=FIRST_BATCH
    )
    keyed = []
    for doc in found:
        distances = [km for clinic in doc.get("clinics") or [] if (km := _stored_km(clinic, origin)) is not None]
        distance = min(distances) if distances else None
        keyed.append((distance is None, distance or 0.0, doc.get("doctorId") or "", doc["_id"]))
    keyed.sort()
    return [pk for *_, pk in keyed]


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
            clinic.distance_km = (
                round(haversine_km(origin.lat, origin.lng, clinic.location.latitude, clinic.location.longitude), 2)
                if origin is not None and clinic.location is not None
                else None
            )
